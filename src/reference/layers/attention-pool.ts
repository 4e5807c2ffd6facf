// attention_pool: s_t = u · tanh(W h_t + b), a = softmax over the valid steps t < lengths[b], y = Σ_t a_t h_t.
// `<layer>.weight` [A, D], `<layer>.bias` [A], `<layer>.context` [A] (u). x [B, T, D] → y [B, D], weights [B, T].
// This is additive attention of a learned constant query over x: with W_q = 0 it is exactly attend()'s
// additive score with W_k = W, b, v = u, so it reuses that (keys = values = x).
import type { AttentionPoolNode } from '../../../compiler/check/model.ts';
import { validLengths } from '../lengths.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften, type RTensor } from '../tensor.ts';
import { attend, attendBackward, finishMemoryBackward, makeMemory, memoryGrads, type AdditiveParams, type Attended, type Memory } from './attend.ts';

export const attentionPoolOp: OpImpl<AttentionPoolNode> = (node, env) => {
  const x = env.float(node.x);
  const [B, T, D] = x.shape as [number, number, number];
  const A = node.units;
  const layer = layerOf(node);
  const params: AdditiveParams = {
    units: A,
    wq: new Float64Array(A),                     // a one-dimensional zero query: W_q q = 0
    wk: env.param(`${layer}.weight`, [A, D]).data,
    b: env.param(`${layer}.bias`, [A]).data,
    v: env.param(`${layer}.context`, [A]).data,
  };
  const lengths = validLengths(env, node.lengths, B, T, `attention_pool ${layer}`);
  const query = new Float64Array(1);
  const memories: Memory[] = [];
  const results: Attended[] = [];
  const y = new Float64Array(B * D);
  const weights = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    const seq = x.data.slice(b * T * D, (b + 1) * T * D);
    const m = makeMemory('additive', params, { dq: 1, dk: D, dv: D }, lengths[b]!, seq, seq);
    const r = attend(m, query);
    memories.push(m);
    results.push(r);
    y.set(r.context, b * D);
    weights.set(r.weights, b * T);
  }
  const outputs: [number, RTensor][] = [[node.y, ften([B, D], y)]];
  if (node.weights !== undefined) outputs.push([node.weights, ften([B, T], weights)]);
  return {
    outputs,
    backward(g) {
      const dy = g.out(node.y);
      const dw = node.weights === undefined ? undefined : g.out(node.weights);
      const dx = new Float64Array(x.data.length);
      const dW = new Float64Array(A * D);
      const db = new Float64Array(A);
      const du = new Float64Array(A);
      for (let b = 0; b < B; b++) {
        const m = memories[b]!;
        const mg = memoryGrads(m);
        attendBackward(m, query, results[b]!, mg, dy?.subarray(b * D, (b + 1) * D), dw, b * T);
        finishMemoryBackward(m, mg);
        // x is both the keys and the values.
        for (let i = 0; i < T * D; i++) dx[b * T * D + i] = mg.keys[i]! + mg.values[i]!;
        for (let i = 0; i < A * D; i++) dW[i]! += mg.wk[i]!;
        for (let i = 0; i < A; i++) { db[i]! += mg.b[i]!; du[i]! += mg.v[i]!; }
      }
      g.add(node.x, dx);
      g.param(`${layer}.weight`, dW);
      g.param(`${layer}.bias`, db);
      g.param(`${layer}.context`, du);
    },
  };
};
