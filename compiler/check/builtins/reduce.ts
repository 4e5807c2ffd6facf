// sum and mean over one axis (removed) or over everything (→ a scalar); model.ts ReduceNode.
import * as E from '../../diagnostics/catalogue.ts';
import { option, tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { expectDtype } from '../expect.ts';
import { normaliseAxis, showShape } from '../shape.ts';
import { builtin, optionValue, type BuiltinDef } from './builtin.ts';
import { axisType } from './reshape.ts';

const reduce = (fn: 'sum' | 'mean'): BuiltinDef =>
  builtin(fn, { params: [tensor('x'), option('axis')], usage: `${fn}(x, axis=?)` }, (ctx, args, want) => {
    const x = args.tensor('x')!;
    const axisArg = optionValue<number | undefined>(ctx, args, 'axis', axisType, undefined);
    if ((args.option('axis') !== undefined && axisArg === undefined) || !expectDtype(ctx, x, 'f32', `\`${fn}\``)) return nulls(want);
    const shape = x.type.shape;
    let axis: number | 'all' = 'all';
    if (axisArg !== undefined) {
      const a = normaliseAxis(axisArg, shape.length);
      if (a === undefined) {
        ctx.report(E.badOptionValue(args.option('axis')!.value.span, 'axis', `an axis of ${showShape(shape)}`, String(axisArg)));
        return nulls(want);
      }
      axis = a;
    }
    const y = ctx.addValue({ dtype: 'f32', shape: axis === 'all' ? [] : shape.filter((_, i) => i !== axis) }, args.call.span);
    ctx.addNode({ op: 'reduce', fn, axis, x: x.id, y: y.id, span: args.call.span });
    return [y];
  });

export const REDUCE: readonly BuiltinDef[] = [reduce('sum'), reduce('mean')];
