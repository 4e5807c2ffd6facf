// RNN / LSTM / GRU: per stacked layer, one input-projection matmul per direction over all time steps
// at once, then one recurrent_seq op that runs the recurrence (both directions together).
import type { RecurrentNode } from '../check/model.ts';
import { mul } from '../ir/builder.ts';
import type { Cell, TensorId } from '../ir/graph.ts';
import type { LowerCtx } from './context.ts';

export const GATES: Record<Cell, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

export function lowerRecurrent(ctx: LowerCtx, n: RecurrentNode): void {
  const { b } = ctx;
  const cell: Cell = n.cell === 'rnn' ? (n.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh') : n.cell;
  const H = n.hidden, D = n.bidirectional ? 2 : 1, G = GATES[cell];
  const [batch, time] = ctx.shape(n.x) as [string | number, string | number];
  const name = n.layer ?? `recurrent${n.id}`;
  const stateShape = [n.layers * D, batch, H];
  // Streaming: every call is one valid step that starts from the carried state and ends by updating it.
  const stream = ctx.stream !== undefined;
  const lengths = n.lengths === undefined || stream ? undefined : ctx.tensorOf(n.lengths);
  const hState = stream ? b.tensor(`${name}.h_state`, stateShape, { kind: 'arena' }, true) : undefined;
  const cState = stream && cell === 'lstm' ? b.tensor(`${name}.c_state`, stateShape, { kind: 'arena' }, true) : undefined;
  const h0 = hState ?? (n.h0 === undefined ? undefined : ctx.tensorOf(n.h0));
  const c0 = cState ?? (n.c0 === undefined ? undefined : ctx.tensorOf(n.c0));
  const hN = n.hN !== undefined ? ctx.define(n.hN, `${name}.h_n`) : hState !== undefined ? b.tensor(`${name}.h_next`, stateShape) : undefined;
  const cN = n.cN !== undefined ? ctx.define(n.cN, `${name}.c_n`) : cState !== undefined ? b.tensor(`${name}.c_next`, stateShape) : undefined;
  for (const [from, to] of [[hN, hState], [cN, cState]] as const) {
    if (from === undefined || to === undefined) continue;
    ctx.stateUpdates.push(() => b.add({ kind: 'pointwise', fn: 'copy', x: from, y: to, size: mul(...stateShape), accumulate: false },
                                      `${name} carry state`));
  }

  let x = ctx.tensorOf(n.x);
  let inWidth = ctx.shape(n.x)[2]!;
  for (let l = 0; l < n.layers; l++) {
    if (l > 0 && n.dropout > 0) {
      const dropped = b.tensor(`${name}.dropout_l${l - 1}`, [batch, time, D * H]);
      b.add({ kind: 'pointwise', fn: 'dropout', p: n.dropout, site: 64 * n.id + (l - 1), x, y: dropped,
              size: mul(batch, time, D * H), accumulate: false }, `${name} dropout after layer ${l - 1}`);
      x = dropped;
    }
    const xproj = b.tensor(`${name}.xproj_l${l}`, [D, batch, time, G * H]);
    const whh: TensorId[] = [], bhh: TensorId[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const wih = ctx.param(`${name}.weight_ih${sfx}`), bih = ctx.param(`${name}.bias_ih${sfx}`);
      whh.push(ctx.param(`${name}.weight_hh${sfx}`).tensor);
      bhh.push(ctx.param(`${name}.bias_hh${sfx}`).tensor);
      b.add({ kind: 'matmul', a: x, b: wih.tensor, bias: bih.tensor, y: xproj, m: mul(batch, time), n: G * H, k: inWidth,
              transA: false, transB: true, act: 'none', accumulate: false, yOffset: mul(d, batch, time, G * H) },
            `${name} input projection, layer ${l}${d === 1 ? ' reverse' : ''}`);
    }
    const last = l === n.layers - 1;
    const y = last && n.returnSequences ? ctx.define(n.y, `${name}.y`) : b.tensor(`${name}.y_l${l}`, [batch, time, D * H]);
    const hprev = b.tensor(`${name}.hprev_l${l}`, [D, batch, time, H]);
    const gates = b.tensor(`${name}.gates_l${l}`, [D, batch, time, cell === 'lstm' || cell === 'gru' ? 4 * H : H]);
    const cells = cell === 'lstm' ? b.tensor(`${name}.cells_l${l}`, [D, batch, time, H]) : undefined;
    b.add({ kind: 'recurrent_seq', cell, hidden: H, dirs: D as 1 | 2, xproj, whh, bhh, lengths, h0, c0,
            stateIndex: l * D, stateCount: n.layers * D, y, hprev, gates, cells, hN, cN, batch, time },
          `${name} ${cell} recurrence, layer ${l}`);
    x = y;
    inWidth = D * H;
  }
  if (!n.returnSequences) {
    const y = ctx.define(n.y, `${name}.y`);
    b.add({ kind: 'time_select', which: 'bidir_last', x, lengths, y, batch, time, width: D * H, dirs: D as 1 | 2,
            grad: false, accumulate: false }, `${name} last step`);
  }
}
