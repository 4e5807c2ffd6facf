// Checks on operands that report a diagnostic and return false (or undefined) when they fail.
// `what` names the consumer in messages: "`enc` (lstm)", "`cross_entropy` labels".
import * as E from '../diagnostics/catalogue.ts';
import type { ModelContext } from './context.ts';
import type { Dim, DType, Shape } from './model.ts';
import type { Operand } from './operand.ts';
import { useAsLengths } from './roles.ts';
import { sameShape, showShape, showType } from './shape.ts';

export function expectDtype(ctx: ModelContext, op: Operand, dtype: DType, what: string): boolean {
  if (op.type.dtype === dtype) return true;
  const hint = dtype === 'f32' ? 'i32 values are ids or lengths; real-valued data is declared f32'
    : 'ids, labels and lengths are declared i32, e.g. `input labels: i32[batch]`';
  ctx.report(E.dtypeMismatch(op.span, what, `${dtype} values`, showType(op.type), hint));
  return false;
}

export function expectRank(ctx: ModelContext, op: Operand, rank: number, what: string, pattern: string): boolean {
  if (op.type.shape.length === rank) return true;
  ctx.report(E.rankMismatch(op.span, what, pattern, showShape(op.type.shape)));
  return false;
}

export function expectMinRank(ctx: ModelContext, op: Operand, rank: number, what: string, pattern: string): boolean {
  if (op.type.shape.length >= rank) return true;
  ctx.report(E.rankMismatch(op.span, what, pattern, showShape(op.type.shape)));
  return false;
}

/** A float tensor of exactly `rank` axes. */
export const expectFloatRank = (ctx: ModelContext, op: Operand, rank: number, what: string, pattern: string): boolean =>
  expectDtype(ctx, op, 'f32', what) && expectRank(ctx, op, rank, what, pattern);

/** The size of one axis as a constant (parameter shapes need one). */
export function constDim(ctx: ModelContext, op: Operand, axis: number, what: string): number | undefined {
  const d = op.type.shape[axis < 0 ? op.type.shape.length + axis : axis];
  if (typeof d === 'number') return d;
  ctx.report(E.needsConstantDim(op.span, what, String(d)));
  return undefined;
}

export function expectShape(ctx: ModelContext, op: Operand, shape: Shape, what: string): boolean {
  if (sameShape(op.type.shape, shape)) return true;
  ctx.report(E.shapeMismatch(op.span, `${what} must have shape ${showShape(shape)}, but it has ${showShape(op.type.shape)}`));
  return false;
}

/** Per-sequence lengths for a [batch, time, ...] tensor: i32[batch]; records the input's role. */
export function checkLengths(ctx: ModelContext, lengths: Operand, batch: Dim, time: Dim, what: string): boolean {
  if (!expectDtype(ctx, lengths, 'i32', what)) return false;
  if (!expectShape(ctx, lengths, [batch], what)) return false;
  useAsLengths(ctx, lengths, time);
  return true;
}
