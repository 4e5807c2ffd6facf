// Row softmax (or log_softmax) over the last axis, and its gradient dx = y ⊙ (dy − Σ dy ⊙ y)
// (log_softmax: dx = dy − exp(y) Σ dy).
import type { SoftmaxOp } from '../../ir/graph.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function softmaxKernel(w: KernelWriter, op: SoftmaxOp): KernelPlan {
  const head = `let R = ${wgslSize(op.rows)}; let C = ${wgslSize(op.cols)};\n${strideLoop('R')} {\n  let base = i * C;`;
  if (!op.grad) {
    return { workgroupSize: [256, 1, 1], grid: strideGrid(op.rows), body: `${head}
  var m = -3.4e38;
  for (var c = 0u; c < C; c++) { m = max(m, ${w.load(op.x, 'base + c')}); }
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s += exp(${w.load(op.x, 'base + c')} - m); }
  for (var c = 0u; c < C; c++) { ${w.store(op.y, 'base + c', op.log ? `${w.load(op.x, 'base + c')} - m - log(s)` : `exp(${w.load(op.x, 'base + c')} - m) / s`)} }
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
