// The invalid corpus: every test/front/invalid/*.rnn states its expected diagnostics in header
// lines `# expect: LINE:COL CODE text`, written by hand. Each file must produce exactly those
// errors (no more), at those positions, with those codes and the text in message or hint.
// The full formatted output is also kept as a golden `NAME.diag` beside it (`vitest -u` rewrites).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource, formatDiagnostics } from '../../compiler/front.ts';
import { SourceLines } from '../../compiler/diagnostics/source-lines.ts';

const DIR = 'test/front/invalid';
const files = readdirSync(DIR).filter((f) => f.endsWith('.rnn')).sort();

interface Expectation { line: number; column: number; code: string; text: string }

function expectations(text: string): Expectation[] {
  return [...text.matchAll(/^# expect: (\d+):(\d+) (\w+) (.*)$/gm)].map((m) =>
    ({ line: Number(m[1]), column: Number(m[2]), code: m[3]!, text: m[4]!.trim() }));
}

it('has a corpus of at least 40 invalid files, each with expectations', () => {
  expect(files.length).toBeGreaterThanOrEqual(40);
  for (const f of files) expect(expectations(readFileSync(`${DIR}/${f}`, 'utf8')).length, f).toBeGreaterThan(0);
});

it('has no stale golden files', () => {
  const stale = readdirSync(DIR).filter((f) => f.endsWith('.diag') && !existsSync(`${DIR}/${f.replace(/\.diag$/, '.rnn')}`));
  expect(stale).toEqual([]);
});

describe.each(files)('%s', (file) => {
  const text = readFileSync(`${DIR}/${file}`, 'utf8');
  const result = checkSource(text, file);
  const lines = new SourceLines(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => {
    const { line, column } = lines.locate(d.span.start);
    return { line, column, code: d.code, text: `${d.message} ${d.hint ?? ''}`, shown: `${line}:${column} ${d.code} ${d.message}` };
  });

  it('is rejected with exactly the expected errors', () => {
    expect(result.file).toBeUndefined();
    const wanted = expectations(text);
    expect(errors.map((e) => e.shown), 'number of errors').toHaveLength(wanted.length);
    for (const w of wanted) {
      const hit = errors.find((e) => e.line === w.line && e.column === w.column && e.code === w.code
        && e.text.toLowerCase().includes(w.text.toLowerCase()));
      expect(hit, `expected ${w.line}:${w.column} ${w.code} "${w.text}" among\n${errors.map((e) => e.shown).join('\n')}`).toBeDefined();
    }
  });

  it('formats as in the golden file', async () => {
    await expect(formatDiagnostics(result.diagnostics, text, file)).toMatchFileSnapshot(`invalid/${file.replace(/\.rnn$/, '.diag')}`);
  });
});
