// The data mapping (spec/data.md): where examples come from and how each model input is made from them.
// A spec is JSON, usually a `*.data.json` file beside the data; parseDataSpec checks it and says which
// field is wrong.
import { closest } from '../../compiler/diagnostics/suggest.ts';

export type Source =
  | { readonly file: string }                      // .csv or .jsonl, relative to the spec file
  | { readonly package: string }                   // a file inside an installed npm package: "vega-datasets/data/co2-concentration.csv"
  | { readonly dataset: string; readonly limit?: number }          // a reader of an npm data package (src/data/datasets/)
  | { readonly generator: string; readonly count: number; readonly seed?: number };  // src/data/generators/

export type InputMap =
  | { readonly kind: 'float'; readonly columns?: readonly string[]; readonly field?: string; readonly steps?: readonly [number, number]; readonly normalize: boolean;
      /** Subtract this row's values of the same columns first (forecast changes, not levels). */
      readonly relativeTo?: number }
  | { readonly kind: 'label'; readonly column: string; readonly classes?: readonly string[] }
  | { readonly kind: 'text'; readonly column: string; readonly tokenize: 'chars' | 'words'; readonly lowercase: boolean;
      readonly maxLength?: number; readonly specials?: readonly string[]; readonly eos: boolean; readonly vocabSize?: number }
  | { readonly kind: 'lengths'; readonly of: string };

export interface MetricSpec {
  readonly kind: 'accuracy' | 'mae';
  /** The model output compared with the target. */
  readonly output: string;
  /** The model input holding the truth. */
  readonly target: string;
  /** Binary accuracy: an output above this is class 1 (default 0.5). */
  readonly threshold?: number;
  /** Per-step accuracy counts only steps below this lengths input. */
  readonly lengths?: string;
}

export interface DataSpec {
  readonly source: Source;
  readonly format?: 'csv' | 'jsonl';
  /** Rows sharing this column's value form one example (a sequence, in file order). */
  readonly group?: string;
  /** The rows are one series: examples are windows of `length` consecutive rows every `stride` rows. */
  readonly windows?: { readonly length: number; readonly stride: number };
  readonly inputs: Readonly<Record<string, InputMap>>;
  /** Use a seeded random sample of this many records (a smaller run of a big data set). */
  readonly sample?: number;
  readonly split: { readonly heldOut: number; readonly seed: number; readonly shuffle: boolean };
  readonly metric?: MetricSpec;
}

/** Generated examples live in memory, each a few KB: a bound that fits, instead of running out of heap. */
const MAX_GENERATED = 100_000;

type Json = Record<string, unknown>;
type Fail = (path: string, msg: string) => never;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const posInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** Rejects a key this object does not know: a misspelt `"normalise"` would otherwise be ignored without a word. */
function onlyKeys(o: Json, path: string, known: readonly string[], fail: Fail): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    fail(path ? `${path}.${key}` : key, `unknown key${near ? ` (did you mean '${near}'?)` : ''}; expected ${known.map((k) => `'${k}'`).join(', ')}`);
  }
}

/** An optional boolean: undefined keeps the default. */
function optBool(v: unknown, path: string, fail: Fail): boolean | undefined {
  return v === undefined || typeof v === 'boolean' ? v : fail(path, 'expected true or false');
}

