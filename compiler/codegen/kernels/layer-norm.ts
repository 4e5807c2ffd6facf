// Layer normalisation (see LayerNormOp): a thread per row for the forward pass and dx (rows are short:
// feature vectors), a thread per column for the weight and bias gradients.
import type { LayerNormOp } from '../../ir/tensor-ops.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function layerNormKernel(w: KernelWriter, op: LayerNormOp): KernelPlan {
  const D = op.cols;
  const head = `let R = ${wgslSize(op.rows)}; let D = ${D}u;`;
  const xhat = (row: string, j: string) =>
    `((${w.load(op.x, `${row} * D + ${j}`)} - ${w.load(op.stats, `${row} * 2u`)}) * ${w.load(op.stats, `${row} * 2u + 1u`)})`;
  switch (op.stage) {
    case 'forward':
      return { workgroupSize: [256, 1, 1], grid: strideGrid(op.rows), body: `${head}
${strideLoop('R')} {
  var mean = 0.0;
  for (var j = 0u; j < D; j++) { mean += ${w.load(op.x, 'i * D + j')}; }
  mean = mean / f32(D);
  var v = 0.0;
  for (var j = 0u; j < D; j++) { let e = ${w.load(op.x, 'i * D + j')} - mean; v += e * e; }
  let r = 1.0 / sqrt(v / f32(D) + ${op.eps.toPrecision(9)});
  ${w.store(op.stats, 'i * 2u', 'mean')}
  ${w.store(op.stats, 'i * 2u + 1u', 'r')}
  for (var j = 0u; j < D; j++) {
    ${w.store(op.y, 'i * D + j', `(${w.load(op.x, 'i * D + j')} - mean) * r * ${w.load(op.gamma, 'j')} + ${w.load(op.beta, 'j')}`)}
  }
}` };
    case 'dx':
      return { workgroupSize: [256, 1, 1], grid: strideGrid(op.rows), body: `${head}
${strideLoop('R')} {
  var m1 = 0.0; var m2 = 0.0;
  for (var j = 0u; j < D; j++) {
    let g = ${w.load(op.dy!, 'i * D + j')} * ${w.load(op.gamma, 'j')};
    m1 += g; m2 += g * ${xhat('i', 'j')};
  }
  m1 = m1 / f32(D); m2 = m2 / f32(D);
  let r = ${w.load(op.stats, 'i * 2u + 1u')};
  for (var j = 0u; j < D; j++) {
    let g = ${w.load(op.dy!, 'i * D + j')} * ${w.load(op.gamma, 'j')};
    ${w.store(op.dx!, 'i * D + j', `r * (g - m1 - ${xhat('i', 'j')} * m2)`, op.accumulate)}
  }
}` };
    case 'dparams':
      return { workgroupSize: [256, 1, 1], grid: strideGrid(D), body: `${head}
${strideLoop('D')} {
  var dg = 0.0; var db = 0.0;
  for (var row = 0u; row < R; row++) {
    let g = ${w.load(op.dy!, 'row * D + i')};
    dg += g * ${xhat('row', 'i')}; db += g;
  }
  ${op.dgamma === undefined ? '' : w.store(op.dgamma, 'i', 'dg', op.accumulateGamma ?? false)}
  ${op.dbeta === undefined ? '' : w.store(op.dbeta, 'i', 'db', op.accumulateBeta ?? false)}
}` };
  }
}
