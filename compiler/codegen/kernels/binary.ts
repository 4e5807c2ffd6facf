// Broadcasting element-wise arithmetic. Forward: a thread per output element, operand indices from its
// coordinates. Gradient of one operand: a thread per operand element sums dy over the positions it was
// repeated to (a gather, so no atomics, and each element is written once).
import type { SizeExpr } from '../../../runtime/bundle.ts';
import type { BinaryGradOp, BinaryOp } from '../../ir/tensor-ops.ts';
import { mul, numel } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

const isOne = (d: SizeExpr) => d === 1;

/** Σ_ax c{ax} · stride{ax} over the axes where `shape` is not 1 (its row-major strides). */
function linearIndex(shape: readonly SizeExpr[]): string {
  const terms: string[] = [];
  shape.forEach((d, ax) => {
    if (isOne(d)) return;
    const stride = shape.slice(ax + 1);
    terms.push(stride.length ? `c${ax} * ${wgslSize(mul(...stride))}` : `c${ax}`);
  });
  return terms.length ? terms.join(' + ') : '0u';
}

/** Statements defining c{ax} for the given axes by decomposing `v` row-major over `dims`. */
function coords(v: string, axes: readonly number[], dims: readonly SizeExpr[]): string {
  const out = [`var rem_${v} = ${v};`];
  for (let k = axes.length - 1; k >= 0; k--) {
    const ax = axes[k]!;
    out.push(`let c${ax} = rem_${v} % ${wgslSize(dims[ax]!)}; rem_${v} = rem_${v} / ${wgslSize(dims[ax]!)};`);
  }
  return out.join('\n  ');
}

const apply = (fn: BinaryOp['fn'], a: string, b: string) =>
  ({ add: `${a} + ${b}`, sub: `${a} - ${b}`, mul: `${a} * ${b}`, div: `${a} / ${b}` })[fn];

export function binaryKernel(w: KernelWriter, op: BinaryOp): KernelPlan {
  const all = op.shape.map((_, ax) => ax);
  const body = `${strideLoop(wgslSize(numel(op.shape)))} {
  ${coords('i', all, op.shape)}
  ${w.store(op.y, 'i', apply(op.fn, w.load(op.a, linearIndex(op.aShape)), w.load(op.b, linearIndex(op.bShape))))}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(numel(op.shape)) };
}

export function binaryGradKernel(w: KernelWriter, op: BinaryGradOp): KernelPlan {
  const own = op.wrt === 'a' ? op.aShape : op.bShape;
  const kept = own.map((_, ax) => ax).filter((ax) => !isOne(own[ax]!));
  const repeated = own.map((_, ax) => ax).filter((ax) => isOne(own[ax]!));
  const count = mul(...repeated.map((ax) => op.shape[ax]!));
  const a = w.load(op.a, linearIndex(op.aShape)), b = w.load(op.b, linearIndex(op.bShape));
  const g = w.load(op.dy, linearIndex(op.shape));
  const term = {
    add: g, sub: op.wrt === 'a' ? g : `-${g}`,
    mul: `${g} * ${op.wrt === 'a' ? b : a}`,
    div: op.wrt === 'a' ? `${g} / ${b}` : `-${g} * ${a} / (${b} * ${b})`,
  }[op.fn];
  const body = `${strideLoop(wgslSize(numel(own)))} {
  ${coords('i', kept, op.shape)}
  var acc = 0.0;
  for (var r = 0u; r < ${wgslSize(count)}; r++) {
    ${coords('r', repeated, op.shape).replace(/\n {2}/g, '\n    ')}
    acc += ${term};
  }
  ${w.store(op.dx, 'i', 'acc', op.accumulate)}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(numel(own)) };
}