export function parseDataSpec(json: unknown, where = 'data spec'): DataSpec {
  const fail: Fail = (path, msg) => { throw new Error(`${where}: ${path}: ${msg}`); };
  if (!isObj(json)) return fail('(top)', 'expected an object');
  onlyKeys(json, '', ['source', 'format', 'group', 'windows', 'inputs', 'sample', 'split', 'metric'], fail);
  const inputs: Record<string, InputMap> = {};
  if (!isObj(json.inputs) || Object.keys(json.inputs).length === 0) fail('inputs', 'expected an object mapping model inputs to columns');
  for (const [name, m] of Object.entries(json.inputs as Json)) inputs[name] = parseInput(m, `inputs.${name}`, fail);
  for (const [name, m] of Object.entries(inputs)) {
    if (m.kind !== 'lengths') continue;
    if (!(m.of in inputs)) fail(`inputs.${name}.lengthsOf`, `no input '${m.of}' in this mapping`);
    const of = inputs[m.of]!.kind;
    if (of === 'lengths' || of === 'label') fail(`inputs.${name}.lengthsOf`, `'${m.of}' is a ${of === 'label' ? 'label' : 'lengths'} input: name a sequence (columns, field or text)`);
  }
  const split = json.split ?? {};
  if (!isObj(split)) return fail('split', 'expected an object');
  onlyKeys(split, 'split', ['heldOut', 'seed', 'shuffle'], fail);
  if (split.seed !== undefined && !Number.isSafeInteger(split.seed)) fail('split.seed', 'expected an integer');
  const shuffle = optBool(split.shuffle, 'split.shuffle', fail);
  const heldOut = split.heldOut ?? 0.2;
  if (typeof heldOut !== 'number' || !(heldOut >= 0 && heldOut < 1)) fail('split.heldOut', 'expected a fraction in [0, 1)');
  const format = json.format;
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') fail('format', "expected 'csv' or 'jsonl'");
  if (json.group !== undefined && typeof json.group !== 'string') fail('group', 'expected a column name');
  let windows: DataSpec['windows'];
  if (json.windows !== undefined) {
    const w = json.windows;
    if (!isObj(w) || !posInt(w.length) || (w.stride !== undefined && !posInt(w.stride))) fail('windows', 'expected { length, stride? } (positive integers)');
    onlyKeys(w as Json, 'windows', ['length', 'stride'], fail);
    windows = { length: (w as Json).length as number, stride: ((w as Json).stride as number | undefined) ?? 1 };
  }
  return {
    source: parseSource(json.source, fail),
    ...(format ? { format: format as 'csv' | 'jsonl' } : {}),
    ...(typeof json.group === 'string' ? { group: json.group } : {}),
    ...(windows ? { windows } : {}),
    inputs,
    ...(json.sample !== undefined ? { sample: posInt(json.sample) ? json.sample : fail('sample', 'expected a positive integer') } : {}),
    split: { heldOut: heldOut as number, seed: (split.seed as number | undefined) ?? 1, shuffle: shuffle !== false && !windows },
    ...(json.metric !== undefined ? { metric: parseMetric(json.metric, inputs, fail) } : {}),
  };
}

function parseSource(s: unknown, fail: Fail): Source {
  if (!isObj(s)) return fail('source', 'expected { file } | { package } | { dataset } | { generator, count }');
  if (typeof s.file === 'string') { onlyKeys(s, 'source', ['file'], fail); return { file: s.file }; }
  if (typeof s.package === 'string') { onlyKeys(s, 'source', ['package'], fail); return { package: s.package }; }
  if (typeof s.dataset === 'string') {
    onlyKeys(s, 'source', ['dataset', 'limit'], fail);
    if (s.limit !== undefined && !posInt(s.limit)) fail('source.limit', 'expected a positive integer');
    return { dataset: s.dataset, ...(s.limit !== undefined ? { limit: s.limit as number } : {}) };
  }
  if (typeof s.generator === 'string') {
    onlyKeys(s, 'source', ['generator', 'count', 'seed'], fail);
    if (!posInt(s.count) || s.count > MAX_GENERATED) fail('source.count', `expected a positive integer up to ${MAX_GENERATED} (examples to generate)`);
    if (s.seed !== undefined && !Number.isSafeInteger(s.seed)) fail('source.seed', 'expected an integer');
    return { generator: s.generator, count: s.count as number, seed: (s.seed as number | undefined) ?? 1 };
  }
  return fail('source', 'expected one of file, package, dataset, generator');
}

