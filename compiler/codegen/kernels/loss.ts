// Fused losses. Forward: one workgroup reduces every row's loss and the count of valid elements
// (or one thread per sequence for reduction 'none'). Gradient: one thread per element of the prediction,
// with the softmax of cross-entropy recomputed from the row (rows are short: classes or features).
import type { LossOp } from '../../ir/graph.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

function dims(op: LossOp): string {
  return `let R = ${wgslSize(op.rows)}; let C = ${wgslSize(op.cols)}; let B = ${wgslSize(op.batch)}; let T = ${op.time === null ? '1u' : wgslSize(op.time)};`;
}

/** Whether row r counts (steps at or beyond the sequence's length do not). */
function rowValid(w: KernelWriter, op: LossOp, r: string): string {
  if (op.lengths === undefined || op.time === null) return 'true';
  return `((${r}) % T < u32(clamp(${w.load(op.lengths, `(${r}) / T`)}, 0, i32(T))))`;
}

/** The loss of row r, summed over its columns. */
function rowLoss(w: KernelWriter, op: LossOp): string {
  const p = (c: string) => w.load(op.pred, `r * C + ${c}`);
  switch (op.fn) {
    case 'cross_entropy': return `
    var m = -3.4e38;
    for (var c = 0u; c < C; c++) { m = max(m, ${p('c')}); }
    var s = 0.0;
    for (var c = 0u; c < C; c++) { s += exp(${p('c')} - m); }
    let label = u32(clamp(${w.load(op.target, 'r')}, 0, i32(C) - 1));
    let rl = m + log(s) - ${p('label')};`;
    case 'mse': return `
    var rl = 0.0;
    for (var c = 0u; c < C; c++) { let e = ${p('c')} - ${w.load(op.target, 'r * C + c')}; rl += e * e; }`;
    case 'binary_cross_entropy': return `
    var rl = 0.0;
    for (var c = 0u; c < C; c++) {
      let x = ${p('c')}; let y = ${w.load(op.target, 'r * C + c')};
      rl += max(x, 0.0) - x * y + log(1.0 + exp(-abs(x)));
    }`;
  }
}

/** Elements per valid row: cross-entropy counts rows, the others count every column. */
const perRow = (op: LossOp) => (op.fn === 'cross_entropy' ? '1.0' : 'f32(C)');

export function lossKernel(w: KernelWriter, op: LossOp): KernelPlan {
  if (op.grad) return lossGradKernel(w, op);
  if (op.reduction === 'none') {
    return { workgroupSize: [64, 1, 1], grid: [['cdiv', op.batch, 64], 1, 1], body: `${dims(op)}
let b = gid.x;
if (b >= B) { return; }
let rowsPer = R / B;
var total = 0.0; var count = 0.0;
for (var q = 0u; q < rowsPer; q++) {
  let r = b * rowsPer + q;
  if (!${rowValid(w, op, 'r')}) { continue; }${rowLoss(w, op)}
  total += rl; count += ${perRow(op)};
}
${w.store(op.y, 'b', 'total / max(count, 1.0)')}` };
  }
  w.workgroupArray('sums', 'f32', 256);
  w.workgroupArray('counts', 'f32', 256);
  return { workgroupSize: [256, 1, 1], grid: [1, 1, 1], body: `${dims(op)}
var total = 0.0; var count = 0.0;
for (var r = lid.x; r < R; r += 256u) {
  if (!${rowValid(w, op, 'r')}) { continue; }${rowLoss(w, op)}
  total += rl; count += ${perRow(op)};${op.fusedGrad === undefined ? '' : fusedGrad(w, op)}
}
sums[lid.x] = total; counts[lid.x] = count;
workgroupBarrier();
for (var half = 128u; half > 0u; half >>= 1u) {
  if (lid.x < half) { sums[lid.x] += sums[lid.x + half]; counts[lid.x] += counts[lid.x + half]; }
  workgroupBarrier();
}
if (lid.x == 0u) { ${w.store(op.y, '0u', op.reduction === 'mean' ? 'sums[0] / max(counts[0], 1.0)' : 'sums[0]')} }` };
}

