// Examples → model input arrays, following the mapping. fitDataState learns what the mapping needs from
// the training split (class lists, vocabularies, z-score statistics); encodeExample applies it, the same
// way at training and at prediction time (the state is saved with the model as data.json).
import type { Bundle } from '../../runtime/bundle.ts';
import type { Example } from './examples.ts';
import { applyZScore, fitZScore, type ZScore } from './normalize.ts';
import type { DataSpec, InputMap } from './spec.ts';
import { buildVocabulary, encodeText, type Vocabulary } from './vocab.ts';

export interface DataState {
  /** Class names by label input (absent: the column holds integer class ids). */
  readonly classes: Readonly<Record<string, readonly string[]>>;
  readonly vocabularies: Readonly<Record<string, Vocabulary>>;
  readonly stats: Readonly<Record<string, ZScore>>;
}

/** One example's value of one input, without the batch axis. */
export interface Value { readonly data: Float32Array | Int32Array; readonly shape: readonly number[] }
export type EncodedExample = Readonly<Record<string, Value>>;

export function fitDataState(spec: DataSpec, bundle: Bundle, train: readonly Example[]): DataState {
  const classes: Record<string, string[]> = {}, vocabularies: Record<string, Vocabulary> = {}, stats: Record<string, ZScore> = {};
  for (const [name, m] of Object.entries(spec.inputs)) {
    if (m.kind === 'label' && m.classes) classes[name] = [...m.classes];
    else if (m.kind === 'label') {
      const seen = new Set(train.map((ex) => labelText(ex, m.column, name)));
      if (![...seen].every((s) => /^\d+$/.test(s))) classes[name] = [...seen].sort();
    } else if (m.kind === 'text') {
      const bound = indexBound(bundle, name);
      vocabularies[name] = buildVocabulary(train.map((ex) => String(first(ex)[m.column] ?? '')), {
        tokenize: m.tokenize, lowercase: m.lowercase, ...(m.specials ? { specials: m.specials } : {}),
        ...(m.vocabSize ?? bound ? { maxSize: m.vocabSize ?? bound } : {}),
      });
    } else if (m.kind === 'float' && m.normalize) {
      const raw = train.map((ex) => rawFloats(name, m, ex, rankOf(bundle, name)));
      stats[name] = fitZScore(raw.map((r) => r.data), raw[0]?.channels ?? 1);
    }
  }
  return { classes, vocabularies, stats };
}

/** Encodes the inputs named in `names` (default: every input the mapping makes). */
export function encodeExample(spec: DataSpec, state: DataState, bundle: Bundle, ex: Example, names?: readonly string[]): EncodedExample {
  const out: Record<string, Value> = {};
  const wanted = names ?? Object.keys(spec.inputs);
  const ordered = [...wanted].sort((a, b) => Number(spec.inputs[a]?.kind === 'lengths') - Number(spec.inputs[b]?.kind === 'lengths'));
  for (const name of ordered) {
    const m = spec.inputs[name];
    if (!m) throw new Error(`the data mapping has no entry for model input '${name}'`);
    out[name] = encodeOne(name, m, spec, state, bundle, ex, out);
  }
  return out;
}

function encodeOne(name: string, m: InputMap, spec: DataSpec, state: DataState, bundle: Bundle, ex: Example, done: Record<string, Value>): Value {
  switch (m.kind) {
    case 'float': {
      const r = rawFloats(name, m, ex, rankOf(bundle, name));
      const z = state.stats[name];
      return { data: z ? applyZScore(z, r.data) : r.data, shape: r.shape };
    }
    case 'label': {
      const v = labelText(ex, m.column, name);
      const list = state.classes[name];
      const id = list ? list.indexOf(v) : /^\d+$/.test(v) ? Number(v) : -1;
      if (id < 0) throw new Error(`input '${name}': '${v}' in column '${m.column}' is not a known class${list ? ` (${list.join(', ')})` : ' (an integer id)'}`);
      const bound = indexBound(bundle, name) ?? 2 ** 31;
      if (id >= bound) {
        throw new Error(`input '${name}': ${list ? `class '${v}' is id ${id}` : `id ${v}`} (column '${m.column}'), but the model takes ids below ${bound}${list ? ` (the data has ${list.length} classes)` : ''}`);
      }
      return { data: Int32Array.of(id), shape: [] };
    }
    case 'text': {
      const ids = encodeText(state.vocabularies[name]!, String(first(ex)[m.column] ?? ''), {
        eos: m.eos, ...(m.maxLength !== undefined ? { maxLength: m.maxLength } : {}),
      });
      if (ids.length === 0) ids.push(0);       // an empty text still has one (padding) step
      return { data: Int32Array.from(ids), shape: [ids.length] };
    }
    case 'lengths': {
      const of = done[m.of] ?? encodeOne(m.of, spec.inputs[m.of]!, spec, state, bundle, ex, done);
      return { data: Int32Array.of(of.shape[0] ?? 1), shape: [] };
    }
  }
}

