// Host inputs: accept flat or nested arrays, typed arrays or {data, shape}; infer the run's dims from
// the shapes; check names, dtypes, shapes and index/length ranges, with errors that name the input.
import type { Bundle, BundleInput, BundleTensor, ProgramName, SizeExpr } from './bundle.ts';
import { InputError } from './errors.ts';
import { sizeAt } from './size-expr.ts';

type Nested = readonly (number | Nested)[];
export type InputValue =
  | Float32Array | Int32Array | Float64Array | readonly number[] | Nested
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
export type Inputs = Readonly<Record<string, InputValue>>;
export type Dims = Readonly<Record<string, number>>;

export interface PreparedInput {
  readonly input: BundleInput;
  readonly tensor: BundleTensor;
  readonly data: Float32Array | Int32Array;
}

interface Given { readonly input: BundleInput; readonly tensor: BundleTensor; readonly data: ArrayLike<number>; shape: number[] | null }

/** Resolve the dims of one program run and convert its inputs to upload-ready typed arrays. */
export function prepareInputs(bundle: Bundle, program: ProgramName, inputs: Inputs, dimsOption: Dims = {}): { dims: Dims; inputs: PreparedInput[] } {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new InputError('inputs: expected an object mapping input names to arrays');
  const known = new Map(bundle.inputs.map((i) => [i.name, i]));
  for (const name of Object.keys(inputs)) {
    if (!known.has(name)) throw new InputError(`unknown input '${name}' (the model's inputs are ${bundle.inputs.map((i) => i.name).join(', ') || 'none'})`);
  }
  const tensors = new Map(bundle.tensors.map((t) => [t.name, t]));
  const fixed = bundle.programs[program]?.dims ?? {};
  const dims = startDims(bundle, program, fixed, dimsOption);
  const given: Given[] = [];
  for (const input of bundle.inputs.filter((i) => i.programs.includes(program))) {
    const tensor = tensors.get(input.tensor)!;
    if (!Object.hasOwn(inputs, input.name)) throw new InputError(`missing input '${input.name}' (expected shape ${formatShape(tensor.shape)})`);
    given.push({ input, tensor, ...normalise(input.name, inputs[input.name]!) });
  }
  for (const g of given) if (g.shape) bindShape(g, fixed, dims);
  bindFlat(given.filter((g) => !g.shape), dims);
  return { dims, inputs: given.map((g) => ({ input: g.input, tensor: g.tensor, data: convert(g, checkShape(g, dims), dims) })) };
}

function startDims(bundle: Bundle, program: ProgramName, fixed: Dims, given: Dims): Record<string, number> {
  const dims: Record<string, number> = { ...fixed };
  for (const [k, v] of Object.entries(given)) {
    if (!bundle.dims.includes(k)) throw new InputError(`dims.${k}: unknown dimension (the model's dims are ${bundle.dims.join(', ') || 'none'})`);
    if (!Number.isSafeInteger(v) || v < 1) throw new InputError(`dims.${k}: expected a positive integer, got ${String(v)}`);
    if (Object.hasOwn(fixed, k) && fixed[k] !== v) throw new InputError(`dims.${k}: ${program} fixes it to ${fixed[k]}, got ${v}`);
    dims[k] = v;
  }
  return dims;
}

function normalise(name: string, v: InputValue): { data: ArrayLike<number>; shape: number[] | null } {
  if (ArrayBuffer.isView(v)) return { data: v as unknown as ArrayLike<number>, shape: null };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return { data: v as number[], shape: null };
    const shape: number[] = [];
    for (let level: unknown = v; Array.isArray(level); level = level[0]) shape.push(level.length);
    const flat: number[] = [];
    flatten(name, v, shape, 0, flat);
    return { data: flat, shape };
  }
  if (typeof v === 'object' && v !== null && 'data' in v && 'shape' in v) {
    const { data, shape } = v;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new InputError(`input '${name}': shape must be an array of non-negative integers`);
    if (!ArrayBuffer.isView(data) && !Array.isArray(data)) throw new InputError(`input '${name}': data must be a typed array or an array of numbers`);
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    if (data.length !== n) throw new InputError(`input '${name}': shape [${shape.join(', ')}] holds ${n} values, data has ${data.length}`);
    return { data, shape: [...shape] };
  }
  throw new InputError(`input '${name}': expected a typed array, an array of numbers, a nested array or {data, shape}`);
}

function flatten(name: string, v: unknown, shape: readonly number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') throw new InputError(`input '${name}': nested array is not rectangular (expected a number at depth ${depth})`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) throw new InputError(`input '${name}': nested array is not rectangular (expected ${shape[depth]} entries at depth ${depth})`);
  for (const x of v) flatten(name, x, shape, depth + 1, out);
}

