// rnn, lstm and gru layers (model.ts RecurrentNode): PyTorch math, gate order and names.
import * as E from '../../diagnostics/catalogue.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { checkLengths, constDim, expectDtype, expectFloatRank, expectShape } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Init, RecurrentNode } from '../model.ts';
import { bool, int, num, oneOf } from '../options.ts';
import { defaulted, optional, readOptions, required } from '../read-options.ts';
import { layerCallable, layerWhat, onlyFor, wanted } from './common.ts';
import type { LayerDef } from './layer.ts';

type Cell = RecurrentNode['cell'];
const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };

const schema = {
  hidden: required(int(1), 'hidden=64'),
  layers: defaulted(int(1), 1),
  bidirectional: defaulted(bool, false),
  dropout: defaulted(num({ min: 0, max: 1, maxOpen: true }), 0),
  return_sequences: defaulted(bool, true),
  nonlinearity: optional(oneOf(['tanh', 'relu'])),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  recurrent_init: defaulted(initSpec('weight'), { kind: 'orthogonal' } as Init),
  bias_init: optional(initSpec('vector')),
  forget_bias: optional(num()),
};

export const recurrentLayer = (cell: Cell): LayerDef => ({
  kind: cell,
  shareable: false,
  declare(ctx, name, call) {
    const read = readOptions(ctx, cell, schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, given = read.given;
    let ok = onlyFor(ctx, given, 'nonlinearity', cell === 'rnn', 'applies only to rnn layers (lstm and gru use tanh)');
    ok = onlyFor(ctx, given, 'forget_bias', cell === 'lstm', 'applies only to lstm layers') && ok;
    const bothBiases = o.forget_bias !== undefined && o.bias_init !== undefined && o.bias_init.kind !== 'zeros';
    if (bothBiases) {
      ctx.report(E.invalidOptionCombination(given.get('forget_bias')?.span ?? call.span,
        '`forget_bias` sets the forget-gate slice of a zero bias; it cannot be combined with a non-zero `bias_init`'));
      ok = false;
    }
    if (!ok) return null;
    if (o.dropout > 0 && o.layers === 1) {
      ctx.report(E.noEffect(given.get('dropout')?.span ?? call.span, '`dropout`', 'it applies between stacked layers and this layer has one',
      ));
    }
    const H = o.hidden, L = o.layers, D = o.bidirectional ? 2 : 1, G = GATES[cell];
    const biasHh: Init = o.bias_init ?? { kind: 'zeros' };
    const biasIh: Init = cell === 'lstm' && (o.forget_bias !== undefined || o.bias_init === undefined)
      ? { kind: 'forget_bias', value: o.forget_bias ?? 1, hidden: H } : biasHh;
    const what = layerWhat(name, cell);

    return layerCallable({
      signature: {
        params: [tensor('x'), tensor('lengths', { named: true }), tensor('h0', { named: true }),
          ...(cell === 'lstm' ? [tensor('c0', { named: true })] : [])],
        usage: `${name}(x, lengths=?, h0=?${cell === 'lstm' ? ', c0=?' : ''})`,
      },
      results: cell === 'lstm' ? ['y', 'h_n', 'c_n'] : ['y', 'h_n'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!;
        if (!expectFloatRank(ctx, x, 3, what, '[batch, time, features]')) return nulls(want);
        const [B, T] = x.type.shape as [number | string, number | string];
        const I = constDim(ctx, x, 2, `the feature size of the input to ${what}`);
        if (I === undefined) return nulls(want);
        const lengths = args.tensor('lengths'), h0 = args.tensor('h0'), c0 = args.tensor('c0');
        let ok = lengths === undefined || checkLengths(ctx, lengths, B, T, `\`lengths\` of ${what}`);
        for (const [s, n] of [[h0, 'h0'], [c0, 'c0']] as const) {
          if (s !== undefined) ok = expectDtype(ctx, s, 'f32', `\`${n}\` of ${what}`) && expectShape(ctx, s, [L * D, B, H], `\`${n}\` of ${what}`) && ok;
        }
        if (!ok) return nulls(want);
        if (self.first) {
          for (let k = 0; k < L; k++) {
            for (let d = 0; d < D; d++) {
              const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
              ctx.addParam(self.name, `weight_ih${sfx}`, [G * H, k === 0 ? I : D * H], o.init, self.declSpan);
              ctx.addParam(self.name, `weight_hh${sfx}`, [G * H, H], o.recurrent_init, self.declSpan);
              ctx.addParam(self.name, `bias_ih${sfx}`, [G * H], biasIh, self.declSpan);
              ctx.addParam(self.name, `bias_hh${sfx}`, [G * H], biasHh, self.declSpan);
            }
          }
        }
        const span = args.call.span;
        const y = ctx.addValue({ dtype: 'f32', shape: o.return_sequences ? [B, T, D * H] : [B, D * H] }, span);
        const hN = wanted(want, 1, () => ctx.addValue({ dtype: 'f32', shape: [L * D, B, H] }, span));
        const cN = wanted(want, 2, () => ctx.addValue({ dtype: 'f32', shape: [L * D, B, H] }, span));
        ctx.addNode({
          op: 'recurrent', cell, nonlinearity: o.nonlinearity ?? 'tanh', hidden: H, layers: L, bidirectional: D === 2,
          dropout: o.dropout, returnSequences: o.return_sequences,
          x: x.id, lengths: lengths?.id, h0: h0?.id, c0: c0?.id, y: y.id, hN: hN?.id, cN: cN?.id,
          span, layer: self.name,
        });
        return [y, hN ?? null, cN ?? null].slice(0, want);
      },
    });
  },
});
