// layer_norm (model.ts LayerNormNode): over the last axis, weight ones and bias zeros; shareable.
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { constDim, expectDtype, expectMinRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Init } from '../model.ts';
import { num } from '../options.ts';
import { defaulted, readOptions } from '../read-options.ts';
import { layerCallable, layerWhat } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  eps: defaulted(num({ min: 0, minOpen: true }), 1e-5),
  init: defaulted(initSpec('vector'), { kind: 'ones' } as Init),
  bias_init: defaulted(initSpec('vector'), { kind: 'zeros' } as Init),
};

export const layerNormLayer: LayerDef = {
  kind: 'layer_norm',
  shareable: true,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'layer_norm', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'layer_norm');
    return layerCallable({
      signature: { params: [tensor('x')], usage: `${name}(x)` },
      results: ['y'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!;
        if (!expectDtype(ctx, x, 'f32', what) || !expectMinRank(ctx, x, 1, what, '[..., features]')) return nulls(want);
        const D = constDim(ctx, x, -1, `the feature size of the input to ${what}`);
        if (D === undefined || !self.sameInput(`${D} features`, x)) return nulls(want);
        if (self.first) {
          ctx.addParam(self.name, 'weight', [D], o.init, self.declSpan);
          ctx.addParam(self.name, 'bias', [D], o.bias_init, self.declSpan);
        }
        const y = ctx.addValue(x.type, args.call.span);
        ctx.addNode({ op: 'layer_norm', eps: o.eps, x: x.id, y: y.id, span: args.call.span, layer: self.name });
        return [y];
      },
    });
  },
};
