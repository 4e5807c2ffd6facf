// Optimizers on f(θ) = ½θ² (so ∇f = θ), schedules at chosen steps, clipping, and trainSteps end to end.
import { describe, expect, it } from 'vitest';
import type { Optimizer, Schedule, Training } from '../../compiler/check/model.ts';
import { clipGlobalNorm, gradients, learningRate, newOptimizerState, optimizerStep, trainSteps } from '../../src/reference/index.ts';
import { ModelBuilder } from './builder.ts';
import { expectClose, f, paramsOf } from './helpers.ts';

/** n steps on ½θ² from θ0, returning θ after each step. */
function descend(opt: Optimizer, wd: number, theta0: number[], n: number): number[][] {
  const theta = Float64Array.from(theta0);
  const params = new Map([['p', theta]]);
  const state = newOptimizerState();
  const trace: number[][] = [];
  for (let s = 0; s < n; s++) {
    optimizerStep(opt, wd, opt.lr, params, new Map([['p', Float64Array.from(theta)]]), state);
    trace.push(Array.from(theta));
  }
  return trace;
}

const sgd = (momentum: number, nesterov = false): Optimizer => ({ kind: 'sgd', lr: 0.1, momentum, nesterov });
const adam = (kind: 'adam' | 'adamw'): Optimizer => ({ kind, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });

describe('optimizers (PyTorch semantics)', () => {
  it('sgd, plain and with weight decay', () => {
    // θ ← θ − lr·θ: 1 → .9 → .81;  with wd .1: θ ← θ − .1·(θ + .1θ) = .89θ
    expectClose(descend(sgd(0), 0, [1], 2).flat(), [0.9, 0.81], 1e-15);
    expectClose(descend(sgd(0), 0.1, [1, -2], 1).flat(), [0.89, -1.78], 1e-15);
  });

  it('sgd with momentum .9 (buf = g on the first step)', () => {
    // s1: buf = 1, θ = 1 − .1 = .9;  s2: g = .9, buf = .9·1 + .9 = 1.8, θ = .9 − .18 = .72
    // s3: g = .72, buf = .9·1.8 + .72 = 2.34, θ = .72 − .234 = .486
    expectClose(descend(sgd(0.9), 0, [1], 3).flat(), [0.9, 0.72, 0.486], 1e-15);
  });

  it('sgd with nesterov momentum', () => {
    // s1: buf = 1, d = g + .9·buf = 1.9, θ = 1 − .19 = .81
    // s2: g = .81, buf = .9 + .81 = 1.71, d = .81 + .9·1.71 = 2.349, θ = .81 − .2349 = .5751
    expectClose(descend(sgd(0.9, true), 0, [1], 2).flat(), [0.81, 0.5751], 1e-15);
  });

  it('adam', () => {
    // s1: g = 1, m = .1, v = .001, m̂ = 1, v̂ = 1: θ = 1 − .1·1/(1 + 1e−8) = .900000001
    // s2: g = θ1, m = .09 + .1·θ1, v = .000999 + .001·θ1², m̂ = m/.19, v̂ = v/.001999: θ = .8004122297123382
    expectClose(descend(adam('adam'), 0, [1], 2).flat(), [0.900000001, 0.8004122297123382], 1e-15);
    // The first step is (nearly) scale-free: from −2, g = −2, m̂ = −2, v̂ = 4: θ = −2 + .1·2/(2 + 1e−8) = −1.9000000005
    expectClose(descend(adam('adam'), 0, [-2], 1).flat(), [-1.9000000005], 1e-15);
  });

  it('adam adds L2 to the gradient; adamw decays the weights directly', () => {
    // adam, wd .1, θ = 1: g = 1 + .1 = 1.1, m̂ = 1.1, v̂ = 1.21: θ = 1 − .1·1.1/(1.1 + 1e−8)
    expectClose(descend(adam('adam'), 0.1, [1], 1).flat(), [1 - (0.1 * 1.1) / (1.1 + 1e-8)], 1e-15);
    // adamw, wd .1: θ ← θ·(1 − .1·.1) = .99, then the plain Adam step with g = 1: .99 − .1/(1 + 1e−8)
    expectClose(descend(adam('adamw'), 0.1, [1], 1).flat(), [0.99 - 0.1 / (1 + 1e-8)], 1e-15);
  });

  it('global-norm clipping (clip_grad_norm_)', () => {
    // ‖(3, 4), (0)‖ = 5; clip 1: scale by 1/(5 + 1e−6)
    const g = new Map([['a', Float64Array.of(3, 4)], ['b', Float64Array.of(0)]]);
    expect(clipGlobalNorm(g, 1)).toBe(5);
    expectClose(Array.from(g.get('a')!), [3 / (5 + 1e-6), 4 / (5 + 1e-6)], 1e-16);
    const small = new Map([['a', Float64Array.of(0.3, 0.4)]]);
    clipGlobalNorm(small, 1);
    expect(Array.from(small.get('a')!)).toEqual([0.3, 0.4]);
  });
});

