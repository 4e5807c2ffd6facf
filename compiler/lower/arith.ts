// Broadcasting binary arithmetic, scalar constants and sum/mean reductions.
import type { BinaryNode, ConstNode, ReduceNode } from '../check/model.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';
import { numel } from '../ir/builder.ts';
import type { LowerCtx } from './context.ts';

/** A shape padded with leading 1s to `rank` axes (NumPy alignment of trailing axes). */
const padTo = (s: readonly SizeExpr[], rank: number): SizeExpr[] => [...new Array<SizeExpr>(rank - s.length).fill(1), ...s];

export function lowerBinary(ctx: LowerCtx, n: BinaryNode): void {
  const shape = ctx.shape(n.y);
  const y = ctx.define(n.y, `${n.fn}${n.id}`);
  ctx.b.add({ kind: 'binary', fn: n.fn, a: ctx.tensorOf(n.a), b: ctx.tensorOf(n.b), y, shape,
              aShape: padTo(ctx.shape(n.a), shape.length), bShape: padTo(ctx.shape(n.b), shape.length) }, n.fn);
}

export function lowerConst(ctx: LowerCtx, n: ConstNode): void {
  const y = ctx.define(n.y, `const${n.id}`);
  ctx.b.add({ kind: 'fill', y, value: n.value, size: numel(ctx.shape(n.y)) }, `constant ${n.value}`);
}

export function lowerReduce(ctx: LowerCtx, n: ReduceNode): void {
  const s = ctx.shape(n.x);
  const [outer, len, inner] = n.axis === 'all'
    ? [1, numel(s), 1]
    : [numel(s.slice(0, n.axis)), s[n.axis]!, numel(s.slice(n.axis + 1))];
  const y = ctx.define(n.y, `${n.fn}${n.id}`);
  ctx.b.add({ kind: 'reduce', grad: false, x: ctx.tensorOf(n.x), y, outer, n: len, inner, scale: n.fn === 'mean' ? 'mean' : 1,
              accumulate: false }, `${n.fn} over ${n.axis === 'all' ? 'all axes' : `axis ${n.axis}`}`);
}
