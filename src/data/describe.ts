// Model outputs → readable predictions, per example: class names with probabilities, decoded token
// sequences, forecasts in original units. Shared by `rnnc predict` and the web demo.
import type { DataState } from './encode.ts';
import type { Example } from './examples.ts';
import { invertZScore } from './normalize.ts';
import type { DataSpec } from './spec.ts';
import { decodeIds } from './vocab.ts';

export interface OutputValue { readonly data: Float32Array | Int32Array; readonly shape: readonly number[] }

/** An output's values for example b, named by what the metric's target means (forecasts in original units, back at the level of `example` when the target is relative). */
export function describeOutput(spec: DataSpec, state: DataState, name: string, out: OutputValue, b: number, example?: Example): unknown {
  const per = out.data.length / (out.shape[0] ?? 1);
  const row = out.data.subarray(b * per, (b + 1) * per);
  const target = spec.metric?.output === name ? spec.metric.target : undefined;
  const classes = target ? state.classes[target] : undefined;
  const vocab = target ? state.vocabularies[target] : undefined;
  const stats = target ? state.stats[target] : undefined;
  if (row instanceof Int32Array) return vocab ? decodeIds(vocab, row) : [...row];
  if (classes && row.length === classes.length) {
    const p = looksLikeProbabilities(row) ? [...row] : softmax(row);
    const best = p.indexOf(Math.max(...p));
    return { class: classes[best], probabilities: Object.fromEntries(classes.map((c, i) => [c, round(p[i]!)])) };
  }
  if (stats) {
    const values = invertZScore(stats, row);
    const m = target ? spec.inputs[target] : undefined;
    const ref = m?.kind === 'float' && m.relativeTo !== undefined && m.columns ? example?.[m.relativeTo] : undefined;
    if (ref && m?.kind === 'float') values.forEach((v, i) => { values[i] = v + Number(ref[m.columns![i % m.columns!.length]!]); });
    return [...values].map(round);
  }
  return [...row].map(round);
}

export function softmax(x: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(x));
  const e = Array.from(x, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const looksLikeProbabilities = (r: Float32Array): boolean => r.every((v) => v >= 0 && v <= 1) && Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-3;
const round = (v: number): number => Math.round(v * 1e5) / 1e5;
