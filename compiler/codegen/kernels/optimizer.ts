// The fused optimizer, two dispatches for every parameter of the model: (1) per-workgroup partial sums
// of squared gradients; (2) each workgroup reduces the partials to the global norm, then every thread
// applies clipping, weight decay and the SGD/Adam/AdamW update to its elements (PyTorch semantics).
import type { BundleTraining } from '../../../runtime/bundle.ts';
import type { OptimizerOp } from '../../ir/graph.ts';
import type { KernelWriter } from '../wgsl.ts';
import { type KernelPlan, STRIDE_WG, strideGrid, strideLoop } from './plan.ts';

/**
 * Workgroups of the norm stage (and floats of the partials buffer). Few, so that the update stage can
 * sum the partials in every thread without barriers (on SwiftShader a barrier costs more than 16 loads).
 */
export const normWorkgroups = (count: number) => Math.max(1, Math.min(Math.ceil(count / STRIDE_WG), 16));

const f = (x: number) => (Number.isInteger(x) ? `${x}.0` : `${x}`);

export function optimizerKernel(w: KernelWriter, op: OptimizerOp, t: BundleTraining): KernelPlan {
  const P = op.count, NW = normWorkgroups(P);
  w.use('grads', false);
  if (op.stage === 'norm') {
    w.workgroupArray('red', 'f32', STRIDE_WG);
    w.use('partials', true);
    return { workgroupSize: [STRIDE_WG, 1, 1], grid: [NW, 1, 1], body: `
var acc = 0.0;
for (var i = wid.x * ${STRIDE_WG}u + lid.x; i < ${P}u; i += ${NW * STRIDE_WG}u) { let g = grads[i]; acc += g * g; }
red[lid.x] = acc;
workgroupBarrier();
for (var half = ${STRIDE_WG / 2}u; half > 0u; half >>= 1u) {
  if (lid.x < half) { red[lid.x] += red[lid.x + half]; }
  workgroupBarrier();
}
if (lid.x == 0u) { partials[wid.x] = red[0]; }` };
  }
  w.use('partials', false);
  w.use('params', true);
  if (t.stateSlots > 0) w.use('opt', true);
  const clip = t.clipNorm === null ? '1.0' : `min(1.0, ${f(t.clipNorm)} / (sqrt(sq) + 1e-6))`;
  const wd = t.weightDecay;
  let update: string;
  if (t.optimizer === 'sgd') {
    update = `${wd ? `g += ${f(wd)} * p;` : ''}
    ${t.momentum ? `let buf = ${f(t.momentum)} * opt[i] + g; opt[i] = buf;
    ${t.nesterov ? `g = g + ${f(t.momentum)} * buf;` : 'g = buf;'}` : ''}
    params[i] = p - lr * g;`;
  } else {
    update = `${wd && t.optimizer === 'adam' ? `g += ${f(wd)} * p;` : ''}
    ${wd && t.optimizer === 'adamw' ? `p = p * (1.0 - lr * ${f(wd)});` : ''}
    let m = ${f(t.beta1)} * opt[i] + ${f(1 - t.beta1)} * g;
    let v = ${f(t.beta2)} * opt[${P}u + i] + ${f(1 - t.beta2)} * g * g;
    opt[i] = m; opt[${P}u + i] = v;
    let mhat = m / (1.0 - pow(${f(t.beta1)}, f32(u.step)));
    let vhat = v / (1.0 - pow(${f(t.beta2)}, f32(u.step)));
    params[i] = p - lr * mhat / (sqrt(vhat) + ${f(t.eps)});`;
  }
  return { workgroupSize: [STRIDE_WG, 1, 1], grid: strideGrid(P), body: `
var sq = 0.0;
for (var k = 0u; k < ${NW}u; k++) { sq += partials[k]; }
let coef = ${clip};
let lr = bitcast<f32>(u.lr);
${strideLoop(`${P}u`)} {
    var g = grads[i] * coef;
    var p = params[i];
    ${update}
}` };
}
