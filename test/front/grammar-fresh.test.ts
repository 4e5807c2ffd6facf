// grammar/rnn-grammar.generated.ts must embed the current grammar/rnn.ohm
// (regenerate with `node scripts/gen-grammar.mjs`).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { rnnGrammarSource } from '../../grammar/rnn-grammar.generated.ts';

it('the generated grammar module is up to date with grammar/rnn.ohm', () => {
  expect(rnnGrammarSource, 'stale: run node scripts/gen-grammar.mjs').toBe(readFileSync('grammar/rnn.ohm', 'utf8'));
});
