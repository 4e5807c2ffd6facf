// The learning rate at a step (model.ts Schedule), step counted from 0:
//   step < warmup: lr·(step+1)/warmup
//   then, with s = min(step − warmup, S), S = max(1, totalSteps − warmup):
//     constant: lr;  cosine: minLr + (lr − minLr)·(1 + cos(π·s/S))/2;  linear: lr + (minLr − lr)·s/S
import type { Schedule } from '../../compiler/check/model.ts';

export function learningRate(schedule: Schedule, lr: number, step: number, totalSteps: number): number {
  const { warmup, minLr } = schedule;
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const S = Math.max(1, (schedule.totalSteps ?? totalSteps) - warmup);
  const s = Math.min(step - warmup, S);
  switch (schedule.kind) {
    case 'constant': return lr;
    case 'cosine': return minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * s) / S))) / 2;
    case 'linear': return lr + ((minLr - lr) * s) / S;
  }
}
