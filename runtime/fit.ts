// fit(): trainStep over every batch of every epoch. The data is re-read each epoch: an array or other
// re-iterable, or a function that returns a fresh (async) iterable per epoch.
import { InputError } from './errors.ts';
import type { Inputs } from './inputs.ts';
import type { Model } from './model.ts';

export type TrainData = Iterable<Inputs> | AsyncIterable<Inputs> | (() => Iterable<Inputs> | AsyncIterable<Inputs>);

export interface StepInfo { readonly step: number; readonly epoch: number; readonly loss: number; readonly lr: number }

export interface FitOptions {
  /** Default: the bundle's training.epochs. */
  readonly epochs?: number;
  /** Batches per epoch, for decaying lr schedules when it cannot be counted up front (default: data.length). */
  readonly stepsPerEpoch?: number;
  /** Called after every step; return false to stop. */
  readonly onStep?: (info: StepInfo) => void | boolean | Promise<void | boolean>;
  /** Save a checkpoint (kept as model.lastCheckpoint) every this many steps. */
  readonly checkpointEvery?: number;
}

export interface FitResult { readonly losses: number[]; readonly steps: number }

export async function fitModel(model: Model, data: TrainData, options: FitOptions): Promise<FitResult> {
  const epochs = options.epochs ?? model.bundle.training?.epochs ?? 1;
  if (!Number.isSafeInteger(epochs) || epochs < 1) throw new InputError(`fit: epochs must be a positive integer, got ${epochs}`);
  const perEpoch = options.stepsPerEpoch ?? (Array.isArray(data) ? data.length : undefined);
  if (model.totalSteps === null && perEpoch !== undefined) model.totalSteps = model.step + epochs * perEpoch;
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const source = typeof data === 'function' ? data() : data;
    let batches = 0;
    for await (const batch of source as AsyncIterable<Inputs>) {
      batches++;
      const loss = await model.trainStep(batch);
      losses.push(loss);
      const info = { step: model.step, epoch, loss, lr: model.lastLr };
      if (options.checkpointEvery && model.step % options.checkpointEvery === 0) await model.saveCheckpoint();
      if ((await options.onStep?.(info)) === false) return { losses, steps: losses.length };
    }
    if (batches === 0) {
      throw new InputError(`fit: epoch ${epoch + 1} has no batches${epoch > 0 ? ' (a one-shot iterator? pass an array or a function returning a fresh iterable per epoch)' : ''}`);
    }
  }
  return { losses, steps: losses.length };
}
