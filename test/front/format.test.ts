import { describe, expect, it } from 'vitest';
import * as E from '../../compiler/diagnostics/catalogue.ts';
import { formatDiagnostic, formatDiagnostics } from '../../compiler/diagnostics/format.ts';
import { SourceLines } from '../../compiler/diagnostics/source-lines.ts';
import { closest, editDistance } from '../../compiler/diagnostics/suggest.ts';

const at = (text: string, needle: string, from = 0) => {
  const start = text.indexOf(needle, from);
  return { start, end: start + needle.length };
};

describe('formatDiagnostic', () => {
  const src = 'model m {\n  layer enc = lstm(hiden=64)\n}\n';

  it('prints file:line:col, the line, a caret under the span and the hint', () => {
    const d = E.unknownOption(at(src, 'hiden'), 'hiden', 'lstm', ['hidden', 'layers']);
    expect(formatDiagnostic(d, src, 'a.rnn')).toBe([
      'a.rnn:2:20: error: unknown option `hiden` for `lstm` [E0302]',
      ' 2 |   layer enc = lstm(hiden=64)',
      '   |                    ^~~~~',
      '  hint: did you mean `hidden`?',
      '',
    ].join('\n'));
  });

  it('prints notes with their own location', () => {
    const text = 'model m {\n  h = relu(x)\n  h = tanh(x)\n}\n';
    const d = E.duplicateName(at(text, 'h', 20), 'h', at(text, 'h', 10));
    expect(formatDiagnostic(d, text, 'b.rnn').split('\n')).toEqual([
      'b.rnn:3:3: error: `h` is already defined [E0202]', ' 3 |   h = tanh(x)', '   |   ^',
      '  hint: every input, layer and value needs its own name',
      'b.rnn:2:3: note: `h` is first defined here', ' 2 |   h = relu(x)', '   |   ^', '',
    ]);
  });

  it('keeps tabs so the caret lines up, and replaces control characters', () => {
    const text = 'model m {\n\t\tx = y\u0001z\n}';
    const out = formatDiagnostic(E.unknownName(at(text, 'z'), 'z', []), text, 'c.rnn').split('\n');
    expect(out[1]).toBe(' 2 | \t\tx = y?z');
    expect(out[2]).toBe('   | \t\t      ^');
  });

  it('points one past the end for end-of-file errors, and clips spans to their first line', () => {
    const text = 'model m {';
    expect(formatDiagnostic(E.syntaxError({ start: 9, end: 9 }, 'unexpected end of file'), text, 'd.rnn').split('\n').slice(0, 3))
      .toEqual(['d.rnn:1:10: error: unexpected end of file [E0101]', ' 1 | model m {', '   |          ^']);
    const two = 'ab\ncd';
    expect(formatDiagnostic(E.syntaxError({ start: 1, end: 5 }, 'x'), two, 'e.rnn').split('\n')[2]).toBe('   |  ^');
  });

  it('shows a window of very long lines around the caret', () => {
    const text = `model m { y = ${'a'.repeat(500)} + zz }`;
    const out = formatDiagnostic(E.unknownName(at(text, 'zz'), 'zz', []), text, 'f.rnn').split('\n');
    expect(out[1]!.length).toBeLessThan(120);
    expect(out[1]).toMatch(/^ 1 \| …a+ \+ zz }$/);
    const caret = out[2]!.indexOf('^');
    expect(out[1]!.slice(caret, caret + 2)).toBe('zz');
  });

  it('sorts several diagnostics by position', () => {
    const text = 'aa bb cc';
    const out = formatDiagnostics([E.unknownName(at(text, 'cc'), 'cc', []), E.unknownName(at(text, 'aa'), 'aa', [])], text, 'g.rnn');
    expect(out.split('\n').filter((l) => l.startsWith('g.rnn'))).toEqual([
      'g.rnn:1:1: error: unknown name `aa` [E0201]', 'g.rnn:1:7: error: unknown name `cc` [E0201]',
    ]);
  });
});

describe('SourceLines', () => {
  it('maps offsets to 1-based lines and columns (CRLF lines lose their \\r)', () => {
    const s = new SourceLines('ab\r\ncd\n\nef');
    expect([0, 1, 4, 7, 8, 10, 99].map((o) => s.locate(o))).toEqual([
      { line: 1, column: 1 }, { line: 1, column: 2 }, { line: 2, column: 1 }, { line: 3, column: 1 },
      { line: 4, column: 1 }, { line: 4, column: 3 }, { line: 4, column: 3 },
    ]);
    expect(s.lineText(1)).toBe('ab');
    expect(s.lineText(3)).toBe('');
  });
});

describe('suggestions', () => {
  it('counts edits, with a swap of neighbours as one', () => {
    expect(editDistance('hidden', 'hiden')).toBe(1);
    expect(editDistance('lstm', 'lsmt')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('suggests only close candidates', () => {
    expect(closest('hiden', ['hidden', 'layers'])).toBe('hidden');
    expect(closest('Softmax', ['softmax', 'relu'])).toBe('softmax');
    expect(closest('xyz', ['hidden', 'layers'])).toBeUndefined();
  });
});
