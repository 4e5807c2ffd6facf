// Records → examples → (train, held-out). An example is the rows it is made of: one row, a group of rows
// sharing a `group` value (in file order), or a window of consecutive rows of one series.
import type { DataRecord } from './jsonl.ts';
import { makeRng, shuffled } from './random.ts';
import type { DataSpec } from './spec.ts';

export type Example = readonly DataRecord[];
export interface Split { readonly train: Example[]; readonly heldOut: Example[] }

export function splitExamples(records: readonly DataRecord[], spec: DataSpec): Split {
  const { heldOut, seed, shuffle } = spec.split;
  if (spec.sample !== undefined && spec.sample < records.length) records = shuffled(records, makeRng(seed + 1)).slice(0, spec.sample);
  if (spec.windows) return splitWindows(records, spec.windows, heldOut);
  let examples: Example[] = spec.group === undefined ? records.map((r) => [r]) : groupRows(records, spec.group);
  if (shuffle) examples = shuffled(examples, makeRng(seed));
  const cut = examples.length - Math.round(examples.length * heldOut);
  return { train: examples.slice(0, cut), heldOut: examples.slice(cut) };
}

export function groupRows(records: readonly DataRecord[], column: string): Example[] {
  const groups = new Map<string, DataRecord[]>();
  records.forEach((r, i) => {
    const key = r[column];
    if (key === undefined) throw new Error(`row ${i + 1} has no group column '${column}'`);
    const k = String(key);
    let g = groups.get(k);
    if (!g) groups.set(k, g = []);
    g.push(r);
  });
  return [...groups.values()];
}

/**
 * Windows over one series. Held-out windows are those whose last row lies in the final `heldOut` part of
 * the series (their early rows may be training rows: the history a forecaster is given), so no target
 * the model is scored on was trained on.
 */
function splitWindows(rows: readonly DataRecord[], w: { length: number; stride: number }, heldOut: number): Split {
  if (rows.length < w.length) throw new Error(`windows of ${w.length} rows need a series that long; it has ${rows.length} rows`);
  const cut = rows.length - Math.round(rows.length * heldOut);
  const train: Example[] = [], held: Example[] = [];
  for (let start = 0; start + w.length <= rows.length; start += w.stride) {
    const win = rows.slice(start, start + w.length);
    (start + w.length - 1 < cut ? train : held).push(win);
  }
  return { train, heldOut: held };
}
