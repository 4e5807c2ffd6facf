// Functions over the time axis of [batch, time, ...]: first/last step (TimeSelectNode),
// mean/max over valid steps (TimePoolNode), and repeat (RepeatNode).
import { option, tensor } from '../bind-args.ts';
import { nulls, type Args } from '../callable.ts';
import type { ModelContext } from '../context.ts';
import { checkLengths, expectDtype, expectMinRank, expectRank } from '../expect.ts';
import type { Dim } from '../model.ts';
import type { Operand } from '../operand.ts';
import { dimOrInt } from '../options.ts';
import { builtin, optionValue, type BuiltinDef } from './builtin.ts';

const withLengths = (name: string) => ({ params: [tensor('x'), tensor('lengths', { named: true })], usage: `${name}(x, lengths=?)` });

/** Checks x (float, rank ≥ min) and its optional lengths; false after reporting. */
function timeInput(ctx: ModelContext, args: Args, name: string, exactRank?: number): Operand | undefined {
  const x = args.tensor('x')!, lengths = args.tensor('lengths');
  const what = `\`${name}\``;
  if (!expectDtype(ctx, x, 'f32', what)) return undefined;
  if (exactRank !== undefined ? !expectRank(ctx, x, exactRank, what, '[batch, time, features]') : !expectMinRank(ctx, x, 2, what, '[batch, time, ...]')) return undefined;
  const [B, T] = x.type.shape as [Dim, Dim];
  if (lengths !== undefined && !checkLengths(ctx, lengths, B, T, `\`lengths\` of ${what}`)) return undefined;
  return x;
}

const select = (which: 'first' | 'last'): BuiltinDef =>
  builtin(which, which === 'last' ? withLengths('last') : { params: [tensor('x')], usage: 'first(x)' }, (ctx, args, want) => {
    const x = timeInput(ctx, args, which);
    if (x === undefined) return nulls(want);
    const y = ctx.addValue({ dtype: 'f32', shape: [x.type.shape[0]!, ...x.type.shape.slice(2)] }, args.call.span);
    ctx.addNode({ op: 'time_select', which, x: x.id, lengths: args.tensor('lengths')?.id, y: y.id, span: args.call.span });
    return [y];
  });

const pool = (mode: 'mean' | 'max'): BuiltinDef =>
  builtin(`${mode}_time`, withLengths(`${mode}_time`), (ctx, args, want) => {
    const x = timeInput(ctx, args, `${mode}_time`, 3);
    if (x === undefined) return nulls(want);
    const y = ctx.addValue({ dtype: 'f32', shape: [x.type.shape[0]!, x.type.shape[2]!] }, args.call.span);
    ctx.addNode({ op: 'time_pool', mode, x: x.id, lengths: args.tensor('lengths')?.id, y: y.id, span: args.call.span });
    return [y];
  });

const repeat = builtin('repeat', { params: [tensor('x'), option('steps', { required: true })], usage: 'repeat(x, steps=time)' },
  (ctx, args, want) => {
    const x = args.tensor('x')!;
    const steps = optionValue<Dim>(ctx, args, 'steps', dimOrInt, 1);
    if (steps === undefined || !expectDtype(ctx, x, 'f32', '`repeat`') || !expectRank(ctx, x, 2, '`repeat`', '[batch, features]')) return nulls(want);
    const [B, D] = x.type.shape as [Dim, Dim];
    const y = ctx.addValue({ dtype: 'f32', shape: [B, steps, D] }, args.call.span);
    ctx.addNode({ op: 'repeat', steps, x: x.id, y: y.id, span: args.call.span });
    return [y];
  });

export const TIME: readonly BuiltinDef[] = [select('first'), select('last'), pool('mean'), pool('max'), repeat];
