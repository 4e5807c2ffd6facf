// Gradient rules of the small tensor ops: block copies, broadcasting arithmetic, reductions, layer norm.
import type { BinaryOp, Copy2dOp, LayerNormOp, ReduceOp } from '../ir/tensor-ops.ts';
import type { TensorId } from '../ir/graph.ts';
import type { GradCtx } from './autodiff.ts';

/**
 * The gradient of t, or for the loss itself (a scalar made by arithmetic on losses, e.g. `a + 0.1 * b`)
 * the constant 1: loss kernels apply the seed themselves, other ops need it as a tensor.
 */
export function gradOrSeed(c: GradCtx, t: TensorId, label: string): TensorId | undefined {
  if (!c.isSeed(t)) return c.grad(t);
  const one = c.b.tensor(`d.${c.b.get(t).name}`, []);
  c.b.add({ kind: 'fill', y: one, value: 1, size: 1 }, `${label}: seed`);
  return one;
}

/** The gradient of a block copy is the reverse block copy. */
export const copy2dRule = (c: GradCtx, op: Copy2dOp, label: string): void => {
  const dy = gradOrSeed(c, op.y, label);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ kind: 'copy2d', x: dy, y: dx.tensor, rows: op.rows, cols: op.cols, xld: op.yld, xOffset: op.yOffset,
            yld: op.xld, yOffset: op.xOffset, accumulate: dx.accumulate }, `${label}: gradient`);
};

export const binaryRule = (c: GradCtx, op: BinaryOp, label: string): void => {
  const dy = gradOrSeed(c, op.y, label);
  if (dy === undefined) return;
  for (const wrt of ['a', 'b'] as const) {
    const dx = c.target(op[wrt]);
    if (!dx) continue;
    const { y: _y, kind: _k, ...rest } = op;
    c.b.add({ ...rest, kind: 'binary_grad', wrt, dy, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient of ${wrt}`);
  }
};

export const reduceRule = (c: GradCtx, op: ReduceOp, label: string): void => {
  const dy = gradOrSeed(c, op.y, label);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ ...op, grad: true, x: dy, y: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
};

export const layerNormRule = (c: GradCtx, op: LayerNormOp, label: string): void => {
  const dy = c.grad(op.y);
  if (dy === undefined || op.stage !== 'forward') return;
  const dg = c.target(op.gamma), db = c.target(op.beta);
  if (dg || db) {
    c.b.add({ ...op, stage: 'dparams', dy, dgamma: dg?.tensor, dbeta: db?.tensor, accumulateGamma: dg?.accumulate,
              accumulateBeta: db?.accumulate }, `${label}: weight and bias gradients`);
  }
  const dx = c.target(op.x);
  if (dx) c.b.add({ ...op, stage: 'dx', dy, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: input gradient`);
};
