// Clang-style text for diagnostics: `file:line:col: error: message [code]`, the source line
// with a gutter, a caret under the span (`^~~~`), then `hint:` and notes.
import type { Span } from '../check/model.ts';
import { sortDiagnostics, type Diagnostic } from './diagnostic.ts';
import { SourceLines } from './source-lines.ts';

const WINDOW = 100;   // longer source lines are shown as a window around the caret

export function formatDiagnostics(ds: readonly Diagnostic[], source: string, file: string): string {
  const lines = new SourceLines(source);
  return sortDiagnostics(ds).map((d) => formatOne(d, lines, file)).join('\n');
}

export function formatDiagnostic(d: Diagnostic, source: string, file: string): string {
  return formatOne(d, new SourceLines(source), file);
}

function formatOne(d: Diagnostic, lines: SourceLines, file: string): string {
  const out = [`${where(lines, file, d.span)}: ${d.severity}: ${d.message} [${d.code}]`, ...excerpt(lines, d.span)];
  if (d.hint !== undefined) out.push(`  hint: ${d.hint}`);
  for (const n of d.notes ?? []) {
    if (n.span === undefined) out.push(`  note: ${n.message}`);
    else out.push(`${where(lines, file, n.span)}: note: ${n.message}`, ...excerpt(lines, n.span));
  }
  return out.join('\n') + '\n';
}

function where(lines: SourceLines, file: string, span: Span): string {
  const { line, column } = lines.locate(span.start);
  return `${file}:${line}:${column}`;
}

/** The span's first line and a caret line under it. */
function excerpt(lines: SourceLines, span: Span): string[] {
  const { line, column } = lines.locate(span.start);
  let text = lines.lineText(line);
  let col = column - 1;                                              // 0-based within `text`
  let width = Math.max(1, Math.min(span.end - span.start, text.length - col));
  if (text.length > WINDOW) {
    const from = Math.max(0, Math.min(col - WINDOW / 2, text.length - WINDOW));
    const prefix = from > 0 ? '…' : '';
    const suffix = from + WINDOW < text.length ? '…' : '';
    text = prefix + text.slice(from, from + WINDOW) + suffix;
    col = col - from + prefix.length;
    width = Math.max(1, Math.min(width, WINDOW - (col - prefix.length)));
  }
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const lead = text.slice(0, col).replace(/[^\t]/g, ' ');           // keep tabs so the caret lines up
  return [` ${gutter} | ${printable(text)}`, ` ${pad} | ${lead}^${'~'.repeat(width - 1)}`];
}

/** Control characters would garble a terminal; show them as `?` (one column each, so carets stay put). */
const printable = (s: string): string => s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?');