/** Bind plain dimension names from an explicit shape; a rank short by the axes the program fixes to 1 is accepted. */
function bindShape(g: Given, fixed: Dims, dims: Record<string, number>): void {
  const want = g.tensor.shape;
  let shape = g.shape!;
  const squeezable = want.map((e, j) => (typeof e === 'string' && fixed[e] === 1 ? j : -1)).filter((j) => j >= 0);
  if (shape.length !== want.length && shape.length === want.length - squeezable.length) {
    const full: number[] = [];
    for (let j = 0, k = 0; j < want.length; j++) full.push(squeezable.includes(j) ? 1 : shape[k++]!);
    shape = g.shape = full;
  }
  if (shape.length !== want.length) throw shapeError(g, shape);
  want.forEach((e, j) => {
    const known = typeof e === 'number' ? e : typeof e === 'string' ? dims[e] : undefined;
    if (known !== undefined && known !== shape[j]) throw shapeError(g, shape);
    if (typeof e === 'string' && known === undefined && shape[j]! >= 1) dims[e] = shape[j]!;
  });
}

/** A flat array binds the one unknown plain dim of its shape by division; repeat while that makes progress. */
function bindFlat(flat: readonly Given[], dims: Record<string, number>): void {
  let open = [...flat];
  for (let progress = true; progress && open.length;) {
    progress = false;
    open = open.filter((g) => {
      const unknown = g.tensor.shape.filter((e) => typeof e === 'string' && dims[e] === undefined) as string[];
      const others = g.tensor.shape.filter((e) => !(typeof e === 'string' && dims[e] === undefined));
      if (unknown.length === 0) return false;
      if (unknown.length > 1 || !others.every((e) => mentioned(e).every((d) => dims[d] !== undefined))) return true;
      const rest = others.reduce<number>((a, e) => a * sizeAt(e, dims, `input '${g.input.name}'`), 1);
      const n = rest === 0 ? NaN : g.data.length / rest;
      if (!Number.isInteger(n) || n < 1) throw new InputError(`input '${g.input.name}': expected shape ${formatShape(g.tensor.shape)}, got ${g.data.length} values (not a multiple of ${rest})`);
      dims[unknown[0]!] = n;
      progress = true;
      return false;
    });
  }
  const g = open[0];
  if (g) {
    const missing = [...new Set(g.tensor.shape.flatMap(mentioned).filter((d) => dims[d] === undefined))];
    throw new InputError(`input '${g.input.name}': cannot infer ${missing.join(', ')} from a flat array of ${g.data.length} values; pass {data, shape} or give them in dims`);
  }
}

function mentioned(e: SizeExpr): string[] {
  return typeof e === 'string' ? [e] : typeof e === 'number' ? [] : e.slice(1).flatMap((x) => mentioned(x as SizeExpr));
}

function checkShape(g: Given, dims: Dims): number[] {
  const want = g.tensor.shape.map((e, j) => sizeAt(e, dims, `input '${g.input.name}' shape[${j}]`));
  if (g.shape ? want.some((w, j) => w !== g.shape![j]) : want.reduce((a, b) => a * b, 1) !== g.data.length) {
    throw shapeError(g, g.shape, want);
  }
  return want;
}

function shapeError(g: Given, got: readonly number[] | null, want?: readonly number[]): InputError {
  const concrete = want ? ` = [${want.join(', ')}]` : '';
  const gotText = got ? `[${got.join(', ')}]` : `${g.data.length} values`;
  return new InputError(`input '${g.input.name}': expected shape ${formatShape(g.tensor.shape)}${got ? '' : concrete}, got ${gotText}`);
}

function convert(g: Given, _shape: readonly number[], dims: Dims): Float32Array | Int32Array {
  const { input, data } = g;
  const name = input.name;
  if (g.tensor.dtype === 'f32') {
    if (data instanceof Int32Array) throw new InputError(`input '${name}' is f32: pass a Float32Array or numbers, got an Int32Array`);
    return data instanceof Float32Array ? data : Float32Array.from(data);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof Int32Array)) {
    throw new InputError(`input '${name}' holds i32 ${input.role.kind === 'lengths' ? 'lengths' : 'indices'}: pass an Int32Array or integers, got a ${data.constructor.name}`);
  }
  const [lo, hi] = input.role.kind === 'index' ? [0, input.role.bound - 1]
    : input.role.kind === 'lengths' ? [1, typeof input.role.dim === 'number' ? input.role.dim : dims[input.role.dim] ?? 0]
    : [-(2 ** 31), 2 ** 31 - 1];
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new InputError(`input '${name}': value ${v} at index ${i} is out of range [${lo}, ${hi}]${input.role.kind === 'index' ? ` (indices below ${hi + 1})` : ''}`);
    }
  }
  return data instanceof Int32Array ? data : Int32Array.from(data);
}

/** `[batch, time, 3]`, formulas as `cdiv(n, 64)` / `(a + b)` / `a*b`. */
export function formatShape(shape: readonly SizeExpr[]): string {
  return `[${shape.map(formatSize).join(', ')}]`;
}

function formatSize(e: SizeExpr): string {
  if (typeof e !== 'object') return String(e);
  const [op, ...args] = e;
  const xs = args.map((a) => formatSize(a as SizeExpr));
  return op === '+' ? `(${xs.join(' + ')})` : op === '*' ? xs.join('*') : `${op}(${xs.join(', ')})`;
}
