// Every ```rnn block of spec/language.md is a whole file that must check without diagnostics
// (ohm's documentation tests do the same), so the reference cannot drift from the checker.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { checkSource, formatDiagnostics } from '../../compiler/front.ts';

const spec = readFileSync('spec/language.md', 'utf8');
const blocks = [...spec.matchAll(/^```rnn\n([\s\S]*?)^```$/gm)].map((m) => ({
  text: m[1]!, line: spec.slice(0, m.index).split('\n').length + 1,
}));

it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(20));

it.each(blocks.map((b) => [b.line, b.text] as const))('spec/language.md block at line %i checks cleanly', (line, text) => {
  const r = checkSource(text, `spec/language.md@${line}`);
  expect(formatDiagnostics(r.diagnostics, text, `spec/language.md@${line}`)).toBe('');
  expect(r.file?.models.length).toBeGreaterThan(0);
});
