// Time-axis kernels over [B, T, W] tensors: step selection, masked pooling, repetition; and their gradients.
import type { RepeatOp, TimePoolOp, TimeSelectOp } from '../../ir/graph.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

function lengthOf(w: KernelWriter, lengths: number | undefined): string {
  return lengths === undefined ? 'T' : `u32(clamp(${w.load(lengths, 'b')}, 1, i32(T)))`;
}

/** The step selected for column c of row b. bidir_last: the forward half at len−1, the reverse half at 0. */
function selectedStep(op: TimeSelectOp): string {
  if (op.which === 'first') return '0u';
  if (op.which === 'last') return 'len - 1u';
  return `select(len - 1u, 0u, c >= W / ${op.dirs}u)`;
}

export function timeSelectKernel(w: KernelWriter, op: TimeSelectOp): KernelPlan {
  const dims = `let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)}; let W = ${wgslSize(op.width)};`;
  if (!op.grad) {
    const n = mul(op.batch, op.width);
    return { workgroupSize: [256, 1, 1], grid: strideGrid(n), body: `${dims}
${strideLoop('B * W')} {
  let b = i / W; let c = i % W;
  let len = ${lengthOf(w, op.lengths)};
  ${w.store(op.y, 'i', w.load(op.x, `(b * T + ${selectedStep(op)}) * W + c`))}
}` };
  }
  // Gradient: x holds dy [B, W], y receives dx [B, T, W] (zero except at the selected steps).
  const n = mul(op.batch, op.time, op.width);
  return { workgroupSize: [256, 1, 1], grid: strideGrid(n), body: `${dims}
${strideLoop('B * T * W')} {
  let b = i / (T * W); let t = (i / W) % T; let c = i % W;
  let len = ${lengthOf(w, op.lengths)};
  let v = select(0.0, ${w.load(op.x, 'b * W + c')}, t == ${selectedStep(op)});
  ${w.store(op.y, 'i', 'v', op.accumulate)}
}` };
}

export function timePoolKernel(w: KernelWriter, op: TimePoolOp): KernelPlan {
  const dims = `let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)}; let W = ${wgslSize(op.width)};`;
  const scan = (init: string, update: string) => `var acc = ${init}; var arg = 0u;
  for (var t = 0u; t < len; t++) {
    let v = ${w.load(op.x, '(b * T + t) * W + c')};
    ${update}
  }`;
  const reduce = op.mode === 'mean' ? scan('0.0', 'acc += v;') : scan('-3.4e38', 'if (v > acc) { acc = v; arg = t; }');
  if (op.dx === undefined) {
    return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.width)), body: `${dims}
${strideLoop('B * W')} {
  let b = i / W; let c = i % W;
  let len = ${lengthOf(w, op.lengths)};
  ${reduce}
  ${w.store(op.y, 'i', op.mode === 'mean' ? 'acc / f32(len)' : 'acc')}
}` };
  }
  const grad = op.mode === 'mean' ? `select(0.0, g / f32(len), t < len)` : 'select(0.0, g, t == arg)';
  return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.time, op.width)), body: `${dims}
${strideLoop('B * T * W')} {
  let b = i / (T * W); let t = (i / W) % T; let c = i % W;
  let len = ${lengthOf(w, op.lengths)};
  let g = ${w.load(op.dy!, 'b * W + c')};
  ${op.mode === 'max' ? reduce : ''}
  ${w.store(op.dx, 'i', grad, op.accumulate)}
}` };
}

export function repeatKernel(w: KernelWriter, op: RepeatOp): KernelPlan {
  const dims = `let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)}; let W = ${wgslSize(op.width)};`;
  if (!op.grad) {
    return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.time, op.width)), body: `${dims}
${strideLoop('B * T * W')} {
  let b = i / (T * W); let c = i % W;
  ${w.store(op.y, 'i', w.load(op.x, 'b * W + c'))}
}` };
  }
  return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.width)), body: `${dims}
${strideLoop('B * W')} {
  let b = i / W; let c = i % W;
  var acc = 0.0;
  for (var t = 0u; t < T; t++) { acc += ${w.load(op.x, '(b * T + t) * W + c')}; }
  ${w.store(op.y, 'i', 'acc', op.accumulate)}
}` };
}
