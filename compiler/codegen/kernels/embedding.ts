// Embedding lookup and its gradient. The gradient is a gather, not a scatter: thread (v, k) sums the
// rows of dy whose token is v, so no float atomics are needed and the result is deterministic.
import type { EmbeddingOp } from '../../ir/graph.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function embeddingKernel(w: KernelWriter, op: EmbeddingOp): KernelPlan {
  const pad = op.paddingIdx ?? -1;
  const N = wgslSize(op.count);
  const ok = (v: string) => `(${v} >= 0 && ${v} < ${op.vocab} && ${v} != ${pad})`;
  if (!op.grad) {
    return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.count, op.dim)), body: `let N = ${N};
${strideLoop(`N * ${op.dim}u`)} {
  let n = i / ${op.dim}u; let k = i % ${op.dim}u;
  let v = ${w.load(op.idx, 'n')};
  var x = 0.0;
  if ${ok('v')} { x = ${w.load(op.table, `u32(v) * ${op.dim}u + k`)}; }
  ${w.store(op.y, 'i', 'x')}
}` };
  }
  // grad: y holds dy [N, dim]; table receives d(weight) [vocab, dim].
  return { workgroupSize: [256, 1, 1], grid: strideGrid(op.vocab * op.dim), body: `let N = ${N};
${strideLoop(`${op.vocab * op.dim}u`)} {
  let v = i32(i / ${op.dim}u); let k = i % ${op.dim}u;
  var acc = 0.0;
  if ${ok('v')} {
    for (var n = 0u; n < N; n++) {
      if (${w.load(op.idx, 'n')} == v) { acc += ${w.load(op.y, `n * ${op.dim}u + k`)}; }
    }
  }
  ${w.store(op.table, 'i', 'acc', op.accumulate)}
}` };
}
