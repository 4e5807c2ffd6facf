// Page side: rnnc bundles (compiled in Node) loaded by the runtime on the harness's device. Inference
// is model.run (inputs uploaded, probabilities read back); a training step is model.trainStep (forward,
// backward, gradient norm, Adam update, loss read back); streaming is model.stream().step at batch 1.
import { loadModel, type Model } from '../../runtime/index.ts';
import type { BenchModel } from './models.ts';
import { inputShape } from './models.ts';
import { benchData } from './data.ts';
import { delta, snapshot, type Counts } from './gpu-counters.ts';
import { profileKernels } from './profile.ts';
import type { KernelTime } from './report.ts';

export interface RnncModel {
  predict(): Promise<void>;
  train(): Promise<number>;
  dispose(): void;
  readonly model: Model;
}

export async function buildRnncModel(m: BenchModel, bundle: unknown, device: GPUDevice): Promise<RnncModel> {
  const model = await loadModel(bundle, { device });
  const d = benchData(m);
  const x = { data: d.x, shape: inputShape(m) };
  const label = { data: d.labels, shape: [m.batch] };
  return {
    model,
    async predict() {
      await model.run({ x }, { outputs: ['probs'] });
    },
    train: () => model.trainStep({ x, label }),
    dispose: () => model.dispose(),
  };
}

export interface StreamResult {
  /** Wall time of each step (host call to outputs read back), ms. */
  readonly stepMs: number[];
  /** What the steps after the first asked of WebGPU, per step (the first may build nothing either). */
  readonly perStep: Counts;
  readonly firstStep: Counts;
  readonly submitsPerStep: number;
  readonly steps: number;
  /** Kernel time of one more step, its dispatches replayed alone (the rest of a step is submit and readback). */
  readonly kernelMs: number;
  readonly kernels: KernelTime[];
}

/** `steps` stream steps of one time step each at batch 1 (the bundle must be compiled with a stream_step). */
export async function streamSteps(m: BenchModel, bundle: unknown, device: GPUDevice, steps: number): Promise<StreamResult> {
  const model = await loadModel(bundle, { device });
  try {
    const one = { ...m, batch: 1, time: steps };
    const d = benchData(one);
    const stream = model.stream();
    const stepMs: number[] = [];
    let first: Counts | null = null;
    const submits0 = model.submits;
    let rest = snapshot();
    for (let t = 0; t < steps; t++) {
      const xt = d.x.subarray(t * m.features, (t + 1) * m.features);
      const c0 = snapshot();
      const t0 = performance.now();
      await stream.step({ x: { data: xt, shape: [1, 1, m.features] } }, { dims: { batch: 1 } });
      stepMs.push(performance.now() - t0);
      if (t === 0) { first = delta(c0); rest = snapshot(); }
    }
    const all = delta(rest);
    const n = Math.max(1, steps - 1);
    const submits = (model.submits - submits0) / steps;
    const x0 = { data: d.x.subarray(0, m.features), shape: [1, 1, m.features] };
    const kernels = await profileKernels(device, () => stream.step({ x: x0 }, { dims: { batch: 1 } }));
    return {
      stepMs, firstStep: first!, steps, submitsPerStep: submits, kernelMs: kernels.reduce((a, k) => a + k.ms, 0), kernels,
      perStep: { dispatches: all.dispatches / n, submits: all.submits / n, pipelines: all.pipelines / n, bindGroups: all.bindGroups / n },
    };
  } finally {
    model.dispose();
  }
}
