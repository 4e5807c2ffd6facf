// Which programs `rnnc train` loads (src/data/train-loop.ts trainingPrograms): what trainEpochs and
// evaluateExamples run, so that the inference and stream kernels are not compiled for training.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/front.ts';
import { compileModel } from '../../compiler/pipeline.ts';
import type { Bundle } from '../../runtime/bundle.ts';
import { programKernels } from '../../runtime/load.ts';
import { trainingPrograms } from '../../src/data/train-loop.ts';
import type { MetricSpec } from '../../src/data/spec.ts';

const vibration = (): Bundle => {
  const checked = checkSource(readFileSync('examples/vibration.rnn', 'utf8'), 'examples/vibration.rnn');
  return compileModel(checked.file!.models[0]!);
};
const accuracy = (output: string): MetricSpec => ({ kind: 'accuracy', output, target: 'fault' });

describe('trainingPrograms', () => {
  const bundle = vibration();

  it('takes the held-out loss and metric from gradients, which reads every output, so infer is left out', () => {
    expect(bundle.programs.gradients!.reads).toContain('probs');
    expect(trainingPrograms(bundle, accuracy('probs'))).toEqual(['train_step', 'gradients']);
    expect(trainingPrograms(bundle)).toEqual(['train_step', 'gradients']);
    // What is left out is real work: the forward-only recurrences only infer dispatches.
    const training = programKernels(bundle, trainingPrograms(bundle, accuracy('probs')));
    const onlyInfer = [...programKernels(bundle, ['infer'])].filter((k) => !training.has(k));
    expect(onlyInfer.map((k) => bundle.kernels[k]!.name).filter((n) => n.includes('recurrence')).length).toBe(2);
  });

  it('adds infer where evaluateExamples would call it: a metric output gradients does not read, an unknown output, no loss', () => {
    const noProbs = { ...bundle, programs: { ...bundle.programs, gradients: { ...bundle.programs.gradients!, reads: ['logits', 'loss'] } } } as Bundle;
    expect(trainingPrograms(noProbs, accuracy('probs'))).toEqual(['train_step', 'gradients', 'infer']);
    expect(trainingPrograms(bundle, accuracy('nope'))).toEqual(['train_step', 'gradients', 'infer']);
    const noLoss = { ...bundle, loss: null } as unknown as Bundle;
    expect(trainingPrograms(noLoss, accuracy('probs'))).toEqual(['train_step', 'infer']);
    expect(trainingPrograms(noLoss)).toEqual(['train_step']);
  });
});
