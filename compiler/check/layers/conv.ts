// conv1d over [batch, time, channels] and conv2d over [..., channels, height, width]
// (model.ts ConvNode); both shareable.
import * as E from '../../diagnostics/catalogue.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { constDim, expectDtype, expectMinRank, expectRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Dim, Init } from '../model.ts';
import { activation, bool, int, oneOf } from '../options.ts';
import { defaulted, optional, readOptions, required } from '../read-options.ts';
import { windowLength } from '../window.ts';
import { layerCallable, layerWhat } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  filters: required(int(1), 'filters=32'),
  kernel: required(int(1), 'kernel=3'),
  stride: defaulted(int(1), 1),
  padding: defaulted(oneOf(['same', 'valid']), 'same'),
  activation: optional(activation),
  bias: defaulted(bool, true),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  bias_init: defaulted(initSpec('vector'), { kind: 'zeros' } as Init),
};

export const convLayer = (op: 'conv1d' | 'conv2d'): LayerDef => ({
  kind: op,
  shareable: true,
  declare(ctx, name, call) {
    const read = readOptions(ctx, op, schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, op);
    if (o.padding === 'same' && (o.kernel % 2 === 0 || o.stride !== 1)) {
      ctx.report(E.invalidOptionCombination(read.given.get(o.kernel % 2 === 0 ? 'kernel' : 'stride')?.span ?? call.span,
        '`padding=same` needs an odd `kernel` and `stride=1`', 'use `padding=valid` for other kernels and strides'));
      return null;
    }
    if (op === 'conv2d' && (o.activation === 'softmax' || o.activation === 'log_softmax')) {
      // Activations act over the last axis, which is the width of a channels-first conv2d output.
      ctx.report(E.invalidOptionCombination(read.given.get('activation')?.span ?? call.span,
        `\`activation=${o.activation}\` on conv2d would normalise over the width (its output is [..., filters, height, width])`,
        'to normalise over the filters, flatten the frame into a dense layer, or use conv1d (channels last)'));
      return null;
    }
    const spatial = op === 'conv1d' ? 1 : 2;
    return layerCallable({
      signature: { params: [tensor('x')], usage: `${name}(x)` },
      results: ['y'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!;
        const pattern = op === 'conv1d' ? '[batch, time, channels]' : '[..., channels, height, width]';
        const rankOk = op === 'conv1d' ? expectRank(ctx, x, 3, what, pattern) : expectMinRank(ctx, x, 3, what, pattern);
        if (!expectDtype(ctx, x, 'f32', what) || !rankOk) return nulls(want);
        const r = x.type.shape.length;
        const channelAxis = op === 'conv1d' ? 2 : r - 3;
        const C = constDim(ctx, x, channelAxis, `the channel count of the input to ${what}`);
        if (C === undefined || !self.sameInput(`${C} channels`, x)) return nulls(want);
        let shape: Dim[];
        if (op === 'conv1d') {
          const T = windowLength(ctx, x, 1, o.kernel, o.stride, o.padding, what, 'time length');
          if (T === undefined) return nulls(want);
          shape = [x.type.shape[0]!, T, o.filters];
        } else {
          const H = windowLength(ctx, x, r - 2, o.kernel, o.stride, o.padding, what, 'height');
          const W = H === undefined ? undefined : windowLength(ctx, x, r - 1, o.kernel, o.stride, o.padding, what, 'width');
          if (H === undefined || W === undefined) return nulls(want);
          shape = [...x.type.shape.slice(0, r - 3), o.filters, H, W];
        }
        if (self.first) {
          ctx.addParam(self.name, 'weight', [o.filters, C, ...new Array<number>(spatial).fill(o.kernel)], o.init, self.declSpan);
          if (o.bias) ctx.addParam(self.name, 'bias', [o.filters], o.bias_init, self.declSpan);
        }
        const y = ctx.addValue({ dtype: 'f32', shape }, args.call.span);
        ctx.addNode({
          op, filters: o.filters, kernel: o.kernel, stride: o.stride, padding: o.padding, bias: o.bias, activation: o.activation,
          x: x.id, y: y.id, span: args.call.span, layer: self.name,
        });
        return [y];
      },
    });
  },
});
