// Element-wise kernels (activations and their gradients, dropout, zeroing) and column sums.
import type { ColSumOp, PointwiseOp, TransposeOp } from '../../ir/graph.ts';
import { cdiv } from '../../ir/builder.ts';
import { actExpr, type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

/** d act(x)/dx in terms of y = act(x) (or of x itself for gelu). */
function actGrad(w: KernelWriter, act: string, v: string): string {
  switch (act) {
    case 'relu': return `select(0.0, 1.0, ${v} > 0.0)`;
    case 'exp': return v;
    case 'log': return `(1.0 / ${v})`;
    case 'neg': return '-1.0';
    case 'tanh': return `(1.0 - ${v} * ${v})`;
    case 'sigmoid': return `(${v} * (1.0 - ${v}))`;
    case 'gelu':
      w.helper('erf_');
      return `(0.5 * (1.0 + erf_(${v} * 0.70710678118654752)) + ${v} * 0.3989422804014327 * exp(-0.5 * ${v} * ${v}))`;
    default: throw new Error(`internal error (codegen): activation gradient ${act}`);
  }
}

export function pointwiseKernel(w: KernelWriter, op: PointwiseOp): KernelPlan {
  const n = wgslSize(op.size);
  let value: string;
  switch (op.fn) {
    case 'act': value = actExpr(w, op.act!, w.load(op.x, 'i')); break;
    case 'act_grad': value = `${w.load(op.x, 'i')} * ${actGrad(w, op.act!, w.load(op.x2!, 'i'))}`; break;
    case 'copy': value = w.load(op.x, 'i'); break;
    case 'scale': value = `${w.load(op.x, 'i')} * ${op.scale}`; break;
    case 'add': value = `${w.load(op.x, 'i')} + ${w.load(op.x2!, 'i')}`; break;
    case 'zero': value = '0.0'; break;
    case 'dropout': case 'dropout_grad': {
      // Inverted dropout, identity outside training; the gradient reuses the same mask (same site and index).
      w.helper('hash32');
      // u.step counts optimizer steps from 1; dropout masks are indexed by the step index from 0.
      const keep = `dropout_uniform(u.seed, ${op.site}u, u.step - 1u, i) >= ${op.p!.toFixed(8)}`;
      value = `select(${w.load(op.x, 'i')}, select(0.0, ${w.load(op.x, 'i')} * ${(1 / (1 - op.p!)).toPrecision(9)}, ${keep}), u.training == 1u)`;
      break;
    }
  }
  const body = `let n = ${n};\n${strideLoop('n')} {\n  ${w.store(op.y, 'i', value, op.accumulate)}\n}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(op.size) };
}

export function colsumKernel(w: KernelWriter, op: ColSumOp): KernelPlan {
  const body = `
let c = gid.x;
let M = ${wgslSize(op.m)}; let N = ${wgslSize(op.n)};
if (c >= N) { return; }
var acc = 0.0;
for (var r = 0u; r < M; r++) { acc += ${w.load(op.x, `${wgslSize(op.xOffset)} + r * ${wgslSize(op.ld)} + c`)}; }
${w.store(op.y, 'c', 'acc', op.accumulate)}`;
  return { body, workgroupSize: [64, 1, 1], grid: [cdiv(op.n, 64), 1, 1] };
}

export function transposeKernel(w: KernelWriter, op: TransposeOp): KernelPlan {
  const n = op.rows * op.cols;
  return { workgroupSize: [256, 1, 1], grid: strideGrid(n), body: `${strideLoop(`${n}u`)} {
  let c = i / ${op.rows}u; let r = i % ${op.rows}u;
  ${w.store(op.y, `${op.yOffset}u + i`, w.load(op.x, `r * ${op.cols}u + c`))}
}` };
}
