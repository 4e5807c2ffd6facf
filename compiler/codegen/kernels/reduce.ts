// Sum/mean over the middle axis of [outer, n, inner]: a thread per output element (forward) or per
// input element (gradient: the broadcast of dy back over the reduced axis).
import type { ReduceOp } from '../../ir/tensor-ops.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function reduceKernel(w: KernelWriter, op: ReduceOp): KernelPlan {
  const dims = `let O = ${wgslSize(op.outer)}; let R = ${wgslSize(op.n)}; let I = ${wgslSize(op.inner)};`;
  const scale = op.scale === 'mean' ? '(1.0 / f32(R))' : op.scale.toPrecision(9);
  if (!op.grad) {
    return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.outer, op.inner)), body: `${dims}
${strideLoop('O * I')} {
  let o = i / I; let c = i % I;
  var acc = 0.0;
  for (var j = 0u; j < R; j++) { acc += ${w.load(op.x, '(o * R + j) * I + c')}; }
  ${w.store(op.y, 'i', `acc * ${scale}`, op.accumulate)}
}` };
  }
  return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.outer, op.n, op.inner)), body: `${dims}
${strideLoop('O * R * I')} {
  let o = i / (R * I); let c = i % I;
  ${w.store(op.y, 'i', `${w.load(op.x, 'o * I + c')} * ${scale}`, op.accumulate)}
}` };
}
