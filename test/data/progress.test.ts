import { describe, expect, it } from 'vitest';
import { epochLine, formatDuration, progressBar } from '../../src/data/progress.ts';

describe('training progress text', () => {
  it('draws a bar with step, loss, examples/s and ETA', () => {
    expect(progressBar({ epoch: 1, step: 12, steps: 24, loss: 0.51234, examplesPerSecond: 88.04, etaSeconds: 75 }, 4, 10))
      .toBe('epoch 2/4 [====>     ] 12/24 loss 0.5123 88.0 ex/s ETA 1m15s');
  });
  it('writes one line per epoch with the held-out metric, starred when best', () => {
    const r = { epoch: 0, steps: 24, trainLoss: 1.2, heldOut: { loss: 0.8, metric: 0.912, examples: 256 }, seconds: 9.6, examplesPerSecond: 80, best: true };
    expect(epochLine(r, 4, { kind: 'accuracy', output: 'probs', target: 'y' }))
      .toBe('epoch 1/4: 24 steps, train loss 1.2000, held-out loss 0.8000 accuracy 91.2%, 80.0 ex/s, 10s *');
    expect(formatDuration(3725)).toBe('1h02m');
  });
});
