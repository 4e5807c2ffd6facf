// Finite-difference check of every construct's hand-written backward (see gradcheck.ts for the error
// definition). Prints the largest error per construct at the end.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/front.ts';
import { initModelParams, randomInputs } from '../../src/reference/index.ts';
import { attentionCases } from './cases-attention.ts';
import { basicCases } from './cases-basic.ts';
import { lossCases } from './cases-loss.ts';
import { recurrentCases } from './cases-recurrent.ts';
import type { GradCase } from './cases.ts';
import { errorTable, gradCheck, printTable, record, sampledGradCheck } from './gradcheck.ts';

const TOLERANCE = 1e-6;

function check(c: GradCase): void {
  const r = gradCheck(c.model(), { ...c.opts, dims: c.dims });
  record(c.construct, r);
  const worst = [...r.errors].sort((a, b) => b[1] - a[1])[0];
  expect(r.maxError, `worst: ${worst?.[0]} ${worst?.[1]}`).toBeLessThan(TOLERANCE);
}

const groups: [string, GradCase[]][] = [
  ['basic constructs', basicCases], ['losses', lossCases], ['recurrent and conv_lstm', recurrentCases], ['attention', attentionCases],
];
for (const [title, cases] of groups) {
  describe(`gradient check: ${title}`, () => {
    it.each(cases.map((c) => [c.construct, c] as const))('%s', (_, c) => check(c));
  });
}

// The checker's real models (examples/*.rnn), all dims 2, declared initialisers, training mode (dropout on):
// the loss at sampled coordinates of every parameter and float input.
const examples = new URL('../../examples/', import.meta.url);
const exampleModels = readdirSync(examples).filter((f) => f.endsWith('.rnn')).sort()
  .flatMap((file) => checkSource(readFileSync(new URL(file, examples), 'utf8'), file).file?.models.map((m) => [file, m] as const) ?? []);
describe('gradient check: example models (sampled coordinates of the loss)', () => {
  it.each(exampleModels.filter(([, m]) => m.loss !== undefined))('%s', (file, m) => {
    const dims = Object.fromEntries(m.dims.map((d) => [d, 2]));
    const { inputs } = randomInputs(m, 1, dims);
    // Convolutional examples cost ~50–100 ms a forward pass: only their largest-gradient coordinates.
    const cheap = m.nodes.some((n) => n.op === 'conv2d' || n.op === 'conv_lstm');
    const r = sampledGradCheck(m, initModelParams(m, 1), inputs, { training: true, dims, cheap });
    record(`example ${file} (${m.name}), sampled`, r);
    const worst = [...r.errors].sort((a, b) => b[1] - a[1])[0];
    expect(r.maxError, `worst: ${worst?.[0]} ${worst?.[1]}`).toBeLessThan(TOLERANCE);
  });
});

afterAll(() => {
  if (errorTable.size > 0) printTable('Largest finite-difference error per construct (central differences, h = 1e-5, float64):');
});
