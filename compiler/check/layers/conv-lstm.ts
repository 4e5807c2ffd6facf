// conv_lstm (model.ts ConvLstmNode): an LSTM whose gates are same-padded 2-D convolutions,
// over frame sequences [batch, time, channels, height, width].
import * as E from '../../diagnostics/catalogue.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { checkLengths, constDim, expectFloatRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Dim, Init } from '../model.ts';
import { bool, int, num } from '../options.ts';
import { defaulted, optional, readOptions, required } from '../read-options.ts';
import { layerCallable, layerWhat, wanted } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  filters: required(int(1), 'filters=16'),
  kernel: defaulted(int(1), 3),
  return_sequences: defaulted(bool, true),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  bias_init: optional(initSpec('vector')),
  forget_bias: optional(num()),
};

export const convLstmLayer: LayerDef = {
  kind: 'conv_lstm',
  shareable: false,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'conv_lstm', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'conv_lstm');
    if (o.kernel % 2 === 0) {
      ctx.report(E.badOptionValue(read.given.get('kernel')!.value.span, 'kernel', 'odd (the gates use same padding)', String(o.kernel)));
      return null;
    }
    if (o.forget_bias !== undefined && o.bias_init !== undefined && o.bias_init.kind !== 'zeros') {
      ctx.report(E.invalidOptionCombination(read.given.get('forget_bias')!.span,
        '`forget_bias` sets the forget-gate slice of a zero bias; it cannot be combined with a non-zero `bias_init`'));
      return null;
    }
    const F = o.filters, k = o.kernel;
    const bias: Init = o.bias_init !== undefined && o.forget_bias === undefined ? o.bias_init : { kind: 'forget_bias', value: o.forget_bias ?? 1, hidden: F };
    return layerCallable({
      signature: { params: [tensor('x'), tensor('lengths', { named: true })], usage: `${name}(x, lengths=?)` },
      results: ['y', 'h_n', 'c_n'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!;
        if (!expectFloatRank(ctx, x, 5, what, '[batch, time, channels, height, width]')) return nulls(want);
        const [B, T, , H, W] = x.type.shape as Dim[] as [Dim, Dim, Dim, Dim, Dim];
        const C = constDim(ctx, x, 2, `the channel count of the input to ${what}`);
        if (C === undefined) return nulls(want);
        const lengths = args.tensor('lengths');
        if (lengths !== undefined && !checkLengths(ctx, lengths, B, T, `\`lengths\` of ${what}`)) return nulls(want);
        if (self.first) {
          ctx.addParam(self.name, 'weight', [4 * F, C + F, k, k], o.init, self.declSpan);
          ctx.addParam(self.name, 'bias', [4 * F], bias, self.declSpan);
        }
        const span = args.call.span;
        const y = ctx.addValue({ dtype: 'f32', shape: o.return_sequences ? [B, T, F, H, W] : [B, F, H, W] }, span);
        const hN = wanted(want, 1, () => ctx.addValue({ dtype: 'f32', shape: [B, F, H, W] }, span));
        const cN = wanted(want, 2, () => ctx.addValue({ dtype: 'f32', shape: [B, F, H, W] }, span));
        ctx.addNode({
          op: 'conv_lstm', filters: F, kernel: k, returnSequences: o.return_sequences,
          x: x.id, lengths: lengths?.id, y: y.id, hN: hN?.id, cN: cN?.id, span, layer: self.name,
        });
        return [y, hN ?? null, cN ?? null].slice(0, want);
      },
    });
  },
};