/** A label cell as text: a number or a string (an array or object is not a class). */
function labelText(ex: Example, column: string, input: string): string {
  const v = first(ex)[column];
  if (typeof v === 'object' && v !== null) throw new Error(`input '${input}': column '${column}' holds ${JSON.stringify(v).slice(0, 40)}, not a class`);
  return String(v ?? '');
}

const first = (ex: Example) => {
  const r = ex[0];
  if (!r) throw new Error('an example with no rows');
  return r;
};

/** Rank of an input's tensor without the batch axis (decides [time, k] versus a flat vector). */
function rankOf(bundle: Bundle, name: string): number {
  const input = bundle.inputs.find((i) => i.name === name);
  if (!input) throw new Error(`the mapping names '${name}', which is not an input of model ${bundle.model} (inputs: ${bundle.inputs.map((i) => i.name).join(', ')})`);
  return bundle.tensors.find((t) => t.name === input.tensor)!.shape.length - 1;
}

function indexBound(bundle: Bundle, name: string): number | undefined {
  const role = bundle.inputs.find((i) => i.name === name)?.role;
  return role?.kind === 'index' ? role.bound : undefined;
}

function rawFloats(name: string, m: Extract<InputMap, { kind: 'float' }>, ex: Example, rank: number): { data: Float32Array; shape: number[]; channels: number } {
  if (m.field !== undefined) {
    const v = first(ex)[m.field];
    const shape: number[] = [];
    for (let level: unknown = v; Array.isArray(level); level = level[0]) shape.push(level.length);
    if (!rectangular(v, shape, 0)) throw new Error(`input '${name}': field '${m.field}' is a ragged nested array (its first element makes it [${shape.join(', ')}])`);
    const flat = (Array.isArray(v) ? v.flat(Infinity) : [v]) as unknown[];
    const data = Float32Array.from(flat, (x) => num(x, name, m.field!));
    return { data, shape, channels: shape.at(-1) ?? 1 };
  }
  const cols = m.columns!;
  const rows = m.steps ? ex.slice(m.steps[0], m.steps[1]) : ex;
  if (m.steps && rows.length !== m.steps[1] - m.steps[0]) throw new Error(`input '${name}': steps [${m.steps}] need ${m.steps[1]} rows, the example has ${ex.length}`);
  const data = new Float32Array(rows.length * cols.length);
  const ref = m.relativeTo === undefined ? undefined : ex[m.relativeTo];
  if (m.relativeTo !== undefined && !ref) throw new Error(`input '${name}': relativeTo row ${m.relativeTo} is past the example's ${ex.length} rows`);
  rows.forEach((r, i) => cols.forEach((c, j) => { data[i * cols.length + j] = num(r[c], name, c) - (ref ? num(ref[c], name, c) : 0); }));
  const shape = rank >= 2 ? [rows.length, cols.length] : rank === 1 ? [data.length] : [];
  return { data, shape, channels: cols.length };
}

/** Whether every array at each level has the length of the first one there (`shape`), down to numbers. */
function rectangular(v: unknown, shape: readonly number[], level: number): boolean {
  if (level === shape.length) return !Array.isArray(v);
  return Array.isArray(v) && v.length === shape[level] && v.every((x) => rectangular(x, shape, level + 1));
}

/** Decimal number text (`-1.5e3`, `.5`): what data cells and stream steps may hold. */
export const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function num(x: unknown, input: string, column: string): number {
  // Decimal text only: Number() would also read '0x10', '0b1' and '' (as 0).
  const v = typeof x === 'number' ? x : typeof x === 'string' && DECIMAL.test(x.trim()) ? Number(x) : NaN;
  if (!Number.isFinite(v)) throw new Error(`input '${input}': column '${column}' holds ${JSON.stringify(x)}, not a number`);
  return v;
}
