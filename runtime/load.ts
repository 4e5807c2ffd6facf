// loadModel: validate the bundle (and any checkpoint or weights) on the host, then do all GPU setup at
// once: pipelines, buffers, bind groups, initial parameters. Nothing is compiled or bound after this.
import { layoutArena } from './arena.ts';
import type { Bundle, ProgramName } from './bundle.ts';
import { checkpointFromSafetensors, weightUpdates, type CheckpointState, type Weights } from './checkpoint.ts';
import { requestModelDevice } from './device.ts';
import { InputError } from './errors.ts';
import { Executor } from './executor.ts';
import { scoped } from './gpu-errors.ts';
import { initParam } from './init.ts';
import type { Dims } from './inputs.ts';
import { readLimits } from './limits.ts';
import { Model, type DeviceLost } from './model.ts';
import { compileKernels } from './pipelines.ts';
import { Resources } from './resources.ts';
import { sizeAt } from './size-expr.ts';
import { StagingPool } from './staging.ts';
import { validateBundle } from './validate.ts';

export interface LoadOptions {
  /** The device to use; without one, loadModel requests its own (and dispose() destroys it). */
  readonly device?: GPUDevice;
  /** Where to get a device when none is given (default navigator.gpu; in Node the `webgpu` package's GPU). */
  readonly gpu?: GPU;
  /** Seed of the parameter init and of dropout (default: the bundle's training seed, else 0). */
  readonly seed?: number;
  /** Start from this checkpoint (saveCheckpoint()'s bytes): weights, optimizer state, step count. */
  readonly checkpoint?: Uint8Array;
  /** Start from these weights (a record or safetensors bytes with every parameter). */
  readonly weights?: Weights | Uint8Array;
  /** Size the arenas for these dims up front, so runs up to them allocate and bind nothing. */
  readonly dims?: Dims;
  /**
   * Compile only the kernels these programs dispatch (default: every program's). Pipeline compilation is
   * most of the load time (on SwiftShader, hundreds of ms per kernel); running another program is an error.
   */
  readonly programs?: readonly ProgramName[];
  /** Prefix of every GPU object's label. */
  readonly label?: string;
  readonly onDeviceLost?: (info: DeviceLost) => void;
}

const UNCHECKED = Object.fromEntries(Object.keys(readLimits()).map((k) => [k, Number.MAX_SAFE_INTEGER]));

export async function loadModel(json: unknown, options: LoadOptions = {}): Promise<Model> {
  // Everything about the files is checked before the first GPU call (device limits when we know them).
  const checks = (device?: GPUDevice) => ({ ...(options.dims ? { dims: options.dims } : {}), ...(device ? { deviceFeatures: device.features as ReadonlySet<string> } : {}) });
  let bundle = validateBundle(json, options.device?.limits ?? UNCHECKED, checks(options.device));
  const seed = options.seed ?? bundle.training?.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError(`seed: expected an integer in [0, 2^32), got ${seed}`);
  const checkpoint = options.checkpoint ? checkpointFromSafetensors(bundle, options.checkpoint) : null;
  const weights = options.weights ? weightUpdates(bundle, options.weights, true) : null;
  const owned = !options.device;
  const device = options.device ?? await requestModelDevice(options.gpu, bundle.features);
  try {
    if (owned) bundle = validateBundle(bundle, device.limits, checks(device));
    return await build(device, bundle, seed, owned, options, checkpoint, weights);
  } catch (e) {
    if (owned) device.destroy();
    throw e;
  }
}

/** The indices of the kernels `programs` dispatch: what loadModel compiles with LoadOptions.programs. */
export function programKernels(bundle: Bundle, programs: readonly ProgramName[]): Set<number> {
  return new Set(programs.flatMap((p) => bundle.programs[p]?.dispatches.map((d) => d.kernel) ?? []));
}

async function build(
  device: GPUDevice, bundle: Bundle, seed: number, owned: boolean, options: LoadOptions,
  checkpoint: CheckpointState | null, weights: { offset: number; data: Float32Array }[] | null,
): Promise<Model> {
  const label = options.label ?? `rnnc:${bundle.model}`;
  const limits = readLimits(device.limits);
  const only = options.programs === undefined ? undefined : programKernels(bundle, options.programs);
  const compiled = await compileKernels(device, bundle, label, only);
  const { value: resources, done } = scoped(device, `${label} setup`, () => new Resources(device, bundle, compiled, label, capacity(bundle, options.dims)));
  try {
    await done;
  } catch (e) {
    resources.destroy();
    throw e;
  }
  const executor = new Executor(device, bundle, compiled, resources, new StagingPool(device, label), limits, label);
  const model = new Model(bundle, device, executor, seed, owned, options.onDeviceLost);
  try {
    if (checkpoint) {
      await model.restoreCheckpoint(model.lastCheckpoint = options.checkpoint!);
    } else {
      await executor.write('params', 0, initialParams(bundle, seed));
      for (const w of weights ?? []) await executor.write('params', w.offset, w.data);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Parameters drawn from their init specs (runtime/init.ts: the same numbers as the CPU reference). */
export function initialParams(bundle: Bundle, seed: number): Float32Array {
  const flat = new Float32Array(bundle.paramCount);
  for (const p of bundle.params) flat.set(initParam(p, seed), p.offset);
  return flat;
}

/** Arena bytes and loop length for the dims hint (small defaults without one: they grow on demand). */
function capacity(bundle: Bundle, dims?: Dims): { arena: number; ints: number; steps: number } {
  if (!dims) return { arena: 256, ints: 256, steps: 64 };
  const layout = layoutArena(bundle.tensors, dims);
  let steps = 1;
  for (const program of Object.values(bundle.programs)) {
    for (const d of program?.dispatches ?? []) {
      try {
        if (d.loop) steps = Math.max(steps, sizeAt(d.loop.count, dims, 'loop'));
      } catch { /* a count over dims the hint does not give: grows on demand */ }
    }
  }
  return { arena: layout.bytes.f32, ints: layout.bytes.i32, steps };
}