function parseInput(m: unknown, path: string, fail: Fail): InputMap {
  if (!isObj(m)) return fail(path, 'expected an object');
  if (typeof m.lengthsOf === 'string') { onlyKeys(m, path, ['lengthsOf'], fail); return { kind: 'lengths', of: m.lengthsOf }; }
  if (typeof m.label === 'string') {
    onlyKeys(m, path, ['label', 'classes'], fail);
    if (m.classes !== undefined && !strs(m.classes)) fail(`${path}.classes`, 'expected an array of strings');
    const twice = (m.classes as string[] | undefined)?.find((c, i, all) => all.indexOf(c) !== i);
    if (twice !== undefined) fail(`${path}.classes`, `'${twice}' is listed twice`);
    return { kind: 'label', column: m.label, ...(m.classes ? { classes: m.classes as string[] } : {}) };
  }
  if (typeof m.text === 'string') {
    onlyKeys(m, path, ['text', 'tokenize', 'lowercase', 'maxLength', 'specials', 'eos', 'vocabSize'], fail);
    const lowercase = optBool(m.lowercase, `${path}.lowercase`, fail), eos = optBool(m.eos, `${path}.eos`, fail);
    const tokenize = m.tokenize ?? 'words';
    if (tokenize !== 'chars' && tokenize !== 'words') fail(`${path}.tokenize`, "expected 'chars' or 'words'");
    if (m.maxLength !== undefined && !posInt(m.maxLength)) fail(`${path}.maxLength`, 'expected a positive integer');
    if (m.vocabSize !== undefined && !posInt(m.vocabSize)) fail(`${path}.vocabSize`, 'expected a positive integer');
    if (m.specials !== undefined && (!strs(m.specials) || m.specials.length === 0)) fail(`${path}.specials`, 'expected a non-empty array of strings (the first is padding)');
    return {
      kind: 'text', column: m.text, tokenize: tokenize as 'chars' | 'words', lowercase: lowercase !== false, eos: eos === true,
      ...(m.maxLength !== undefined ? { maxLength: m.maxLength as number } : {}),
      ...(m.vocabSize !== undefined ? { vocabSize: m.vocabSize as number } : {}),
      ...(m.specials !== undefined ? { specials: m.specials as string[] } : {}),
    };
  }
  if (m.columns !== undefined || typeof m.field === 'string') {
    onlyKeys(m, path, ['columns', 'field', 'steps', 'normalize', 'relativeTo'], fail);
    if (m.normalize !== undefined && typeof m.normalize !== 'boolean' && m.normalize !== 'zscore') fail(`${path}.normalize`, "expected 'zscore' (or true, the same), or false");
    if (m.columns !== undefined && (!strs(m.columns) || m.columns.length === 0)) fail(`${path}.columns`, 'expected a non-empty array of column names');
    const steps = m.steps;
    if (steps !== undefined && !(Array.isArray(steps) && steps.length === 2 && steps.every((x) => Number.isSafeInteger(x) && x >= 0) && steps[0] < steps[1])) {
      fail(`${path}.steps`, 'expected [from, to) with 0 <= from < to');
    }
    if (m.relativeTo !== undefined && (!Number.isSafeInteger(m.relativeTo) || (m.relativeTo as number) < 0 || m.columns === undefined)) {
      fail(`${path}.relativeTo`, 'expected a row index (with columns)');
    }
    return {
      kind: 'float', normalize: m.normalize === true || m.normalize === 'zscore',
      ...(m.relativeTo !== undefined ? { relativeTo: m.relativeTo as number } : {}),
      ...(m.columns !== undefined ? { columns: m.columns as string[] } : { field: m.field as string }),
      ...(steps !== undefined ? { steps: steps as [number, number] } : {}),
    };
  }
  return fail(path, 'expected one of columns, field, label, text, lengthsOf');
}

function parseMetric(m: unknown, inputs: Record<string, InputMap>, fail: Fail): MetricSpec {
  if (!isObj(m) || (m.kind !== 'accuracy' && m.kind !== 'mae') || typeof m.output !== 'string' || typeof m.target !== 'string') {
    return fail('metric', "expected { kind: 'accuracy' | 'mae', output, target }");
  }
  onlyKeys(m, 'metric', ['kind', 'output', 'target', 'threshold', 'lengths'], fail);
  if (!(m.target in inputs)) fail('metric.target', `no input '${m.target}' in this mapping`);
  if (m.threshold !== undefined && typeof m.threshold !== 'number') fail('metric.threshold', 'expected a number');
  if (m.lengths !== undefined && (typeof m.lengths !== 'string' || !(m.lengths in inputs))) fail('metric.lengths', 'expected an input of this mapping');
  return {
    kind: m.kind, output: m.output, target: m.target,
    ...(typeof m.threshold === 'number' ? { threshold: m.threshold } : {}),
    ...(typeof m.lengths === 'string' ? { lengths: m.lengths } : {}),
  };
}
