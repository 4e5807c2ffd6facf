// validateBundle: the whole check of an untrusted bundle, before any GPU call. Top level, dims,
// tensors, params and the host interface live here; kernels/programs and training have their own files.
import { BUNDLE_FEATURES, BUNDLE_FORMAT, BUNDLE_VERSION, type Bundle, type BundleFeature, type BundleTensor } from './bundle.ts';
import { layoutArena, type ArenaLayout } from './arena.ts';
import { BundleError, InputError } from './errors.ts';
import { arr, at, bool, describe, fail, ident, int, num, obj, oneOf, str, unique, type Obj } from './json-check.ts';
import { readLimits, type Limits } from './limits.ts';
import { checkSizeExpr, MAX_SIZE } from './size-expr.ts';
import { PROGRAM_NAMES, tensorRef, type Ctx } from './validate-context.ts';
import { checkKernels, checkPrograms } from './validate-kernels.ts';
import { checkTraining } from './validate-training.ts';

export interface ValidateOptions {
  /** Also check that the arenas fit the device's binding size at these dims. */
  readonly dims?: Readonly<Record<string, number>>;
  /** The device's features, when it is known: the bundle's features must be among them. */
  readonly deviceFeatures?: ReadonlySet<string>;
}

const TOP = ['format', 'version', 'model', 'dims', 'inputs', 'outputs', 'loss', 'params', 'paramCount', 'tensors',
  'uniforms', 'partials', 'kernels', 'programs', 'training', 'schedules'] as const;
const MAX_BUNDLE_CHARS = 64 * 2 ** 20;
const MAX_LIST = 100_000;

export function validateBundle(json: unknown, limits?: Partial<Limits> | GPUSupportedLimits, options: ValidateOptions = {}): Bundle {
  const root = toPlainJson(json);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) fail('bundle', `expected an object, got ${describe(root)}`);
  const top = root as Obj;
  if (at(top, 'format') !== BUNDLE_FORMAT) fail('bundle.format', `expected '${BUNDLE_FORMAT}', got ${describe(at(top, 'format'))}`);
  const version = at(top, 'version');
  if (version !== BUNDLE_VERSION) fail('bundle.version', `unsupported version ${describe(version)} (this runtime reads version ${BUNDLE_VERSION})`);
  const b = obj(top, 'bundle', TOP, ['features']);
  const features = checkFeatures(at(b, 'features'), options.deviceFeatures);
  str(at(b, 'model'), 'bundle.model');

  const dims = new Set<string>();
  arr(at(b, 'dims'), 'bundle.dims', 64).forEach((d, i) => {
    const name = ident(d, `bundle.dims[${i}]`);
    if (dims.has(name)) fail(`bundle.dims[${i}]`, `duplicate dimension '${name}'`);
    dims.add(name);
  });
  const programs = obj(at(b, 'programs'), 'bundle.programs', ['infer'], ['train_step', 'gradients', 'stream_step']);
  const ctx: Ctx = {
    limits: readLimits(limits), dims, tensors: checkTensors(at(b, 'tensors'), dims),
    programs: new Set(PROGRAM_NAMES.filter((p) => Object.hasOwn(programs, p))),
  };
  const paramCount = int(at(b, 'paramCount'), 'bundle.paramCount', 0, ctx.limits.maxStorageBufferBindingSize / 4);
  checkParams(at(b, 'params'), paramCount);
  const inputGradients: string[] = [];
  const inputTensors = checkInputs(at(b, 'inputs'), ctx, inputGradients);
  const outputs = checkOutputs(at(b, 'outputs'), ctx);
  const loss = at(b, 'loss') === null ? null : tensorRef(at(b, 'loss'), 'bundle.loss', ctx);
  if (loss !== null && (loss.dtype !== 'f32' || !loss.shape.every((d) => d === 1))) {
    fail('bundle.loss', `the loss tensor '${loss.name}' must be an f32 scalar (shape [] or all 1s)`);
  }
  checkUniforms(at(b, 'uniforms'), ctx);
  int(at(b, 'partials'), 'bundle.partials', 0, ctx.limits.maxStorageBufferBindingSize / 4);
  const kernels = checkKernels(at(b, 'kernels'), ctx, features);
  const reads = checkPrograms(programs, kernels, ctx);
  for (const [program, tensors] of inputTensors) {
    const touched = (at(programs, program) as { tensors?: readonly string[] }).tensors;
    for (const t of tensors) {
      if (touched && !touched.includes(t)) fail(`bundle.programs.${program}.tensors`, `must include the tensor '${t}' of an input it reads`);
    }
  }
  for (const [name, tensor] of outputs) {
    if (![...reads.values()].some((r) => r.has(tensor))) fail('bundle.outputs', `output '${name}' (tensor '${tensor}') is in no program's reads`);
  }
  const training = at(b, 'training') === null ? null : checkTraining(at(b, 'training'), paramCount, ctx);
  if (ctx.programs.has('train_step')) {
    if (training === null) fail('bundle.training', 'a bundle with a train_step program needs training settings');
    if (loss === null) fail('bundle.loss', 'a bundle with a train_step program needs a loss tensor');
    if (!reads.get('train_step')?.has(loss.name)) fail('bundle.programs.train_step.reads', `must include the loss tensor '${loss.name}'`);
  }
  if (ctx.programs.has('gradients')) {
    if (loss === null) fail('bundle.loss', 'a bundle with a gradients program needs a loss tensor');
    if (!reads.get('gradients')?.has(loss.name)) fail('bundle.programs.gradients.reads', `must include the loss tensor '${loss.name}'`);
    for (const g of inputGradients) {
      if (!reads.get('gradients')?.has(g)) fail('bundle.programs.gradients.reads', `must include the input gradient tensor '${g}'`);
    }
  }
  arr(at(b, 'schedules'), 'bundle.schedules', MAX_LIST).forEach((s, i) => {
    const p = `bundle.schedules[${i}]`;
    const o = obj(s, p, ['layer', 'choice', 'reason']);
    str(at(o, 'layer'), `${p}.layer`); str(at(o, 'choice'), `${p}.choice`); str(at(o, 'reason'), `${p}.reason`, 4096);
  });
  const bundle = deepFreeze(root) as Bundle;
  if (options.dims) checkArenaFits(bundle, options.dims, ctx.limits);
  return bundle;
}

