// The training block of a checked model, as the bundle records it.
import type { Training } from '../check/model.ts';
import type { BundleTraining } from '../../runtime/bundle.ts';

export function trainingSettings(t: Training): BundleTraining {
  const o = t.optimizer;
  const sgd = o.kind === 'sgd';
  return {
    optimizer: o.kind, lr: o.lr,
    momentum: sgd ? o.momentum : 0, nesterov: sgd ? o.nesterov : false,
    beta1: sgd ? 0.9 : o.beta1, beta2: sgd ? 0.999 : o.beta2, eps: sgd ? 1e-8 : o.eps,
    weightDecay: t.weightDecay, clipNorm: t.clipNorm ?? null,
    schedule: { kind: t.schedule.kind, warmup: t.schedule.warmup, minLr: t.schedule.minLr, totalSteps: t.schedule.totalSteps ?? null },
    batchSize: t.batchSize, epochs: t.epochs, seed: t.seed,
    stateSlots: sgd ? (o.momentum ? 1 : 0) : 2,
  };
}
