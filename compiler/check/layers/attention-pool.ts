// attention_pool (model.ts AttentionPoolNode): a learned weighted mean over time.
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { checkLengths, constDim, expectFloatRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Dim, Init } from '../model.ts';
import { int } from '../options.ts';
import { defaulted, readOptions, required } from '../read-options.ts';
import { layerCallable, layerWhat, vectorInit, wanted } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  units: required(int(1), 'units=32'),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  bias_init: defaulted(initSpec('vector'), { kind: 'zeros' } as Init),
};

export const attentionPoolLayer: LayerDef = {
  kind: 'attention_pool',
  shareable: false,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'attention_pool', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'attention_pool');
    return layerCallable({
      signature: { params: [tensor('x'), tensor('lengths', { named: true })], usage: `${name}(x, lengths=?)` },
      results: ['y', 'weights'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!, lengths = args.tensor('lengths');
        if (!expectFloatRank(ctx, x, 3, what, '[batch, time, features]')) return nulls(want);
        const [B, T] = x.type.shape as [Dim, Dim];
        const D = constDim(ctx, x, 2, `the feature size of the input to ${what}`);
        if (D === undefined) return nulls(want);
        if (lengths !== undefined && !checkLengths(ctx, lengths, B, T, `\`lengths\` of ${what}`)) return nulls(want);
        if (self.first) {
          ctx.addParam(self.name, 'weight', [o.units, D], o.init, self.declSpan);
          ctx.addParam(self.name, 'bias', [o.units], o.bias_init, self.declSpan);
          ctx.addParam(self.name, 'context', [o.units], vectorInit(o.init, o.units), self.declSpan);
        }
        const span = args.call.span;
        const y = ctx.addValue({ dtype: 'f32', shape: [B, D] }, span);
        const weights = wanted(want, 1, () => ctx.addValue({ dtype: 'f32', shape: [B, T] }, span));
        ctx.addNode({ op: 'attention_pool', units: o.units, x: x.id, lengths: lengths?.id, y: y.id, weights: weights?.id, span, layer: self.name });
        return [y, weights ?? null].slice(0, want);
      },
    });
  },
};
