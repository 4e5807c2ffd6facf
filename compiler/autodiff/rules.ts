// One gradient rule per forward op kind: given the op, append the ops that compute the gradients
// of its inputs from the gradients of its outputs (tinygrad's pm_gradient, as functions).
import { mul } from '../ir/builder.ts';
import { GRAD_FROM_INPUT, type Op, type TensorId } from '../ir/graph.ts';
import type { GradCtx, GradTarget } from './autodiff.ts';
import { attentionRule } from './rules-attention.ts';
import { attnDecoderRule } from './rules-decoder.ts';
import { convLstmRule, convRule, poolRule } from './rules-conv.ts';
import { binaryRule, copy2dRule, layerNormRule, reduceRule } from './rules-tensor.ts';

type Rule<K extends Op['kind']> = (c: GradCtx, op: Extract<Op, { kind: K }>, label: string) => void;
type Rules = { [K in Op['kind']]?: Rule<K> };

const matmul: Rule<'matmul'> = (c, op, label) => {
  const dy = c.grad(op.y);
  if (dy === undefined) return;
  let dz: TensorId = dy;
  if (op.act !== 'none') {
    dz = c.b.tensor(`dz.${c.b.get(op.y).name}`, c.b.get(op.y).shape);
    c.b.add({ kind: 'pointwise', fn: 'act_grad', act: op.act, x: dy, x2: op.y, y: dz, size: mul(op.m, op.n), accumulate: false },
            `${label}: activation gradient`);
  }
  const off = op.yOffset ?? 0;
  const da = c.needsGrad(op.a) ? c.target(op.a) : null;
  if (da) {
    c.b.add({ kind: 'matmul', a: dz, b: op.b, y: da.tensor, m: op.m, n: op.k, k: op.n, transA: false, transB: false,
              act: 'none', accumulate: da.accumulate, aOffset: off, lda: op.n }, `${label}: input gradient`);
  }
  const dw = c.target(op.b);
  const dbias = op.bias === undefined ? null : c.target(op.bias);
  if (dw) {
    c.b.add({ kind: 'matmul', a: dz, b: op.a, y: dw.tensor, m: op.n, n: op.k, k: op.m, transA: true, transB: false,
              act: 'none', accumulate: dw.accumulate, aOffset: off, lda: op.n,
              ...(dbias ? { biasGrad: dbias.tensor, biasAccumulate: dbias.accumulate } : {}) },
            `${label}: weight${dbias ? ' and bias' : ''} gradient`);
  }
  if (dbias && !dw) {
    c.b.add({ kind: 'colsum', x: dz, y: dbias.tensor, m: op.m, n: op.n, ld: op.n, xOffset: off, accumulate: dbias.accumulate },
            `${label}: bias gradient`);
  }
};

const recurrentSeq: Rule<'recurrent_seq'> = (c, op, label) => {
  const dy = c.grad(op.y), dhN = op.hN === undefined ? undefined : c.grad(op.hN);
  const dcN = op.cN === undefined ? undefined : c.grad(op.cN);
  const dySelect = op.select === undefined ? undefined : c.grad(op.select.y);
  if (dy === undefined && dhN === undefined && dcN === undefined && dySelect === undefined) return;
  const { hidden: H, dirs: D, batch, time } = op;
  const G = op.cell === 'lstm' ? 4 : op.cell === 'gru' ? 3 : 1;
  if (op.xproj === undefined) throw new Error('internal error in autodiff: a recurrence with a fused input projection (fusion runs after autodiff)');
  const dxproj = c.target(op.xproj)!;
  // Only GRU's n gate differs between the input side and the recurrent side (r ⊙ (W_hn h + b_hn)).
  const dhproj = op.cell === 'gru' ? c.b.tensor(`${c.b.get(op.xproj).name}.dh`, [D, batch, time, G * H]) : dxproj.tensor;
  // Per-unit state carried between the sweep's steps: LSTM's dc, GRU's direct path z ⊙ dh.
  const dcCarry = op.cell === 'lstm' || op.cell === 'gru' ? c.b.tensor(`${c.b.get(op.y).name}.carry`, [D, batch, H]) : undefined;
  const dh0 = op.h0 === undefined ? null : c.target(op.h0);
  const dc0 = op.c0 === undefined ? null : c.target(op.c0);
  c.b.add({ kind: 'recurrent_seq_grad', fwd: op, dy, dhN, dcN, dySelect, dxproj: dxproj.tensor, dhproj, dcCarry,
            dh0: dh0?.tensor, dc0: dc0?.tensor }, `${label}: backward through time`);
  for (let d = 0; d < D; d++) {
    const dw = c.target(op.whh[d]!), db = c.target(op.bhh[d]!);
    if (dw) {
      c.b.add({ kind: 'matmul', a: dhproj, b: op.hprev, y: dw.tensor, m: G * H, n: H, k: mul(batch, time), transA: true,
                transB: false, act: 'none', accumulate: dw.accumulate, aOffset: mul(d, batch, time, G * H), lda: G * H,
                bOffset: mul(d, batch, time, H), ...(db ? { biasGrad: db.tensor, biasAccumulate: db.accumulate } : {}) },
            `${label}: recurrent weight and bias gradient${d ? ' (reverse)' : ''}`);
    }
    if (db && !dw) {
      c.b.add({ kind: 'colsum', x: dhproj, y: db.tensor, m: mul(batch, time), n: G * H, ld: G * H,
                xOffset: mul(d, batch, time, G * H), accumulate: db.accumulate }, `${label}: recurrent bias gradient`);
    }
  }
};

