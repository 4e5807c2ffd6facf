// Dense (time-distributed over leading axes) and embedding lookups.
import type { DenseNode, EmbeddingNode } from '../check/model.ts';
import { mul, numel } from '../ir/builder.ts';
import type { Act } from '../ir/graph.ts';
import type { LowerCtx } from './context.ts';
import { addActivation } from './elementwise.ts';

// Activations whose derivative follows from the output alone are fused into the matmul epilogue.
const MATMUL_ACTS = new Set<string>(['relu', 'tanh', 'sigmoid']);

export function lowerDense(ctx: LowerCtx, n: DenseNode): void {
  const shape = ctx.shape(n.x);
  const rows = numel(shape.slice(0, -1));
  const inWidth = shape[shape.length - 1]!;
  const name = n.layer ?? `dense${n.id}`;
  const act = n.activation;
  const fused = act !== undefined && MATMUL_ACTS.has(act);
  const y = ctx.define(n.y, `${name}.y`);
  const z = act === undefined || fused ? y : ctx.b.tensor(`${name}.z`, ctx.shape(n.y));
  ctx.b.add({
    kind: 'matmul', a: ctx.tensorOf(n.x), b: ctx.param(`${name}.weight`).tensor,
    bias: n.bias ? ctx.param(`${name}.bias`).tensor : undefined, y: z,
    m: rows, n: n.units, k: inWidth, transA: false, transB: true, act: (fused ? act : 'none') as Act, accumulate: false,
  }, `${name} dense`);
  if (act !== undefined && z !== y) addActivation(ctx, n, act, z, y, ctx.shape(n.y), `${name} ${act}`);
}

export function lowerEmbedding(ctx: LowerCtx, n: EmbeddingNode): void {
  const name = n.layer ?? `embedding${n.id}`;
  const y = ctx.define(n.y, `${name}.y`);
  ctx.b.add({
    kind: 'embedding', grad: false, idx: ctx.tensorOf(n.x), table: ctx.param(`${name}.weight`).tensor, y,
    count: mul(...ctx.shape(n.x)), vocab: n.vocab, dim: n.dim, paddingIdx: n.paddingIdx ?? null, accumulate: false,
  }, `${name} embedding`);
}
