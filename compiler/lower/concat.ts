// concat along any axis: one strided block copy per operand into its columns of the [outer, total] view.
import type { ConcatNode } from '../check/model.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';
import { add, mul, numel } from '../ir/builder.ts';
import type { LowerCtx } from './context.ts';

export function lowerConcat(ctx: LowerCtx, n: ConcatNode): void {
  const shape = ctx.shape(n.y);
  const outer = numel(shape.slice(0, n.axis));
  const inner = numel(shape.slice(n.axis + 1));
  const total = mul(shape[n.axis]!, inner);
  const y = ctx.define(n.y, `concat${n.id}`);
  let start: SizeExpr = 0;
  n.xs.forEach((v, k) => {
    const width = mul(ctx.shape(v)[n.axis]!, inner);
    ctx.b.add({ kind: 'copy2d', x: ctx.tensorOf(v), y, rows: outer, cols: width, xld: width, xOffset: 0, yld: total, yOffset: start,
                accumulate: false }, `concat part ${k}`);
    start = add(start, width);
  });
}
