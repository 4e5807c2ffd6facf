// Gradient-check cases for recurrent and conv_lstm: every cell, stacked and bidirectional layers,
// masked variable-length batches, h0/c0 in and hN/cN out, returnSequences false, dropout between layers.
import type { RecurrentNode } from '../../compiler/check/model.ts';
import type { CellKind } from '../../src/reference/layers/cells.ts';
import { ModelBuilder } from './builder.ts';
import type { GradCase } from './cases.ts';

interface RecOpts {
  cell: 'rnn' | 'lstm' | 'gru'; relu?: boolean; layers?: number; bidirectional?: boolean; lengths?: boolean;
  h0?: boolean; seq?: boolean; dropout?: number;
}

function recurrentModel(o: RecOpts) {
  const [I, H] = [3, 2];
  const L = o.layers ?? 1;
  const D = o.bidirectional ? 2 : 1;
  const kind: CellKind = o.cell === 'rnn' ? (o.relu ? 'rnn_relu' : 'rnn_tanh') : o.cell;
  const b = new ModelBuilder().recurrentParams('rec', kind, I, H, L, D);
  const x = b.input('x', 'f32', ['B', 'T', I]);
  const lengths = o.lengths ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
  const h0 = o.h0 ? b.input('h0', 'f32', [L * D, 'B', H]) : undefined;
  const c0 = o.h0 && o.cell === 'lstm' ? b.input('c0', 'f32', [L * D, 'B', H]) : undefined;
  const seq = o.seq ?? true;
  const y = b.f(seq ? ['B', 'T', D * H] : ['B', D * H]);
  const hN = b.f([L * D, 'B', H]);
  const cN = o.cell === 'lstm' ? b.f([L * D, 'B', H]) : undefined;
  const node: Omit<RecurrentNode, 'id' | 'span'> = {
    op: 'recurrent', layer: 'rec', cell: o.cell, nonlinearity: o.relu ? 'relu' : 'tanh', hidden: H, layers: L,
    bidirectional: D === 2, dropout: o.dropout ?? 0, returnSequences: seq, x, y, hN,
    ...(lengths !== undefined ? { lengths } : {}), ...(h0 !== undefined ? { h0 } : {}), ...(c0 !== undefined ? { c0 } : {}),
    ...(cN !== undefined ? { cN } : {}),
  };
  b.node(node).output('y', y).output('hN', hN);
  if (cN !== undefined) b.output('cN', cN);
  return b.build();
}

const name = (o: RecOpts): string => [
  o.cell === 'rnn' ? `rnn ${o.relu ? 'relu' : 'tanh'}` : o.cell,
  o.layers && o.layers > 1 ? `${o.layers} layers` : '',
  o.bidirectional ? 'bidirectional' : '',
  o.lengths ? 'lengths' : '',
  o.h0 ? 'h0/c0' : '',
  o.seq === false ? 'last step only' : '',
  o.dropout ? `dropout ${o.dropout} (training)` : '',
].filter(Boolean).join(', ');

const variants: RecOpts[] = [];
for (const cell of ['rnn', 'lstm', 'gru'] as const) {
  for (const relu of cell === 'rnn' ? [false, true] : [false]) {
    variants.push(
      { cell, relu },
      { cell, relu, lengths: true, h0: true },
      { cell, relu, bidirectional: true, lengths: true, seq: false },
      { cell, relu, layers: 2, bidirectional: true, lengths: true, h0: true },
    );
  }
  variants.push({ cell, layers: 2, bidirectional: true, lengths: true, dropout: 0.3, seq: false });
  variants.push({ cell, layers: 3, lengths: true, dropout: 0.5 });
}

export const recurrentCases: GradCase[] = [
  ...variants.map((o): GradCase => ({
    construct: `recurrent ${name(o)}`,
    dims: { B: 3, T: 4 },
    model: () => recurrentModel(o),
    ...(o.dropout ? { opts: { training: true } } : {}),
  })),
  ...[true, false].flatMap((seq) => [true, false].map((masked): GradCase => ({
    construct: `conv_lstm ${seq ? 'sequences' : 'last step'}${masked ? ', lengths' : ''}, hN/cN`,
    dims: { B: 2, T: 3 },
    model: () => {
      const [C, F, Hh, W, k] = [2, 2, 3, 3, 3];
      const b = new ModelBuilder().param('cl.weight', [4 * F, C + F, k, k]).param('cl.bias', [4 * F]);
      const x = b.input('x', 'f32', ['B', 'T', C, Hh, W]);
      const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
      const y = b.f(seq ? ['B', 'T', F, Hh, W] : ['B', F, Hh, W]);
      const hN = b.f(['B', F, Hh, W]);
      const cN = b.f(['B', F, Hh, W]);
      return b.node({ op: 'conv_lstm', layer: 'cl', filters: F, kernel: k, returnSequences: seq, x, y, hN, cN, ...(len !== undefined ? { lengths: len } : {}) })
        .output('y', y).output('hN', hN).output('cN', cN).build();
    },
  }))),
];
