// Attention pooling kernels (see AttentionPoolOp for the math): one thread per (b, t) for scores,
// per (b, column) for the pooled sum, per b for the softmax gradient, per element for the rest.
import type { AttentionPoolOp } from '../../ir/graph.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function attentionPoolKernel(w: KernelWriter, op: AttentionPoolOp): KernelPlan {
  const A = op.units;
  const len = op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, 'b')}, 1, i32(T)))`;
  const head = `let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)}; let W = ${wgslSize(op.width)};`;
  /** Masked softmax statistics of row b: the max m and the sum s of exp(e − m) over valid steps. */
  const stats = `
  var m = -3.4e38;
  for (var t = 0u; t < len; t++) { m = max(m, ${w.load(op.e, 'b * T + t')}); }
  var s = 0.0;
  for (var t = 0u; t < len; t++) { s += exp(${w.load(op.e, 'b * T + t')} - m); }`;
  const alpha = (t: string) => `select(0.0, exp(${w.load(op.e, `b * T + ${t}`)} - m) / s, ${t} < len)`;
  switch (op.stage) {
    case 'scores':
      return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.time)), body: `${head}
${strideLoop('B * T')} {
  var acc = 0.0;
  for (var k = 0u; k < ${A}u; k++) { acc += ${w.load(op.u, 'k')} * ${w.load(op.s, `i * ${A}u + k`)}; }
  ${w.store(op.e, 'i', 'acc')}
}` };
    case 'pool':
      return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.width)), body: `${head}
${strideLoop('B * W')} {
  let b = i / W; let c = i % W;
  let len = ${len};${stats}
  var acc = 0.0;
  for (var t = 0u; t < len; t++) { acc += ${alpha('t')} * ${w.load(op.x, '(b * T + t) * W + c')}; }
  ${w.store(op.y, 'i', 'acc')}
  if (c == 0u) { for (var t = 0u; t < T; t++) { ${w.store(op.weights, 'b * T + t', alpha('t'))} } }
}` };
    case 'pool_grad':
      // de (per b) then the direct path into dx (per element), in one kernel: thread b computes de[b, :]
      // and writes dx for its row, so no other thread depends on its results.
      return { workgroupSize: [64, 1, 1], grid: [['cdiv', op.batch, 64], 1, 1], body: `${head}
let b = gid.x;
if (b >= B) { return; }
let len = ${len};
var dot = 0.0;
for (var t = 0u; t < len; t++) {
  var da = 0.0;
  for (var c = 0u; c < W; c++) { da += ${w.load(op.dy!, 'b * W + c')} * ${w.load(op.x, '(b * T + t) * W + c')}; }
  ${w.store(op.de!, 'b * T + t', 'da')}
  dot += ${w.load(op.weights, 'b * T + t')} * da;
}
for (var t = 0u; t < T; t++) {
  let a = ${w.load(op.weights, 'b * T + t')};
  ${w.store(op.de!, 'b * T + t', `select(0.0, a * (${w.load(op.de!, 'b * T + t')} - dot), t < len)`)}
  for (var c = 0u; c < W; c++) { ${w.store(op.dx!, '(b * T + t) * W + c', `a * ${w.load(op.dy!, 'b * W + c')}`, op.accumulate)} }
}` };
    case 'scores_grad':
      // ds per element; du per unit k (sum over all b, t), both from de.
      return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.time, A)), body: `${head}
let n = B * T * ${A}u;
${strideLoop('n')} {
  let row = i / ${A}u; let k = i % ${A}u;
  ${w.store(op.ds!, 'i', `${w.load(op.de!, 'row')} * ${w.load(op.u, 'k')}`)}
  if (row == 0u) {
    var acc = 0.0;
    for (var r = 0u; r < B * T; r++) { acc += ${w.load(op.de!, 'r')} * ${w.load(op.s, `r * ${A}u + k`)}; }
    ${w.store(op.du!, 'k', 'acc', op.accumulateU ?? false)}
  }
}` };
  }
}
