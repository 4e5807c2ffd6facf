// Epochs of training with held-out evaluation and early stopping, over the public runtime API only, so
// `rnnc train` (Node) and the web demo (browser) run the same loop. Each epoch shuffles the training
// examples with (seed, epoch), takes batches of the bundle's batch size, and after the last step
// evaluates the held-out split: the loss (the gradients program: forward + backward, no update, dropout
// off) and the mapping's metric.
import type { Bundle, ProgramName } from '../../runtime/bundle.ts';
import type { Model } from '../../runtime/model.ts';
import { chunk, makeBatch, type Batch } from './batch.ts';
import type { EncodedExample } from './encode.ts';
import { addMetric, metricValue, type MetricSum } from './metrics.ts';
import type { ZScore } from './normalize.ts';
import { makeRng, shuffled } from './random.ts';
import type { MetricSpec } from './spec.ts';

export interface StepReport {
  readonly epoch: number; readonly step: number; readonly steps: number; readonly loss: number;
  readonly examplesPerSecond: number; readonly etaSeconds: number;
}
export interface Evaluation { readonly loss: number; readonly metric: number | null; readonly examples: number }
export interface EpochReport {
  readonly epoch: number; readonly steps: number; readonly trainLoss: number; readonly heldOut: Evaluation | null;
  readonly seconds: number; readonly examplesPerSecond: number; readonly best: boolean;
}

export interface TrainLoopOptions {
  readonly epochs: number;
  /** Epochs already done (a resumed run): numbering and shuffles continue from here. */
  readonly startEpoch?: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Stop after this many epochs without a better held-out loss. */
  readonly patience?: number;
  /** Best held-out loss of the epochs before startEpoch (a resumed run). */
  readonly bestLoss?: number;
  readonly metric?: MetricSpec;
  readonly targetStats?: ZScore;
  readonly onStep?: (r: StepReport) => void;
  /** After each epoch; when `best`, save the weights now. Return false to stop. */
  readonly onEpoch?: (r: EpochReport) => void | boolean | Promise<void | boolean>;
  /** Polled between steps (the web demo's stop button). */
  readonly shouldStop?: () => boolean;
}

export interface TrainLoopResult { readonly epochs: EpochReport[]; readonly stoppedEarly: boolean; readonly bestEpoch: number }

export async function trainEpochs(model: Model, train: readonly EncodedExample[], heldOut: readonly EncodedExample[],
  names: readonly string[], o: TrainLoopOptions): Promise<TrainLoopResult> {
  const bundle = model.bundle;
  const start = o.startEpoch ?? 0;
  const stepsPerEpoch = Math.ceil(train.length / o.batchSize);
  model.totalSteps ??= model.step + (o.epochs - start) * stepsPerEpoch;
  const reports: EpochReport[] = [];
  let best = o.bestLoss ?? Infinity, bestEpoch = -1, since = 0;
  for (let epoch = start; epoch < o.epochs; epoch++) {
    const t0 = now();
    const batches = chunk(shuffled(train, makeRng(o.seed * 7919 + epoch)), o.batchSize);
    let lossSum = 0, seen = 0;
    for (const [i, examples] of batches.entries()) {
      if (o.shouldStop?.()) return { epochs: reports, stoppedEarly: true, bestEpoch };
      const loss = await model.trainStep(makeBatch(bundle, examples, names));
      if (!Number.isFinite(loss)) throw new Error(`the training loss is ${loss} at epoch ${epoch + 1}, step ${i + 1}: lower the learning rate or check the data`);
      lossSum += loss * examples.length;
      seen += examples.length;
      const rate = seen / Math.max(1e-9, (now() - t0) / 1000);
      o.onStep?.({ epoch, step: i + 1, steps: batches.length, loss, examplesPerSecond: rate, etaSeconds: (train.length - seen) / rate });
    }
    const heldOutEval = heldOut.length > 0 ? await evaluateExamples(model, heldOut, names, o.batchSize, o.metric, o.targetStats) : null;
    const score = heldOutEval?.loss ?? lossSum / seen;
    const improved = score < best;
    if (improved) { best = score; bestEpoch = epoch; since = 0; } else since++;
    const seconds = (now() - t0) / 1000;
    const report = { epoch, steps: batches.length, trainLoss: lossSum / seen, heldOut: heldOutEval, seconds, examplesPerSecond: seen / seconds, best: improved };
    reports.push(report);
    if ((await o.onEpoch?.(report)) === false) return { epochs: reports, stoppedEarly: true, bestEpoch };
    if (o.patience !== undefined && since >= o.patience) return { epochs: reports, stoppedEarly: true, bestEpoch };
  }
  return { epochs: reports, stoppedEarly: false, bestEpoch };
}

/**
 * The programs trainEpochs runs on `bundle`: train_step and, for the held-out split (evaluateExamples),
 * gradients (loss and the outputs it reads), and infer only where gradients is missing or does not read the
 * metric's output. Loading just these (LoadOptions.programs) leaves the inference and stream kernels
 * uncompiled: on SwiftShader the vibration model's two forward-only recurrences are about 2 s of its load.
 */
export function trainingPrograms(bundle: Bundle, metric?: MetricSpec): ProgramName[] {
  const gradients = lossFromGradients(bundle) ? bundle.programs.gradients! : undefined;
  const metricTensor = metric && bundle.outputs.find((o) => o.name === metric.output)?.tensor;
  const needsInfer = metric !== undefined && (gradients === undefined || metricTensor === undefined || !gradients.reads.includes(metricTensor));
  return ['train_step', ...(gradients ? ['gradients' as const] : []), ...(needsInfer ? ['infer' as const] : [])];
}

/** Whether evaluateExamples takes the held-out loss (and the outputs) from the gradients program. */
const lossFromGradients = (bundle: Bundle): boolean => bundle.loss !== null && bundle.programs.gradients !== undefined;

/** Loss (mean over examples) and metric of a set of examples at the current weights. */
export async function evaluateExamples(model: Model, examples: readonly EncodedExample[], names: readonly string[], batchSize: number,
  metric?: MetricSpec, targetStats?: ZScore): Promise<Evaluation> {
  let lossSum = 0, n = 0;
  const acc: MetricSum = { sum: 0, count: 0 };
  const hasLoss = lossFromGradients(model.bundle);
  for (const part of chunk(examples, batchSize)) {
    const batch = makeBatch(model.bundle, part, names);
    let outputs: Record<string, { data: Float32Array | Int32Array; shape: readonly number[] }> = {};
    if (hasLoss) {
      const g = await model.gradients(batch);
      lossSum += g.loss * part.length;
      outputs = g.outputs;
    }
    n += part.length;
    if (metric) {
      const out = outputs[metric.output] ?? (await model.run(inferInputs(model, batch), { outputs: [metric.output] }))[metric.output];
      if (!out) throw new Error(`metric: the model has no output '${metric.output}'`);
      addMetric(acc, metric, out, batch, targetStats);
    }
  }
  return { loss: hasLoss ? lossSum / n : NaN, metric: metric ? metricValue(acc) : null, examples: n };
}

/** The subset of a batch that `infer` reads. */
export function inferInputs(model: Model, batch: Batch): Batch {
  const out: Batch = {};
  for (const i of model.bundle.inputs) if (i.programs.includes('infer') && batch[i.name]) out[i.name] = batch[i.name]!;
  return out;
}

const now = (): number => globalThis.performance.now();
