// A few training steps end to end, so back ends can be compared after updates, not just one gradient.
// Step s (from 0) uses batches[s mod n], forward in training mode with dropout seed = training.seed and
// dropout step = s, then global-norm clipping, then the scheduled learning rate, then the optimizer.
import type { CheckedModel } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { gradients } from './backward.ts';
import { clipGlobalNorm, newOptimizerState, optimizerStep } from './optimizer.ts';
import { learningRate } from './schedule.ts';
import { ften, type FTensor } from './tensor.ts';

export interface TrainResult {
  readonly params: Map<string, FTensor>;
  /** Loss of each step, before its update. */
  readonly losses: number[];
  /** Learning rate each step used. */
  readonly learningRates: number[];
  /** Global gradient norm of each step, before clipping. */
  readonly gradNorms: number[];
}

export function trainSteps(model: CheckedModel, params: ReadonlyMap<string, Tensor>, batches: readonly ReadonlyMap<string, Tensor>[],
  n: number, opts: { readonly dims?: Readonly<Record<string, number>>; readonly totalSteps?: number } = {}): TrainResult {
  const training = model.training;
  if (!training) throw new Error(`model ${model.name} declares no training: nothing to optimise`);
  if (batches.length === 0) throw new Error('trainSteps: no batches');
  const theta = new Map<string, Float64Array>();
  for (const p of model.params) {
    const t = params.get(p.name);
    if (!t) throw new Error(`missing weight ${p.name} (expected shape [${p.shape.join(', ')}])`);
    theta.set(p.name, Float64Array.from(t.data));
  }
  const totalSteps = opts.totalSteps ?? training.epochs * batches.length;
  const state = newOptimizerState();
  const result: TrainResult = { params: new Map(), losses: [], learningRates: [], gradNorms: [] };
  for (let s = 0; s < n; s++) {
    const current = new Map(model.params.map((p) => [p.name, ften(p.shape, theta.get(p.name)!)]));
    const g = gradients(model, current, batches[s % batches.length]!, { training: true, seed: training.seed, step: s, dims: opts.dims });
    const grads = new Map([...g.params].map(([name, t]) => [name, Float64Array.from(t.data)]));
    result.losses.push(g.evaluation.loss ?? NaN);
    let sq = 0;
    for (const v of grads.values()) for (const x of v) sq += x * x;
    result.gradNorms.push(Math.sqrt(sq));
    if (training.clipNorm !== undefined) clipGlobalNorm(grads, training.clipNorm);
    const lr = learningRate(training.schedule, training.optimizer.lr, s, totalSteps);
    result.learningRates.push(lr);
    optimizerStep(training.optimizer, training.weightDecay, lr, theta, grads, state);
  }
  for (const p of model.params) result.params.set(p.name, ften(p.shape, theta.get(p.name)!));
  return result;
}
