// dense (model.ts DenseNode): y = act(x Wᵀ + b) over the last axis; shareable.
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { constDim, expectDtype, expectMinRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Init } from '../model.ts';
import { activation, bool, int } from '../options.ts';
import { defaulted, optional, readOptions, required } from '../read-options.ts';
import { layerCallable, layerWhat } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  units: required(int(1), 'units=10'),
  activation: optional(activation),
  bias: defaulted(bool, true),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  bias_init: defaulted(initSpec('vector'), { kind: 'zeros' } as Init),
};

export const denseLayer: LayerDef = {
  kind: 'dense',
  shareable: true,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'dense', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'dense');
    return layerCallable({
      signature: { params: [tensor('x')], usage: `${name}(x)` },
      results: ['y'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!;
        if (!expectDtype(ctx, x, 'f32', what) || !expectMinRank(ctx, x, 1, what, '[..., features]')) return nulls(want);
        const D = constDim(ctx, x, -1, `the feature size of the input to ${what}`);
        if (D === undefined || !self.sameInput(`${D} input features`, x)) return nulls(want);
        if (self.first) {
          ctx.addParam(self.name, 'weight', [o.units, D], o.init, self.declSpan);
          if (o.bias) ctx.addParam(self.name, 'bias', [o.units], o.bias_init, self.declSpan);
        }
        const y = ctx.addValue({ dtype: 'f32', shape: [...x.type.shape.slice(0, -1), o.units] }, args.call.span);
        ctx.addNode({ op: 'dense', units: o.units, bias: o.bias, activation: o.activation, x: x.id, y: y.id, span: args.call.span, layer: self.name });
        return [y];
      },
    });
  },
};
