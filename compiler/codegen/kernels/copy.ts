// Strided block copies (concat pieces and their gradients), constant fills and the shifted token feed
// of teacher forcing, a thread per element.
import type { ShiftTokensOp } from '../../ir/decoder-ops.ts';
import type { Copy2dOp, FillOp } from '../../ir/tensor-ops.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function copy2dKernel(w: KernelWriter, op: Copy2dOp): KernelPlan {
  const cols = wgslSize(op.cols);
  const body = `let rows = ${wgslSize(op.rows)}; let cols = ${cols};
${strideLoop('rows * cols')} {
  let r = i / cols; let c = i % cols;
  ${w.store(op.y, `${wgslSize(op.yOffset)} + r * ${wgslSize(op.yld)} + c`,
            w.load(op.x, `${wgslSize(op.xOffset)} + r * ${wgslSize(op.xld)} + c`), op.accumulate)}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.rows, op.cols)) };
}

export function fillKernel(w: KernelWriter, op: FillOp): KernelPlan {
  const value = Number.isFinite(op.value) ? op.value.toPrecision(9) : op.value > 0 ? '3.4e38' : '-3.4e38';
  const body = `${strideLoop(wgslSize(op.size))} {\n  ${w.store(op.y, 'i', `f32(${value})`)}\n}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(op.size) };
}

/** The tokens a teacher-forced decoder is fed: `first` (sos), then the targets shifted right by one. */
export function shiftTokensKernel(w: KernelWriter, op: ShiftTokensOp): KernelPlan {
  const body = `let T = ${wgslSize(op.time)};
${strideLoop(`${wgslSize(op.batch)} * T`)} {
  let t = i % T;
  var v = ${op.first};
  if (t > 0u) { v = ${w.load(op.x, 'i - 1u')}; }
  ${w.store(op.y, 'i', 'v')}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.time)) };
}