/**
 * The gradient written in the forward kernel's row loop (per-sequence losses, see fuse-loss): with no mask
 * the divisor of the mean is known up front, R rows × the elements per row.
 */
function fusedGrad(w: KernelWriter, op: LossOp): string {
  const scale = op.reduction === 'sum' ? '1.0' : `1.0 / (f32(R) * ${perRow(op)})`;
  const p = (c: string) => w.load(op.pred, `r * C + ${c}`);
  const g = op.fn === 'cross_entropy' ? `(exp(${p('c')} - m) / s - select(0.0, 1.0, c == label))`
    : op.fn === 'mse' ? `2.0 * (${p('c')} - ${w.load(op.target, 'r * C + c')})`
      : `(1.0 / (1.0 + exp(-${p('c')})) - ${w.load(op.target, 'r * C + c')})`;
  return `
  for (var c = 0u; c < C; c++) { ${w.store(op.fusedGrad!, 'r * C + c', `${g} * ${scale}`)} }`;
}

function lossGradKernel(w: KernelWriter, op: LossOp): KernelPlan {
  // y is d(pred) here; dy the upstream gradient of the loss (absent: the loss itself, gradient 1).
  const upstream = op.dy === undefined ? '1.0' : op.reduction === 'none' ? w.load(op.dy, 'r / (R / B)') : w.load(op.dy, '0u');
  const count = op.lengths === undefined || op.time === null
    ? (op.reduction === 'none' ? `f32(R / B) * ${perRow(op)}` : `f32(R) * ${perRow(op)}`)
    : op.reduction === 'none'
      ? `f32(u32(clamp(${w.load(op.lengths, 'r / T')}, 0, i32(T)))) * ${perRow(op)}`
      : `valid_rows * ${perRow(op)}`;
  const validRows = op.lengths !== undefined && op.time !== null && op.reduction !== 'none' ? `
var valid_rows = 0.0;
for (var b = 0u; b < B; b++) { valid_rows += f32(u32(clamp(${w.load(op.lengths, 'b')}, 0, i32(T)))); }` : '';
  const p = (c: string) => w.load(op.pred, `r * C + ${c}`);
  let g: string;
  switch (op.fn) {
    case 'cross_entropy': g = `
    var m = -3.4e38;
    for (var k = 0u; k < C; k++) { m = max(m, ${p('k')}); }
    var s = 0.0;
    for (var k = 0u; k < C; k++) { s += exp(${p('k')} - m); }
    let label = u32(clamp(${w.load(op.target, 'r')}, 0, i32(C) - 1));
    let g = exp(${p('c')} - m) / s - select(0.0, 1.0, c == label);`; break;
    case 'mse': g = `\n    let g = 2.0 * (${p('c')} - ${w.load(op.target, 'i')});`; break;
    case 'binary_cross_entropy': g = `\n    let g = 1.0 / (1.0 + exp(-${p('c')})) - ${w.load(op.target, 'i')};`; break;
  }
  const scale = op.reduction === 'sum' ? upstream : `${upstream} / max(${count}, 1.0)`;
  return { workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.rows, op.cols)), body: `${dims(op)}${validRows}
${strideLoop('R * C')} {
  let r = i / C; let c = i % C;
  var v = 0.0;
  if (${rowValid(w, op, 'r')}) {${g}
    v = g * ${scale};
  }
  ${w.store(op.y, 'i', 'v')}${op.dtarget === undefined ? '' : `
  ${w.store(op.dtarget, 'i', op.fn === 'mse' ? '-v' : `select(0.0, -${p('c')} * ${scale}, ${rowValid(w, op, 'r')})`)}`}
}` };
}
