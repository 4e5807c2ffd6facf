import { describe, expect, it } from 'vitest';
import type { BundleTraining } from '../../runtime/bundle.ts';
import { InputError } from '../../runtime/errors.ts';
import { learningRate } from '../../runtime/lr-schedule.ts';
import { tinyBundle } from './fixtures/tiny-bundle.ts';

const training = (kind: 'constant' | 'cosine' | 'linear', warmup: number, totalSteps: number | null): BundleTraining =>
  ({ ...tinyBundle().training!, lr: 0.1, schedule: { kind, warmup, minLr: 0.01, totalSteps } });

describe('learningRate (hand-computed: lr 0.1, minLr 0.01, warmup 10, totalSteps 110)', () => {
  it.each([
    // step, constant, cosine, linear
    [0, 0.01, 0.01, 0.01],            // warmup: lr·(step+1)/warmup
    [4, 0.05, 0.05, 0.05],
    [9, 0.1, 0.1, 0.1],
    [10, 0.1, 0.1, 0.1],              // s = 0
    [35, 0.1, 0.01 + 0.09 * (1 + Math.SQRT1_2) / 2, 0.0775],   // s = 25 of S = 100: cos(π/4)
    [60, 0.1, 0.055, 0.055],          // s = 50: cos(π/2) = 0
    [110, 0.1, 0.01, 0.01],           // s = S
    [500, 0.1, 0.01, 0.01],           // clamped at S
  ])('step %i', (step, constant, cosine, linear) => {
    expect(learningRate(training('constant', 10, 110), step)).toBeCloseTo(constant, 12);
    expect(learningRate(training('cosine', 10, 110), step)).toBeCloseTo(cosine, 12);
    expect(learningRate(training('linear', 10, 110), step)).toBeCloseTo(linear, 12);
  });

  it('takes totalSteps from the caller when the bundle has none, and needs one for decay', () => {
    expect(learningRate(training('linear', 0, null), 50, 100)).toBeCloseTo(0.055, 12);
    expect(learningRate(training('constant', 0, null), 50)).toBe(0.1);
    expect(() => learningRate(training('cosine', 0, null), 5)).toThrow(InputError);
    expect(learningRate(training('cosine', 0, null), 0, 100)).toBeCloseTo(0.1, 12);
  });

  it('uses S = max(1, totalSteps − warmup)', () => {
    expect(learningRate(training('cosine', 10, 5), 12)).toBeCloseTo(0.01, 12);
    expect(learningRate(training('linear', 10, 10), 10)).toBeCloseTo(0.1, 12);
  });
});
