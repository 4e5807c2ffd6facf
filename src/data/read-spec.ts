// `--data` in Node: a data spec file (`*.data.json`, which names its source), or a CSV / JSON Lines file
// with `--map MAPPING.json` (a spec without `source`: the file given is the source).
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseDataSpec, type DataSpec } from './spec.ts';

export interface SpecFile { readonly spec: DataSpec; readonly dir: string; readonly json: Record<string, unknown> }

export function readDataArg(data: string, map?: string): SpecFile {
  const isSpec = /\.json$/i.test(data);
  if (isSpec && map) throw new Error(`--map is for CSV or JSON Lines data; ${data} is a data spec (it names its own source)`);
  if (!isSpec && !map) throw new Error(`${data}: CSV or JSON Lines data needs --map MAPPING.json (spec/data.md), or pass a *.data.json spec`);
  const specPath = isSpec ? data : map!;
  const json = readJson(specPath);
  if (!isSpec) json.source = { file: resolve(data) };
  return { spec: parseDataSpec(json, basename(specPath)), dir: dirname(resolve(specPath)), json };
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: not a data spec: ${(e as Error).message}`);
  }
}