describe('schedules', () => {
  // lr = 1, minLr = .1, warmup 2, totalSteps 10 → S = 8
  const at = (kind: Schedule['kind'], step: number): number => learningRate({ kind, warmup: 2, minLr: 0.1 }, 1, step, 10);
  it('warmup is linear in (step + 1)/warmup', () => {
    for (const kind of ['constant', 'cosine', 'linear'] as const) expect([at(kind, 0), at(kind, 1)]).toEqual([0.5, 1]);
  });
  it('constant, cosine and linear after warmup, clamped at the end', () => {
    expect(at('constant', 7)).toBe(1);
    // cosine: s = step − 2; .1 + .9·(1 + cos(π·s/8))/2: s = 0 → 1, s = 4 → .55, s = 8 → .1, beyond → .1
    expectClose([at('cosine', 2), at('cosine', 6), at('cosine', 10), at('cosine', 50)], [1, 0.55, 0.1, 0.1], 1e-15);
    // linear: 1 + (.1 − 1)·s/8: s = 4 → .55, s = 8 → .1
    expectClose([at('linear', 2), at('linear', 6), at('linear', 10), at('linear', 50)], [1, 0.55, 0.1, 0.1], 1e-15);
    // schedule.totalSteps overrides the default; S = max(1, total − warmup)
    expect(learningRate({ kind: 'linear', warmup: 0, minLr: 0, totalSteps: 4 }, 1, 2, 100)).toBe(0.5);
    expect(learningRate({ kind: 'cosine', warmup: 3, minLr: 0 }, 1, 3, 2)).toBe(1);
  });
});

describe('trainSteps', () => {
  function model(t: Training) {
    const b = new ModelBuilder().param('fc.weight', [1, 2]).param('fc.bias', [1]).training(t);
    const x = b.input('x', 'f32', ['B', 2]);
    const y = b.input('y', 'f32', ['B', 1]);
    const h = b.f(['B', 2]);
    const p = b.f(['B', 1]);
    const l = b.f([]);
    return b.node({ op: 'dropout', p: 0.5, x, y: h }).node({ op: 'dense', layer: 'fc', units: 1, bias: true, x: h, y: p })
      .node({ op: 'loss', fn: 'mse', reduction: 'mean', pred: p, target: y, y: l }).output('loss', l).loss(l).build();
  }
  const training = (optimizer: Optimizer, extra: Partial<Training> = {}): Training => ({
    optimizer, schedule: { kind: 'constant', warmup: 0, minLr: 0 }, weightDecay: 0, batchSize: 2, epochs: 1, seed: 11, ...extra,
  });
  const batch = new Map(Object.entries({ x: f([2, 2], [1, 2, -1, 0.5]), y: f([2, 1], [1, -1]) }));

  it('one sgd step is θ − lr·∇L, with dropout drawn at (training.seed, step 0)', () => {
    const m = model(training(sgd(0)));
    const p0 = paramsOf(m, { 'fc.weight': [0.3, -0.2], 'fc.bias': [0.1] });
    const g = gradients(m, p0, batch, { training: true, seed: 11, step: 0 });
    const r = trainSteps(m, p0, [batch], 1);
    expect(r.losses[0]).toBe(g.evaluation.loss);
    for (const [name, t] of p0) {
      expectClose(Array.from(r.params.get(name)!.data), Array.from(t.data, (v, i) => v - 0.1 * g.params.get(name)!.data[i]!), 1e-15);
    }
  });

  it('adam with warmup, clipping and weight decay reduces the loss; lrs follow the schedule', () => {
    const m = model(training(adam('adamw'), { schedule: { kind: 'cosine', warmup: 3, minLr: 0.01 }, clipNorm: 0.5, weightDecay: 0.01, epochs: 40 }));
    const p0 = paramsOf(m, { 'fc.weight': [0.3, -0.2], 'fc.bias': [0.1] });
    const r = trainSteps(m, p0, [batch], 40);
    expectClose(r.learningRates.slice(0, 3), [0.1 / 3, 0.2 / 3, 0.1], 1e-15);
    const early = (r.losses[0]! + r.losses[1]!) / 2;
    const late = (r.losses[38]! + r.losses[39]!) / 2;
    expect(late).toBeLessThan(early);
  });
});
