// The learning rate at a step, as compiler/check/model.ts (`Schedule`) defines it: linear warmup
// lr·(step+1)/warmup for step < warmup, then constant, cosine or linear decay to minLr over totalSteps.
import type { BundleTraining } from './bundle.ts';
import { InputError } from './errors.ts';

/**
 * `step` counts from 0. `totalSteps` is the schedule's own when the bundle has one, else the caller's
 * (fit() knows epochs × batches per epoch); decaying schedules need one of them.
 */
export function learningRate(training: BundleTraining, step: number, totalSteps?: number | null): number {
  const { lr } = training;
  const { kind, warmup, minLr } = training.schedule;
  if (step < warmup) return (lr * (step + 1)) / warmup;
  if (kind === 'constant') return lr;
  const total = training.schedule.totalSteps ?? totalSteps;
  if (total === null || total === undefined) {
    throw new InputError(`the '${kind}' lr schedule needs totalSteps: pass fit(data, { stepsPerEpoch }) or set model.totalSteps`);
  }
  const S = Math.max(1, total - warmup);
  const s = Math.min(step - warmup, S);
  return kind === 'cosine' ? minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * s) / S))) / 2 : lr + ((minLr - lr) * s) / S;
}
