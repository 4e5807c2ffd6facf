// Gradient rules of the convolutional ops: conv (dx and dw/db from the same op family), pooling, and
// ConvLSTM (backward through time, then one weight-gradient convolution over all steps).
import { mul, numel } from '../ir/builder.ts';
import type { ConvGeom, ConvLstmOp, ConvOp, PoolOp } from '../ir/conv-ops.ts';
import type { TensorId } from '../ir/graph.ts';
import type { GradCtx } from './autodiff.ts';

/** dx, dW and db of a convolution given the gradient of its pre-activation output. */
function convGrads(c: GradCtx, op: Omit<ConvOp, 'kind' | 'stage'>, dz: TensorId, label: string, x2?: { tensor: TensorId; channels: number }): void {
  const dw = c.target(op.wt);
  const db = op.bias === undefined ? null : c.target(op.bias);
  if (dw || db) {
    // A throwaway weight-gradient tensor only when the weight itself is not differentiated (never for params).
    const dwt = dw?.tensor ?? c.b.tensor(`d.${c.b.get(op.wt).name}`, c.b.get(op.wt).shape);
    c.b.add({ ...op, kind: 'conv', stage: 'dw', dy: dz, dwt, dbias: db?.tensor, accumulate: dw?.accumulate ?? false,
              accumulateBias: db?.accumulate ?? false, ...(x2 ? { x2: x2.tensor, cin2: x2.channels } : {}) }, `${label}: weight gradient`);
  }
  const dx = c.needsGrad(op.x) ? c.target(op.x) : null;
  if (dx) c.b.add({ ...op, kind: 'conv', stage: 'dx', dy: dz, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: input gradient`);
}

export const convRule = (c: GradCtx, op: ConvOp, label: string): void => {
  if (op.stage !== 'forward') return;
  const dy = c.grad(op.y);
  if (dy === undefined) return;
  let dz = dy;
  if (op.act !== 'none') {
    const t = c.b.get(op.y);
    dz = c.b.tensor(`dz.${t.name}`, t.shape);
    c.b.add({ kind: 'pointwise', fn: 'act_grad', act: op.act, x: dy, x2: op.y, y: dz, size: numel(t.shape), accumulate: false },
            `${label}: activation gradient`);
  }
  convGrads(c, op, dz, label);
};

export const poolRule = (c: GradCtx, op: PoolOp, label: string): void => {
  const dy = c.grad(op.y);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ ...op, grad: true, dy, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
};

export const convLstmRule = (c: GradCtx, op: ConvLstmOp, label: string): void => {
  const dhs = c.grad(op.hs);
  const dhN = op.hN === undefined ? undefined : c.grad(op.hN);
  const dcN = op.cN === undefined ? undefined : c.grad(op.cN);
  if (dhs === undefined && dhN === undefined && dcN === undefined) return;
  const { batch, time, channels: C, filters: F, height: H, width: W, k } = op;
  const dgates = c.b.tensor(`${c.b.get(op.gates).name}.grad`, [batch, time, 4 * F, H, W]);
  const dcCarry = c.b.tensor(`${c.b.get(op.cells).name}.carry`, [batch, F, H, W]);
  c.b.add({ kind: 'conv_lstm_grad', fwd: op, dhs, dhN, dcN, dgates, dcCarry }, `${label}: backward through time`);
  // Both halves of the weight at once: x for input channels 0..C−1, the saved h_{t−1} for C..C+F−1.
  const geom: ConvGeom = { layout: 'nchw', frames: mul(batch, time), cin: C, cout: 4 * F, height: H, width: W, outHeight: H, outWidth: W,
                           kh: k, kw: k, stride: 1, padH: (k - 1) / 2, padW: (k - 1) / 2, wcin: C + F, wcOffset: 0 };
  convGrads(c, { ...geom, x: op.x, wt: op.wt, bias: op.bias, y: op.xg, act: 'none', accumulate: false }, dgates, label,
            { tensor: op.hprev, channels: F });
};
