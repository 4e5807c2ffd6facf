// Row softmax (or log_softmax) over the last axis, and its gradient dx = y ⊙ (dy − Σ dy ⊙ y)
// (log_softmax: dx = dy − exp(y) Σ dy).
import type { SoftmaxOp } from '../../ir/graph.ts';
import { indentAfterFirst, type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

/**
 * The forward softmax (or log_softmax) of one row: x and y at `base` .. `base` + C − 1, C a WGSL name.
 * Also the fused head's (codegen/kernels/recurrent-head.ts), so both compute the same sums in the same order.
 */
export function softmaxRow(w: KernelWriter, op: SoftmaxOp): string {
  const x = w.load(op.x, 'base + c');
  return `var m = -3.4e38;
for (var c = 0u; c < C; c++) { m = max(m, ${x}); }
var s = 0.0;
for (var c = 0u; c < C; c++) { s += exp(${x} - m); }
for (var c = 0u; c < C; c++) { ${w.store(op.y, 'base + c', op.log ? `${x} - m - log(s)` : `exp(${x} - m) / s`)} }`;
}

export function softmaxKernel(w: KernelWriter, op: SoftmaxOp): KernelPlan {
  const head = `let R = ${wgslSize(op.rows)}; let C = ${wgslSize(op.cols)};\n${strideLoop('R')} {\n  let base = i * C;`;
  if (!op.grad) {
    return { workgroupSize: [256, 1, 1], grid: strideGrid(op.rows), body: `${head}
  ${indentAfterFirst(softmaxRow(w, op), 2)}
}` };
  }
  return { workgroupSize: [256, 1, 1], grid: strideGrid(op.rows), body: `${head}
  var dot = 0.0;
  for (var c = 0u; c < C; c++) { dot += ${w.load(op.dy!, 'base + c')}${op.log ? '' : ` * ${w.load(op.y, 'base + c')}`}; }
  for (var c = 0u; c < C; c++) {
    ${w.store(op.dx!, 'base + c', op.log ? `${w.load(op.dy!, 'base + c')} - exp(${w.load(op.y, 'base + c')}) * dot`
      : `${w.load(op.y, 'base + c')} * (${w.load(op.dy!, 'base + c')} - dot)`, op.accumulate)}
  }
}` };
}
