// max_pool1d, avg_pool1d (over time of [batch, time, channels]) and max_pool2d, avg_pool2d
// (over [..., channels, height, width]); model.ts PoolNode, no padding.
import { option, tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { expectDtype, expectMinRank, expectRank } from '../expect.ts';
import type { Dim } from '../model.ts';
import { int } from '../options.ts';
import { windowLength } from '../window.ts';
import { builtin, optionValue, type BuiltinDef } from './builtin.ts';

const pool = (mode: 'max' | 'avg', op: 'pool1d' | 'pool2d'): BuiltinDef => {
  const name = `${mode}_${op}`;
  return builtin(name, { params: [tensor('x'), option('kernel', { positional: true, required: true }), option('stride')], usage: `${name}(x, kernel, stride=kernel)` },
    (ctx, args, want) => {
      const x = args.tensor('x')!, what = `\`${name}\``;
      const kernel = optionValue(ctx, args, 'kernel', int(1), 1);
      const stride = kernel === undefined ? undefined : optionValue(ctx, args, 'stride', int(1), kernel);
      if (kernel === undefined || stride === undefined || !expectDtype(ctx, x, 'f32', what)) return nulls(want);
      let shape: Dim[];
      if (op === 'pool1d') {
        if (!expectRank(ctx, x, 3, what, '[batch, time, channels]')) return nulls(want);
        const T = windowLength(ctx, x, 1, kernel, stride, 'valid', what, 'time length');
        if (T === undefined) return nulls(want);
        shape = [x.type.shape[0]!, T, x.type.shape[2]!];
      } else {
        if (!expectMinRank(ctx, x, 3, what, '[..., channels, height, width]')) return nulls(want);
        const r = x.type.shape.length;
        const H = windowLength(ctx, x, r - 2, kernel, stride, 'valid', what, 'height');
        const W = H === undefined ? undefined : windowLength(ctx, x, r - 1, kernel, stride, 'valid', what, 'width');
        if (H === undefined || W === undefined) return nulls(want);
        shape = [...x.type.shape.slice(0, r - 2), H, W];
      }
      const y = ctx.addValue({ dtype: 'f32', shape }, args.call.span);
      ctx.addNode({ op, mode, kernel, stride, x: x.id, y: y.id, span: args.call.span });
      return [y];
    });
};

export const POOLS: readonly BuiltinDef[] = [pool('max', 'pool1d'), pool('avg', 'pool1d'), pool('max', 'pool2d'), pool('avg', 'pool2d')];
