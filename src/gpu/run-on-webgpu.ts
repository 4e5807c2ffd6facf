// `rnnc run --backend webgpu`: compile the checked model, load it on Dawn (Node's WebGPU), and run the
// gradients program (outputs, loss and gradients in one pass) or infer when the model has no loss.
import type { WebGpuRunRequest, WebGpuRunResult } from '../cli/run.ts';
import { compileModel } from '../../compiler/pipeline.ts';
import { loadModel } from '../../runtime/load.ts';
import type { Inputs } from '../../runtime/inputs.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { requestNodeDevice } from './node-webgpu.ts';

const f32 = (t: Tensor): Float32Array | Int32Array => (t.dtype === 'i32' ? (t.data as Int32Array) : Float32Array.from(t.data));

export async function runOnWebGpu(req: WebGpuRunRequest): Promise<WebGpuRunResult> {
  const { device } = await requestNodeDevice({ optionalFeatures: ['subgroups' as GPUFeatureName] });
  const bundle = compileModel(req.model, { subgroups: device.features.has('subgroups') });
  const model = await loadModel(bundle, { device, seed: req.seed });
  try {
    await model.setWeights(Object.fromEntries([...req.weights].map(([k, t]) => [k, Float32Array.from(t.data)])));
    const inputs: Inputs = Object.fromEntries([...req.inputs].map(([k, t]) => [k, { data: f32(t), shape: [...t.shape] }]));
    const dims = Object.fromEntries(req.dims);
    const asTensor = (o: { data: Float32Array | Int32Array; shape: readonly number[] }): Tensor =>
      ({ dtype: o.data instanceof Int32Array ? 'i32' : 'f32', shape: [...o.shape], data: o.data });
    if (!bundle.programs.gradients) {
      const out = await model.run(inputs, { dims });
      return { outputs: new Map(Object.entries(out).map(([k, v]) => [k, asTensor(v)])) };
    }
    const g = await model.gradients(inputs, { dims, training: req.training, step: req.step + 1 });
    const outputs = new Map(Object.entries(g.outputs).map(([k, v]) => [k, asTensor(v)]));
    if (!req.grads) return { outputs, loss: g.loss };
    const grads = new Map<string, Tensor>();
    for (const p of req.model.params) grads.set(p.name, { dtype: 'f32', shape: p.shape, data: g.params[p.name]! });
    for (const i of req.model.inputs) {
      const d = g.inputs[i.name];
      if (d) grads.set(i.name, { dtype: 'f32', shape: req.inputs.get(i.name)!.shape, data: d });
    }
    return { outputs, loss: g.loss, grads };
  } finally {
    model.dispose();
  }
}
