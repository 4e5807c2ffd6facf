// Losses as one fused row-wise op each (the gradient comes from the same family, see autodiff).
import type { LossNode } from '../check/model.ts';
import { mul, numel } from '../ir/builder.ts';
import type { LowerCtx } from './context.ts';

export function lowerLoss(ctx: LowerCtx, n: LossNode): void {
  const shape = ctx.shape(n.pred);
  const lengths = n.lengths === undefined ? undefined : ctx.tensorOf(n.lengths);
  const batch = shape[0]!;
  // Rows are (batch[, time]); with lengths, row r is step r mod T of sequence ⌊r / T⌋.
  const perStep = lengths !== undefined || (n.fn === 'cross_entropy' && shape.length === 3);
  const time = perStep ? shape[1]! : null;
  const rowAxes = n.fn === 'cross_entropy' ? shape.length - 1 : perStep ? 2 : 1;
  const rows = numel(shape.slice(0, rowAxes));
  const cols = rowAxes === shape.length ? 1 : mul(...shape.slice(rowAxes));
  const y = ctx.define(n.y, `loss${n.id}`);
  ctx.b.add({ kind: 'loss', fn: n.fn, reduction: n.reduction, grad: false, pred: ctx.tensorOf(n.pred),
              target: ctx.tensorOf(n.target), lengths, rows, cols, time, batch, y }, n.fn);
}
