// attention and self_attention: projections as matmul ops around one fused attention core op.
import type { AttentionNode, SelfAttentionNode } from '../check/model.ts';
import { mul } from '../ir/builder.ts';
import type { TensorId } from '../ir/graph.ts';
import { type LowerCtx, UnsupportedError } from './context.ts';

export function lowerAttention(ctx: LowerCtx, n: AttentionNode): void {
  const { b } = ctx;
  const name = n.layer ?? `attention${n.id}`;
  const [batch, tq, dq] = ctx.shape(n.query) as [string | number, string | number, number];
  const [, tk, dk] = ctx.shape(n.keys) as [string | number, string | number, number];
  const dv = (n.values === undefined ? dk : ctx.shape(n.values)[2]) as number;
  // The fused kernel keeps a query row and a context row in registers: their sizes must be known.
  if (![dq, dk, dv].every((d) => typeof d === 'number')) throw new UnsupportedError(n, 'attention over symbolic feature sizes');
  let query = ctx.tensorOf(n.query), keys = ctx.tensorOf(n.keys);
  const values = n.values === undefined ? keys : ctx.tensorOf(n.values);
  let width = dq;
  if (n.score === 'additive') {
    // s = v · tanh(W_q q + b + W_k k): both projections once, as matmuls, before the core.
    const A = n.units!;
    const qp = b.tensor(`${name}.query_proj`, [batch, tq, A]), kp = b.tensor(`${name}.key_proj`, [batch, tk, A]);
    b.add({ kind: 'matmul', a: query, b: ctx.param(`${name}.w_query`).tensor, bias: ctx.param(`${name}.bias`).tensor, y: qp,
            m: mul(batch, tq), n: A, k: dq, transA: false, transB: true, act: 'none', accumulate: false }, `${name} query projection`);
    b.add({ kind: 'matmul', a: keys, b: ctx.param(`${name}.w_key`).tensor, y: kp,
            m: mul(batch, tk), n: A, k: dk, transA: false, transB: true, act: 'none', accumulate: false }, `${name} key projection`);
    [query, keys, width] = [qp, kp, A];
  }
  const y = ctx.define(n.context, `${name}.context`);
  const weights = n.weights === undefined ? undefined : ctx.define(n.weights, `${name}.weights`);
  b.add({ kind: 'attention', stage: 'forward', score: n.score === 'additive' ? 'additive' : 'dot',
          scale: n.score === 'scaled_dot' ? 1 / Math.sqrt(dk) : 1, heads: 1, causal: false,
          query, keys, values, u: n.score === 'additive' ? ctx.param(`${name}.v`).tensor : undefined, dk: width, dv,
          qOff: 0, qLd: width, kOff: 0, kLd: width, vOff: 0, vLd: dv,
          lengths: n.lengths === undefined ? undefined : ctx.tensorOf(n.lengths), batch, tq, tk,
          y, stats: b.tensor(`${name}.stats`, [batch, 1, tq, 2]), weights }, `${name} ${n.score} attention`);
}

/** nn.MultiheadAttention (batch_first, q = k = v = x): in-projection, fused heads, out-projection. */
export function lowerSelfAttention(ctx: LowerCtx, n: SelfAttentionNode): void {
  const { b } = ctx;
  const name = n.layer ?? `self_attention${n.id}`;
  const [batch, time, E] = ctx.shape(n.x) as [string | number, string | number, number];
  const d = E / n.heads;
  const qkv = b.tensor(`${name}.qkv`, [batch, time, 3 * E]);
  b.add({ kind: 'matmul', a: ctx.tensorOf(n.x), b: ctx.param(`${name}.in_proj_weight`).tensor,
          bias: ctx.param(`${name}.in_proj_bias`).tensor, y: qkv, m: mul(batch, time), n: 3 * E, k: E,
          transA: false, transB: true, act: 'none', accumulate: false }, `${name} in-projection`);
  const o: TensorId = b.tensor(`${name}.heads`, [batch, time, E]);
  b.add({ kind: 'attention', stage: 'forward', score: 'dot', scale: 1 / Math.sqrt(d), heads: n.heads, causal: n.causal,
          query: qkv, keys: qkv, values: qkv, dk: d, dv: d, qOff: 0, qLd: 3 * E, kOff: E, kLd: 3 * E, vOff: 2 * E, vLd: 3 * E,
          lengths: n.lengths === undefined ? undefined : ctx.tensorOf(n.lengths), batch, tq: time, tk: time,
          y: o, stats: b.tensor(`${name}.stats`, [batch, n.heads, time, 2]) }, `${name} ${n.heads}-head attention`);
  b.add({ kind: 'matmul', a: o, b: ctx.param(`${name}.out_proj.weight`).tensor, bias: ctx.param(`${name}.out_proj.bias`).tensor,
          y: ctx.define(n.y, `${name}.y`), m: mul(batch, time), n: E, k: E, transA: false, transB: true, act: 'none',
          accumulate: false }, `${name} out-projection`);
}
