// concat (ConcatNode) and flatten (FlattenNode).
import * as E from '../../diagnostics/catalogue.ts';
import { option, tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { expectDtype, expectMinRank } from '../expect.ts';
import type { Dim } from '../model.ts';
import { int, INT_MAX } from '../options.ts';
import { normaliseAxis, product, showShape } from '../shape.ts';
import { builtin, optionValue, type BuiltinDef } from './builtin.ts';

/** Axis options accept negative values (from the end): -1 is the last axis. */
export const axisType = int(-64, INT_MAX);

const concat = builtin('concat', { params: [option('axis')], variadic: 'xs', usage: 'concat(a, b, ..., axis=-1)' },
  (ctx, args, want) => {
    const xs = args.rest;
    const axisArg = optionValue(ctx, args, 'axis', axisType, -1);
    if (axisArg === undefined) return nulls(want);
    if (xs.length < 2) {
      ctx.report(E.missingArgument(args.call.span, 'concat', 'at least two tensors', 'concat(a, b, ..., axis=-1)'));
      return nulls(want);
    }
    if (!xs.every((x) => expectDtype(ctx, x, 'f32', '`concat`'))) return nulls(want);
    const first = xs[0]!, rank = first.type.shape.length;
    const axis = normaliseAxis(axisArg, rank);
    if (axis === undefined) {
      ctx.report(E.badOptionValue(args.option('axis')?.value.span ?? args.call.span, 'axis', `an axis of ${showShape(first.type.shape)}`, String(axisArg)));
      return nulls(want);
    }
    let size = 0;
    for (const x of xs) {
      const s = x.type.shape;
      if (s.length !== rank || s.some((d, i) => i !== axis && d !== first.type.shape[i])) {
        ctx.report(E.shapeMismatch(x.span, `\`concat\` along axis ${axisArg} needs matching shapes elsewhere: ${showShape(first.type.shape)} and ${showShape(s)}`));
        return nulls(want);
      }
      const d = s[axis]!;
      if (typeof d !== 'number') { ctx.report(E.needsConstantDim(x.span, `the size of axis ${axisArg} for \`concat\``, d)); return nulls(want); }
      size += d;
    }
    const shape: Dim[] = first.type.shape.map((d, i) => (i === axis ? size : d));
    const y = ctx.addValue({ dtype: 'f32', shape }, args.call.span);
    ctx.addNode({ op: 'concat', axis, xs: xs.map((x) => x.id), y: y.id, span: args.call.span });
    return [y];
  });

const flatten = builtin('flatten', { params: [tensor('x'), option('axes')], usage: 'flatten(x, axes=3)' }, (ctx, args, want) => {
  const x = args.tensor('x')!;
  const axes = optionValue(ctx, args, 'axes', int(1), 3);
  if (axes === undefined || !expectDtype(ctx, x, 'f32', '`flatten`')) return nulls(want);
  if (!expectMinRank(ctx, x, axes, `\`flatten\` with \`axes=${axes}\``, `at least ${axes} axes`)) return nulls(want);
  const merged = x.type.shape.slice(x.type.shape.length - axes);
  const symbolic = merged.find((d) => typeof d !== 'number');
  if (symbolic !== undefined) { ctx.report(E.needsConstantDim(x.span, 'every flattened axis', String(symbolic))); return nulls(want); }
  const y = ctx.addValue({ dtype: 'f32', shape: [...x.type.shape.slice(0, x.type.shape.length - axes), product(merged as number[])] }, args.call.span);
  ctx.addNode({ op: 'flatten', axes, x: x.id, y: y.id, span: args.call.span });
  return [y];
});

export const RESHAPE: readonly BuiltinDef[] = [concat, flatten];