/** The optional `features` list: known names, once each, and present on the device when it is known. */
function checkFeatures(v: unknown, device: ReadonlySet<string> | undefined): ReadonlySet<BundleFeature> {
  if (v === undefined) return new Set();
  const list = arr(v, 'bundle.features', BUNDLE_FEATURES.length).map((f, i) => oneOf(f, `bundle.features[${i}]`, BUNDLE_FEATURES, 'feature'));
  list.forEach((f, i) => { if (list.indexOf(f) !== i) fail(`bundle.features[${i}]`, `duplicate feature '${f}'`); });
  for (const f of list) {
    if (device && !device.has(f)) {
      fail('bundle.features', `the kernels use the WebGPU feature '${f}', which this device was not created with ` +
        `(request it with requestDevice({ requiredFeatures: ['${f}'] }) on an adapter that has it, or compile the model without ${f})`);
    }
  }
  return new Set(list);
}

/** A private, plain-JSON copy: later changes by the caller cannot reach the validated bundle. */
function toPlainJson(json: unknown): unknown {
  try {
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    if (typeof text !== 'string') fail('bundle', `expected a JSON object, got ${describe(json)}`);
    if (text.length > MAX_BUNDLE_CHARS) fail('bundle', `too large (${text.length} characters, at most ${MAX_BUNDLE_CHARS})`);
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (e instanceof BundleError) throw e;
    return fail('bundle', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

function checkTensors(v: unknown, dims: ReadonlySet<string>): Map<string, BundleTensor> {
  const tensors = new Map<string, BundleTensor>();
  const slots = new Map<number, { dtype: string; persistent: boolean; first: string }>();
  arr(v, 'bundle.tensors', MAX_LIST).forEach((t, i) => {
    const p = `bundle.tensors[${i}]`;
    const o = obj(t, p, ['name', 'dtype', 'shape', 'slot'], ['persistent']);
    const name = str(at(o, 'name'), `${p}.name`);
    const dtype = oneOf(at(o, 'dtype'), `${p}.dtype`, ['f32', 'i32'] as const, 'dtype');
    arr(at(o, 'shape'), `${p}.shape`, 8).forEach((d, j) => checkSizeExpr(d, `${p}.shape[${j}]`, dims));
    const slot = int(at(o, 'slot'), `${p}.slot`, 0, MAX_LIST);
    const persistent = at(o, 'persistent') === undefined ? false : bool(at(o, 'persistent'), `${p}.persistent`);
    unique(tensors, name, `${p}.name`, 'tensor', o);
    const s = slots.get(slot);
    if (!s) slots.set(slot, { dtype, persistent, first: name });
    else if (s.dtype !== dtype) fail(`${p}.slot`, `slot ${slot} holds ${s.dtype} tensors ('${s.first}'), '${name}' is ${dtype}`);
    else if (s.persistent || persistent) fail(`${p}.slot`, `slot ${slot} is shared with '${s.first}', but a persistent tensor owns its slot alone`);
  });
  return tensors;
}

function checkParams(v: unknown, paramCount: number): void {
  const names = new Map<string, unknown>();
  const spans: { start: number; end: number; name: string; index: number }[] = [];
  arr(v, 'bundle.params', MAX_LIST).forEach((x, i) => {
    const p = `bundle.params[${i}]`;
    const o = obj(x, p, ['name', 'shape', 'offset', 'init']);
    const name = str(at(o, 'name'), `${p}.name`);
    unique(names, name, `${p}.name`, 'parameter', o);
    const shape = arr(at(o, 'shape'), `${p}.shape`, 8).map((d, j) => int(d, `${p}.shape[${j}]`, 1, MAX_SIZE));
    const count = shape.reduce((a, b) => a * b, 1);
    const offset = int(at(o, 'offset'), `${p}.offset`, 0, paramCount);
    if (offset + count > paramCount) fail(`${p}.offset`, `'${name}' (${count} values at ${offset}) extends past paramCount ${paramCount}`);
    checkInit(at(o, 'init'), `${p}.init`, shape, count);
    spans.push({ start: offset, end: offset + count, name, index: i });
  });
  spans.sort((a, b) => a.start - b.start);
  spans.forEach((s, k) => {
    const prev = spans[k - 1];
    if (prev && s.start < prev.end) {
      fail(`bundle.params[${s.index}].offset`, `'${s.name}' [${s.start}, ${s.end}) overlaps '${prev.name}' [${prev.start}, ${prev.end})`);
    }
  });
}

function checkInit(v: unknown, p: string, shape: readonly number[], count: number): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, `expected an object, got ${describe(v)}`);
  const kind = oneOf(at(v as Obj, 'kind'), `${p}.kind`, ['zeros', 'ones', 'constant', 'uniform', 'normal', 'xavier_uniform', 'orthogonal', 'forget_bias'] as const, 'init kind');
  const fields = { constant: ['value'], uniform: ['bound'], normal: ['std'], forget_bias: ['value', 'hidden'] } as Record<string, string[]>;
  const o = obj(v, p, ['kind', ...(fields[kind] ?? [])]);
  if (kind === 'constant' || kind === 'forget_bias') num(at(o, 'value'), `${p}.value`);
  if (kind === 'uniform') num(at(o, 'bound'), `${p}.bound`, 0);
  if (kind === 'normal') num(at(o, 'std'), `${p}.std`, 0);
  if (kind === 'forget_bias') {
    const hidden = int(at(o, 'hidden'), `${p}.hidden`, 1, MAX_SIZE);
    if (2 * hidden > count) fail(`${p}.hidden`, `the forget-gate slice [${hidden}, ${2 * hidden}) does not fit ${count} values`);
  }
  if ((kind === 'xavier_uniform' || kind === 'orthogonal') && shape.length < 2) {
    fail(`${p}.kind`, `'${kind}' needs a parameter of rank 2 or more, got shape [${shape.join(', ')}]`);
  }
}

/** Returns the input tensors of each program. */
function checkInputs(v: unknown, ctx: Ctx, inputGradients: string[]): Map<string, string[]> {
  const byProgram = new Map<string, string[]>();
  const names = new Map<string, unknown>();
  const tensors = new Map<string, unknown>();
  arr(v, 'bundle.inputs', 1024).forEach((x, i) => {
    const p = `bundle.inputs[${i}]`;
    const o = obj(x, p, ['name', 'tensor', 'role', 'programs'], ['gradient']);
    const name = str(at(o, 'name'), `${p}.name`);
    unique(names, name, `${p}.name`, 'input', o);
    const t = tensorRef(at(o, 'tensor'), `${p}.tensor`, ctx);
    if (tensors.has(t.name)) fail(`${p}.tensor`, `tensor '${t.name}' is already the tensor of input '${String(tensors.get(t.name))}'`);
    tensors.set(t.name, name);
    const rp = `${p}.role`;
    const r = at(o, 'role');
    if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(rp, `expected an object, got ${describe(r)}`);
    const kind = oneOf(at(r as Obj, 'kind'), `${rp}.kind`, ['float', 'index', 'lengths'] as const, 'input role');
    const role = obj(r, rp, kind === 'float' ? ['kind'] : kind === 'index' ? ['kind', 'bound'] : ['kind', 'dim']);
    if (kind === 'index') int(at(role, 'bound'), `${rp}.bound`, 1, 2 ** 31 - 1);
    if (kind === 'lengths') {
      const d = at(role, 'dim');
      if (typeof d === 'number') int(d, `${rp}.dim`, 1, MAX_SIZE);
      else if (!ctx.dims.has(ident(d, `${rp}.dim`))) fail(`${rp}.dim`, `unknown dimension '${String(d)}'`);
    }
    const want = kind === 'float' ? 'f32' : 'i32';
    if (t.dtype !== want) fail(`${p}.tensor`, `a${kind === 'index' ? 'n' : ''} ${kind} input needs an ${want} tensor, '${t.name}' is ${t.dtype}`);
    const progs = new Map<string, unknown>();
    if (Object.hasOwn(o, 'gradient')) {
      const g = tensorRef(at(o, 'gradient'), `${p}.gradient`, ctx);
      if (kind !== 'float') fail(`${p}.gradient`, `only float inputs have gradients, '${name}' is ${kind}`);
      if (g.dtype !== 'f32') fail(`${p}.gradient`, `a gradient needs an f32 tensor, '${g.name}' is ${g.dtype}`);
      if (!ctx.programs.has('gradients')) fail(`${p}.gradient`, "the bundle has no 'gradients' program");
      inputGradients.push(g.name);
    }
    arr(at(o, 'programs'), `${p}.programs`, 4).forEach((q, j) => {
      const name = oneOf(q, `${p}.programs[${j}]`, PROGRAM_NAMES, 'program');
      if (!ctx.programs.has(name)) fail(`${p}.programs[${j}]`, `the bundle has no '${name}' program`);
      unique(progs, name, `${p}.programs[${j}]`, 'program', q);
      byProgram.set(name, [...(byProgram.get(name) ?? []), t.name]);
    });
  });
  return byProgram;
}

function checkOutputs(v: unknown, ctx: Ctx): Map<string, string> {
  const outputs = new Map<string, string>();
  arr(v, 'bundle.outputs', 1024).forEach((x, i) => {
    const p = `bundle.outputs[${i}]`;
    const o = obj(x, p, ['name', 'tensor']);
    const name = str(at(o, 'name'), `${p}.name`);
    if (outputs.has(name)) fail(`${p}.name`, `duplicate output '${name}'`);
    outputs.set(name, tensorRef(at(o, 'tensor'), `${p}.tensor`, ctx).name);
  });
  return outputs;
}

function checkUniforms(v: unknown, ctx: Ctx): void {
  const seen = new Map<string, unknown>();
  const list = arr(v, 'bundle.uniforms', ctx.limits.maxUniformBufferBindingSize / 4);
  list.forEach((x, i) => {
    const p = `bundle.uniforms[${i}]`;
    if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(p, `expected an object, got ${describe(x)}`);
    const kind = oneOf(at(x as Obj, 'kind'), `${p}.kind`, ['dim', 'offset', 'step', 'lr', 'seed', 'training', 'clip', 'stream_t'] as const, 'uniform field');
    const o = obj(x, p, kind === 'dim' ? ['kind', 'name'] : kind === 'offset' ? ['kind', 'tensor'] : ['kind']);
    let id: string = kind;
    if (kind === 'dim') {
      const d = str(at(o, 'name'), `${p}.name`);
      if (!ctx.dims.has(d)) fail(`${p}.name`, `unknown dimension '${d}'`);
      id = `dim ${d}`;
    }
    if (kind === 'offset') id = `offset of ${tensorRef(at(o, 'tensor'), `${p}.tensor`, ctx).name}`;
    unique(seen, id, p, 'uniform field', x);
  });
}

/** Why the arenas at this layout exceed the device, if they do (checked at validation with `options.dims` and at every run). */
export function arenaLimitError(layout: ArenaLayout, limits: Limits): string | undefined {
  for (const [dtype, name] of [['f32', 'arena'], ['i32', 'ints']] as const) {
    if (layout.bytes[dtype] > limits.maxStorageBufferBindingSize) {
      return `the ${name} buffer needs ${layout.bytes[dtype]} bytes at these dims, more than the device's maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}`;
    }
  }
  return undefined;
}

function checkArenaFits(bundle: Bundle, dims: Readonly<Record<string, number>>, limits: Limits): void {
  let layout: ArenaLayout;
  try {
    layout = layoutArena(bundle.tensors, dims);
  } catch (e) {
    if (e instanceof InputError) fail('bundle.tensors', e.message);
    throw e;
  }
  const error = arenaLimitError(layout, limits);
  if (error) fail('bundle.tensors', error);
}
