// Attention pooling: a tanh score projection (matmul), per-step scores, masked softmax and weighted sum.
import type { AttentionPoolNode } from '../check/model.ts';
import { mul } from '../ir/builder.ts';
import type { LowerCtx } from './context.ts';

export function lowerAttentionPool(ctx: LowerCtx, n: AttentionPoolNode): void {
  const { b } = ctx;
  const [batch, time, width] = ctx.shape(n.x) as [string | number, string | number, string | number];
  const name = n.layer ?? `attention_pool${n.id}`;
  const x = ctx.tensorOf(n.x);
  const lengths = n.lengths === undefined ? undefined : ctx.tensorOf(n.lengths);
  const s = b.tensor(`${name}.s`, [batch, time, n.units]);
  b.add({ kind: 'matmul', a: x, b: ctx.param(`${name}.weight`).tensor, bias: ctx.param(`${name}.bias`).tensor, y: s,
          m: mul(batch, time), n: n.units, k: width, transA: false, transB: true, act: 'tanh', accumulate: false },
        `${name} score projection`);
  const e = b.tensor(`${name}.e`, [batch, time]);
  const weights = n.weights === undefined ? b.tensor(`${name}.weights`, [batch, time]) : ctx.define(n.weights, `${name}.weights`);
  const y = ctx.define(n.y, `${name}.y`);
  const common = { x, s, u: ctx.param(`${name}.context`).tensor, e, weights, lengths, y, batch, time, width, units: n.units,
                   accumulate: false } as const;
  b.add({ kind: 'attention_pool', stage: 'scores', ...common }, `${name} scores`);
  b.add({ kind: 'attention_pool', stage: 'pool', ...common }, `${name} softmax and weighted sum`);
}
