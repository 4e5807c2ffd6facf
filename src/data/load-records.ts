// Reading a spec's source into records, in Node: files (CSV or JSON Lines), files inside npm packages,
// package data sets and generators. Browsers use recordsFromText and the generators directly.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv } from './csv.ts';
import { packageDir, readDataset } from './datasets/index.ts';
import { generate } from './generators/index.ts';
import { parseJsonl, type DataRecord } from './jsonl.ts';
import type { DataSpec } from './spec.ts';

export function recordsFromText(text: string, format: 'csv' | 'jsonl'): DataRecord[] {
  return format === 'csv' ? [...parseCsv(text).rows] : parseJsonl(text);
}

export const formatOf = (path: string, given?: 'csv' | 'jsonl'): 'csv' | 'jsonl' => {
  if (given) return given;
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.jsonl$|\.ndjson$/i.test(path)) return 'jsonl';
  throw new Error(`${path}: cannot tell the format from the name (use .csv or .jsonl, or set "format")`);
};

/** `specDir`: where relative file paths start (the spec file's folder). */
export function loadRecords(spec: DataSpec, specDir: string): DataRecord[] {
  const s = spec.source;
  if ('generator' in s) return generate(s.generator, s.count, s.seed ?? 1);
  if ('dataset' in s) return readDataset(s.dataset, s.limit);
  const path = 'file' in s ? resolve(specDir, s.file) : packageFile(s.package);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const format = formatOf(path, spec.format);
  try {
    return recordsFromText(text, format);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);   // the parsers say where in the text; this says which file
  }
}

function packageFile(spec: string): string {
  const m = /^(@[^/]+\/[^/]+|[^@/][^/]*)\/(.+)$/.exec(spec);
  if (!m) throw new Error(`source.package: expected "PACKAGE/path/in/package", got '${spec}'`);
  return join(packageDir(m[1]!), m[2]!);
}

