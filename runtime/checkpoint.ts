// Weights and checkpoints as safetensors (runtime/safetensors.ts), on the host only. Weights use the
// bundle's parameter names, which are PyTorch's (`enc.weight_ih_l0`), so a state_dict loads them as is.
// A checkpoint adds the optimizer state as `optimizer.<state>.<param>` (PyTorch's state names) and the
// step count in the metadata.
import type { Bundle } from './bundle.ts';
import { InputError } from './errors.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import type { Tensor } from './tensor.ts';

export const CHECKPOINT_FORMAT = 'rnnc-checkpoint';

export type WeightValue = Float32Array | Float64Array | readonly number[] | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
export type Weights = Readonly<Record<string, WeightValue>>;

/** Names of the optimizer state planes, PyTorch's `optimizer.state[p]` keys. */
export function stateNames(bundle: Bundle): string[] {
  const t = bundle.training;
  if (!t) return [];
  const known = t.optimizer === 'sgd' ? ['momentum_buffer'] : ['exp_avg', 'exp_avg_sq'];
  return Array.from({ length: t.stateSlots }, (_, k) => known[k] ?? `state${k}`);
}

/** Per-parameter views of the flat params buffer, as a name → Float32Array record (copies). */
export function splitParams(bundle: Bundle, flat: Float32Array): Record<string, Float32Array> {
  return Object.fromEntries(bundle.params.map((p) => [p.name, flat.slice(p.offset, p.offset + count(p.shape))]));
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function tensors(bundle: Bundle, flat: Float32Array, prefix = ''): [string, Tensor][] {
  return bundle.params.map((p) => [`${prefix}${p.name}`, { dtype: 'f32', shape: p.shape, data: flat.subarray(p.offset, p.offset + count(p.shape)) }]);
}

export function weightsToSafetensors(bundle: Bundle, params: Float32Array): Uint8Array {
  return writeSafetensors(tensors(bundle, params), { format: 'pt' });
}

export interface CheckpointState {
  readonly params: Float32Array;
  readonly opt: Float32Array;
  readonly step: number;
  readonly totalSteps: number | null;
}

export function checkpointToSafetensors(bundle: Bundle, s: CheckpointState): Uint8Array {
  const opt = stateNames(bundle).flatMap((name, k) => tensors(bundle, s.opt.subarray(k * bundle.paramCount, (k + 1) * bundle.paramCount), `optimizer.${name}.`));
  return writeSafetensors([...tensors(bundle, s.params), ...opt], {
    format: CHECKPOINT_FORMAT, model: bundle.model, step: String(s.step),
    ...(s.totalSteps === null ? {} : { total_steps: String(s.totalSteps) }),
  });
}

function read(bytes: Uint8Array, what: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array)) throw new InputError(`${what}: expected safetensors bytes (a Uint8Array)`);
  try {
    return readSafetensors(bytes);
  } catch (e) {
    throw new InputError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function checkpointFromSafetensors(bundle: Bundle, bytes: Uint8Array): CheckpointState {
  const file = read(bytes, 'checkpoint');
  const meta = file.metadata;
  if (meta.format !== CHECKPOINT_FORMAT) throw new InputError(`checkpoint: not an rnnc checkpoint (metadata format '${meta.format ?? ''}'); load weights with setWeights()`);
  if (meta.model !== bundle.model) throw new InputError(`checkpoint: saved from model '${meta.model ?? ''}', this is '${bundle.model}'`);
  const step = Number(meta.step);
  if (!Number.isSafeInteger(step) || step < 0) throw new InputError(`checkpoint: bad step count '${meta.step ?? ''}'`);
  const total = meta.total_steps === undefined ? null : Number(meta.total_steps);
  if (total !== null && (!Number.isSafeInteger(total) || total < 1)) throw new InputError(`checkpoint: bad total_steps '${meta.total_steps}'`);
  const params = new Float32Array(bundle.paramCount);
  fill(bundle, file.tensors, params, '', 'checkpoint', true);
  const opt = new Float32Array(bundle.paramCount * (bundle.training?.stateSlots ?? 0));
  stateNames(bundle).forEach((name, k) => fill(bundle, file.tensors, opt.subarray(k * bundle.paramCount), `optimizer.${name}.`, 'checkpoint', true));
  const expected = bundle.params.length * (1 + stateNames(bundle).length);
  if (file.tensors.size !== expected) {
    const extra = [...file.tensors.keys()].find((k) => !bundle.params.some((p) => k === p.name || k.endsWith(`.${p.name}`)));
    throw new InputError(`checkpoint: unexpected tensor '${extra ?? '?'}' (this model's checkpoints hold ${expected} tensors, the file ${file.tensors.size})`);
  }
  return { params, opt, step, totalSteps: total };
}

/** The parameter updates a weights record or safetensors file asks for, checked against the model. */
export function weightUpdates(bundle: Bundle, source: Weights | Uint8Array, strict: boolean): { offset: number; data: Float32Array }[] {
  const byName = new Map<string, { data: ArrayLike<number>; shape: readonly number[] | null }>();
  if (source instanceof Uint8Array) {
    for (const [k, t] of read(source, 'weights').tensors) byName.set(k, { data: t.data, shape: t.shape });
  } else if (typeof source === 'object' && source !== null) {
    for (const [k, v] of Object.entries(source)) {
      const shaped = typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
      byName.set(k, shaped ? { data: v.data, shape: v.shape } : { data: v as ArrayLike<number>, shape: null });
    }
  } else {
    throw new InputError('weights: expected a record of name → Float32Array or safetensors bytes');
  }
  const known = new Set(bundle.params.map((p) => p.name));
  for (const k of byName.keys()) if (!known.has(k)) throw new InputError(`weights: unknown parameter '${k}' (the model's are ${[...known].join(', ')})`);
  const missing = bundle.params.filter((p) => !byName.has(p.name)).map((p) => p.name);
  if (strict && missing.length) throw new InputError(`weights: missing ${missing.map((m) => `'${m}'`).join(', ')} (pass { strict: false } to set only some)`);
  return bundle.params.filter((p) => byName.has(p.name)).map((p) => {
    const v = byName.get(p.name)!;
    const data = check(p.name, p.shape, v.data, v.shape, 'weights');
    return { offset: p.offset, data };
  });
}

function fill(bundle: Bundle, from: Map<string, Tensor>, into: Float32Array, prefix: string, what: string, required: boolean): void {
  for (const p of bundle.params) {
    const t = from.get(prefix + p.name);
    if (!t) {
      if (required) throw new InputError(`${what}: missing tensor '${prefix}${p.name}'`);
      continue;
    }
    into.set(check(prefix + p.name, p.shape, t.data, t.shape, what), p.offset);
  }
}

function check(name: string, shape: readonly number[], data: ArrayLike<number>, got: readonly number[] | null, what: string): Float32Array {
  if (data instanceof Int32Array) throw new InputError(`${what}: '${name}' holds integers, parameters are floats`);
  if (got !== null && (got.length !== shape.length || got.some((d, i) => d !== shape[i]))) {
    throw new InputError(`${what}: '${name}': expected shape [${shape.join(', ')}], got [${got.join(', ')}]`);
  }
  if (data.length !== count(shape)) throw new InputError(`${what}: '${name}': expected ${count(shape)} values (shape [${shape.join(', ')}]), got ${data.length}`);
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
