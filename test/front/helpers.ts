// Shared helpers for the front-end tests.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { CheckedFile, CheckedModel, Value } from '../../compiler/check/model.ts';
import { checkSource, formatDiagnostics } from '../../compiler/front.ts';
import { SourceLines } from '../../compiler/diagnostics/source-lines.ts';

export const EXAMPLES = ['vibration', 'sentiment', 'forecast', 'autoencoder', 'tagger', 'seq2seq', 'convlstm', 'cnn-bilstm', 'row-mnist'];

export const readExample = (name: string): string => readFileSync(`examples/${name}.rnn`, 'utf8');

/** Checks text that must be valid and returns its only model (fails with the formatted diagnostics otherwise). */
export function checkValid(text: string, file = 'test.rnn'): CheckedModel {
  const r = checkSource(text, file);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.length === 0 ? '' : formatDiagnostics(r.diagnostics, text, file)).toBe('');
  expect(r.file).toBeDefined();
  return (r.file as CheckedFile).models[0]!;
}

/** The diagnostics of invalid text as `line:col code message` strings. */
export function diagnosticsOf(text: string): string[] {
  const lines = new SourceLines(text);
  return checkSource(text, 'test.rnn').diagnostics.map((d) => {
    const { line, column } = lines.locate(d.span.start);
    return `${line}:${column} ${d.code} ${d.message}`;
  });
}

/** A one-model file from body lines (indented for readability in tests). */
export const model = (...lines: string[]): string => `model m {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`;

export const valueNamed = (m: CheckedModel, name: string): Value => {
  const v = m.values.find((x) => x.name === name);
  if (v === undefined) throw new Error(`no value named ${name}`);
  return v;
};

export const shapeOf = (m: CheckedModel, name: string): string => {
  const v = valueNamed(m, name);
  return `${v.type.dtype}[${v.type.shape.join(', ')}]`;
};

export const weightCount = (m: CheckedModel): number => m.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
