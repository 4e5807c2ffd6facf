// `rnnc train --backend cpu`: the same data and schedule on the float64 CPU reference, for checking a
// WebGPU run on tiny data (it is orders of magnitude slower). The reference trainer takes all steps in
// one call, so this prints one line at the end rather than a progress bar.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckedModel } from '../../compiler/check/model.ts';
import { writeSafetensors } from '../../runtime/safetensors.ts';
import { toF32, type Tensor } from '../../runtime/tensor.ts';
import { compileModel } from '../../compiler/pipeline.ts';
import { evaluate, initModelParams, trainSteps } from '../reference/index.ts';
import { chunk, makeBatch, type Batch } from '../data/batch.ts';
import { addMetric, metricValue } from '../data/metrics.ts';
import { formatDuration, formatMetric } from '../data/progress.ts';
import type { PreparedData } from '../data/prepare.ts';
import { makeRng, shuffled } from '../data/random.ts';
import type { MetricSpec } from '../data/spec.ts';
import { CliError, type CliIo } from './command.ts';

const asTensors = (b: Batch): Map<string, Tensor> =>
  new Map(Object.entries(b).map(([k, v]) => [k, { dtype: v.data instanceof Int32Array ? 'i32' : 'f32', shape: v.shape, data: v.data } as Tensor]));

const MAX_CPU_STEPS = 100_000;

/** The float64 reference holds every step's batch at once: bound the run rather than the heap. */
export function checkCpuSteps(epochs: number, examples: number, batchSize: number): void {
  const steps = epochs * Math.ceil(examples / batchSize);
  if (steps > MAX_CPU_STEPS) throw new CliError(`--backend cpu runs at most ${MAX_CPU_STEPS} steps (the float64 reference); ${epochs} epochs are ${steps}: train on webgpu`);
}

export function trainOnCpu(model: CheckedModel, data: PreparedData, o: { epochs: number; out: string; metric?: MetricSpec; io: CliIo; writeModel: () => void }): number {
  const t0 = performance.now();
  const bundle = compileModel(model);
  const training = model.training!;
  const batches: Map<string, Tensor>[] = [];
  for (let e = 0; e < o.epochs; e++) {
    for (const part of chunk(shuffled(data.train, makeRng(training.seed * 7919 + e)), training.batchSize)) {
      batches.push(asTensors(makeBatch(bundle, part, data.names)));
    }
  }
  const r = trainSteps(model, initModelParams(model, training.seed), batches, batches.length, { totalSteps: batches.length });
  let lossSum = 0;
  const acc = { sum: 0, count: 0 };
  for (const part of chunk(data.heldOut, training.batchSize)) {
    const b = makeBatch(bundle, part, data.names);
    const ev = evaluate(model, r.params, asTensors(b));
    lossSum += (ev.loss ?? NaN) * part.length;
    const out = o.metric ? ev.outputs.get(o.metric.output) : undefined;
    if (o.metric && out) {
      const values = out.data instanceof Int32Array ? out.data : Float32Array.from(out.data);
      addMetric(acc, o.metric, { data: values, shape: out.shape }, b, data.state.stats[o.metric.target]);
    }
  }
  o.writeModel();
  writeFileSync(join(o.out, 'weights.safetensors'), writeSafetensors([...r.params].map(([k, t]) => [k, toF32(t)])));
  const n = data.heldOut.length;
  const heldOut = n === 0 ? 'no held-out examples (split.heldOut)'
    : `held-out loss ${(lossSum / n).toFixed(4)} ${formatMetric(o.metric, o.metric ? metricValue(acc) : null)} (${n} examples)`;
  o.io.out(`cpu: ${batches.length} steps, last train loss ${r.losses.at(-1)?.toFixed(4)}, ${heldOut}; trained in ${formatDuration((performance.now() - t0) / 1000)}`);
  return 0;
}
