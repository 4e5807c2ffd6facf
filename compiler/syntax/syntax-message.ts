// Turns ohm's rightmost failure into one readable syntax error: what was found, what could
// come there (grouped: "a statement", "an expression"), and a hint for common slips.
import type { FailedMatchResult } from 'ohm-js';
import { syntaxError } from '../diagnostics/catalogue.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { SourceLines } from '../diagnostics/source-lines.ts';
import type { Span } from './ast.ts';
import { findUnbalanced } from './nesting.ts';

interface Failure { getText(): string; type: string; isFluffy(): boolean }

const KEYWORDS = new Set(['model', 'input', 'layer', 'output', 'loss', 'train', 'true', 'false']);
const STATEMENT_STARTS = ['input', 'layer', 'output', 'loss', 'train'];
const EXPRESSION_STARTS = ['an identifier', 'a number', '"("', '"-"', '"true"', '"false"'];
const OPERATORS = ['"+"', '"-"', '"*"', '"/"'];

export function syntaxDiagnostic(text: string, match: FailedMatchResult): Diagnostic {
  const pos = match.getRightmostFailurePosition();
  const found = tokenAt(text, pos);
  const expected = describeExpected(expectedItems(match));
  const message = `unexpected ${found.text}${expected ? `; expected ${expected}` : ''}`;
  return syntaxError(found.span, message, hintFor(text, found.raw, expected));
}

function expectedItems(match: FailedMatchResult): string[] {
  const failures = (match as unknown as { getRightmostFailures(): Failure[] }).getRightmostFailures();
  const items = failures.filter((f) => !f.isFluffy()).map((f) => (f.type === 'string' ? JSON.stringify(f.getText()) : f.getText()));
  return [...new Set(items)];
}

function describeExpected(items: string[]): string {
  let rest = [...items];
  const groups: string[] = [];
  const take = (names: string[]) => { rest = rest.filter((r) => !names.includes(r)); };
  const has = (names: string[]) => names.every((n) => rest.includes(n));
  if (has(STATEMENT_STARTS.map((s) => JSON.stringify(s))) && rest.includes('an identifier')) {
    groups.push('a statement (`input`, `layer`, `name = ...`, `output`, `loss` or `train`)');
    take([...STATEMENT_STARTS.map((s) => JSON.stringify(s)), 'an identifier']);
  }
  if (has(['an identifier', 'a number', '"("', '"-"'])) { groups.push('an expression'); take(EXPRESSION_STARTS); }
  // After a complete operand every operator is possible; name them only when nothing else fits.
  if (rest.some((r) => !OPERATORS.includes(r) && r !== '"("')) take([...OPERATORS, '"("']);
  if (rest.includes('"model"')) { groups.push('`model NAME { ... }`'); take(['"model"']); }
  const words = [...groups, ...rest.map(quote)];
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const quote = (item: string): string => (item.startsWith('"') ? `\`${JSON.parse(item) as string}\`` : item);

/** Characters a terminal shows as nothing or as a plain space: named by code point instead. */
const INVISIBLE = /^[\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]$/;

interface Found { readonly text: string; readonly raw: string; readonly span: Span }

/** The token at the failure: a word, a number, or one character. */
function tokenAt(text: string, pos: number): Found {
  if (pos >= text.length) return { text: 'end of file', raw: '', span: { start: text.length, end: text.length } };
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*)/.exec(text.slice(pos, pos + 64));
  const cp = text.codePointAt(pos)!;
  const raw = m ? m[0] : String.fromCodePoint(cp);   // a whole code point: an emoji is two UTF-16 units
  const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  const text_ = raw === '\n' ? 'end of line'
    : !m && INVISIBLE.test(raw) ? `character U+${cp.toString(16).padStart(4, '0').toUpperCase()}` : `\`${shown}\``;
  return { text: text_, raw, span: { start: pos, end: pos + raw.length } };
}

function hintFor(text: string, raw: string, expected: string): string | undefined {
  if (KEYWORDS.has(raw) && expected.includes('identifier')) return `\`${raw}\` is a reserved word; choose another name`;
  if (raw === ';') return 'statements need no `;`: put one statement per line';
  if (raw === '"' || raw === "'") return 'there are no strings: options take names (`cell=gru`), numbers or `true`/`false`';
  if (raw === '.') return 'write numbers with a digit before the point: `0.5`';
  if (/^[0-9]/.test(raw) && /[A-Za-z_.]/.test(raw)) return `\`${raw}\` is not a number: write e.g. \`0.001\` or \`1e-3\``;
  if (raw === ':' && !expected.includes('`:`')) return 'use `=` to bind names and options (`hidden=64`); `:` only types inputs';
  if (raw === '=' && expected.includes('`:`')) return 'declare inputs as `input name: f32[batch, time, 3]`';
  const unbalanced = findUnbalanced(text);
  if (unbalanced !== undefined) {
    const { line, column } = new SourceLines(text).locate(unbalanced.span.start);
    return unbalanced.kind === 'unclosed'
      ? `the \`${unbalanced.bracket}\` at ${line}:${column} is never closed`
      : `the \`${unbalanced.bracket}\` at ${line}:${column} closes nothing`;
  }
  if (expected.includes('`,`') && /^[A-Za-z0-9_]/.test(raw)) return 'is a `,` missing before it?';
  return undefined;
}