const timeSelect: Rule<'time_select'> = (c, op, label) => {
  const dy = c.grad(op.y);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ ...op, x: dy, y: dx.tensor, grad: true, accumulate: dx.accumulate }, `${label}: gradient`);
};

const timePool: Rule<'time_pool'> = (c, op, label) => {
  const dy = c.grad(op.y);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ ...op, dy, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
};

const repeat: Rule<'repeat'> = (c, op, label) => {
  const dy = c.grad(op.y);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ ...op, grad: true, x: dy, y: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
};

const embedding: Rule<'embedding'> = (c, op, label) => {
  const dy = c.grad(op.y);
  const dw = dy === undefined ? null : c.target(op.table);
  if (dy === undefined || !dw) return;
  c.b.add({ ...op, grad: true, y: dy, table: dw.tensor, accumulate: dw.accumulate }, `${label}: gradient`);
};

const pointwise: Rule<'pointwise'> = (c, op, label) => {
  const dy = c.grad(op.y);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  if (op.fn === 'act') {
    // gelu's and log's derivatives need the input; the others follow from the output.
    c.b.add({ kind: 'pointwise', fn: 'act_grad', act: op.act, x: dy, x2: GRAD_FROM_INPUT.has(op.act!) ? op.x : op.y, y: dx.tensor, size: op.size,
              accumulate: dx.accumulate }, `${label}: gradient`);
  } else if (op.fn === 'dropout') {
    c.b.add({ ...op, fn: 'dropout_grad', x: dy, y: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
  } else {
    throw new Error(`internal error (autodiff): no gradient for pointwise '${op.fn}'`);
  }
};

const softmax: Rule<'softmax'> = (c, op, label) => {
  const dy = c.grad(op.y);
  const dx = dy === undefined ? null : c.target(op.x);
  if (dy === undefined || !dx) return;
  c.b.add({ ...op, grad: true, dy, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
};

const loss: Rule<'loss'> = (c, op, label) => {
  const seeded = c.isSeed(op.y);
  const dy = c.grad(op.y);
  if (!seeded && dy === undefined) return;
  const dpred = c.target(op.pred);
  const dtarget = op.fn !== 'cross_entropy' && c.needsGrad(op.target) ? c.target(op.target) : null;
  if (!dpred) return;
  // The loss kernels assign; a later contribution (e.g. `mse(z, x) + 0.1 * mean(z * z)`) goes through a part and an add.
  const part = (t: GradTarget) => (t.accumulate ? c.b.tensor(`${c.b.get(t.tensor).name}.part`, c.b.get(t.tensor).shape) : t.tensor);
  const yp = part(dpred), yt = dtarget ? part(dtarget) : undefined;
  c.b.add({ ...op, grad: true, y: yp, dy: seeded ? undefined : dy, dtarget: yt }, `${label}: gradient`);
  for (const [t, y] of [[dpred, yp], [dtarget, yt]] as const) {
    if (t?.accumulate && y !== undefined) {
      c.b.add({ kind: 'pointwise', fn: 'copy', x: y, y: t.tensor, size: mul(...c.b.get(y).shape), accumulate: true }, `${label}: add gradient`);
    }
  }
};

export const RULES: Rules = {
  // A layout copy for a forward kernel: the consumer's rule differentiates through the original.
  transpose: () => {},
  matmul, recurrent_seq: recurrentSeq, time_select: timeSelect, time_pool: timePool, repeat, embedding,
  pointwise, softmax, loss, attention_pool: (c, op, label) => attentionPool(c, op, label),
  conv: convRule, pool: poolRule, conv_lstm: convLstmRule, copy2d: copy2dRule, binary: binaryRule, fill: () => {},
  reduce: reduceRule, layer_norm: layerNormRule, attention: attentionRule, shift_tokens: () => {}, attn_decoder: attnDecoderRule,
};

/** Attention pooling: pool_grad gives de and the direct dx; scores_grad gives ds (into the matmul) and du. */
export const attentionPool: Rule<'attention_pool'> = (c, op, label) => {
  if (op.stage === 'scores') {
    const de = c.grad(op.e);
    if (de === undefined) return;
    const ds = c.target(op.s)!, du = c.target(op.u);
    c.b.add({ ...op, stage: 'scores_grad', de, ds: ds.tensor, du: du?.tensor ?? ds.tensor, accumulate: ds.accumulate,
              accumulateU: du?.accumulate ?? false }, `${label}: gradient`);
    return;
  }
  if (op.stage !== 'pool') return;
  const dy = c.grad(op.y);
  if (dy === undefined) return;
  const de = c.target(op.e)!, dx = c.target(op.x);
  if (!dx) throw new Error('internal error (autodiff): attention pooling over a non-differentiable input');
  c.b.add({ ...op, stage: 'pool_grad', dy, de: de.tensor, dx: dx.tensor, accumulate: dx.accumulate }, `${label}: gradient`);
};
