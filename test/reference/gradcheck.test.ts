// Finite-difference check of every construct's hand-written backward (see gradcheck.ts for the error
// definition). Prints the largest error per construct at the end.
import { afterAll, describe, expect, it } from 'vitest';
import { attentionCases } from './cases-attention.ts';
import { basicCases } from './cases-basic.ts';
import { lossCases } from './cases-loss.ts';
import { recurrentCases } from './cases-recurrent.ts';
import type { GradCase } from './cases.ts';
import { errorTable, gradCheck, printTable, record } from './gradcheck.ts';

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

afterAll(() => {
  if (errorTable.size > 0) printTable('Largest finite-difference error per construct (central differences, h = 1e-5, float64):');
});
