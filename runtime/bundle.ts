// The GPU bundle format (spec/bundle.md): what the compiler writes and the runtime loads.
// The runtime owns these types because it consumes them; the compiler imports them as types only.
// Everything here is plain JSON so a bundle is one self-describing file.

export const BUNDLE_FORMAT = 'rnnc-bundle';
export const BUNDLE_VERSION = 1;

/**
 * A size formula over the run-time dimensions: a constant, a dimension name, or an
 * operation on sub-formulas. Kept as JSON arrays so the runtime evaluates it without eval():
 * `['*', 'batch', 'time', 64]`, `['cdiv', ['*', 'batch', 64], 64]` (ceiling division), `['max', a, b]`.
 */
export type SizeExpr = number | string | readonly [SizeOp, ...SizeExpr[]];
export type SizeOp = '+' | '*' | 'cdiv' | 'max' | 'min';

export type BundleDType = 'f32' | 'i32';

/** The physical GPU buffers. Kernels bind them by name; every tensor lives in one of the two arenas. */
export type ResourceName = 'params' | 'grads' | 'opt' | 'arena' | 'ints' | 'partials';

export interface BundleInit {
  readonly kind: 'zeros' | 'ones' | 'constant' | 'uniform' | 'normal' | 'xavier_uniform' | 'orthogonal' | 'forget_bias';
  readonly value?: number; readonly bound?: number; readonly std?: number; readonly hidden?: number;
}

/** A trainable parameter: `count` floats at element `offset` of the params buffer (and of grads). */
export interface BundleParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly init: BundleInit;
}

/**
 * A tensor in an arena (f32 tensors in `arena`, i32 tensors in `ints`). Tensors with the same `slot`
 * share memory (their live ranges never overlap); the runtime sizes each slot as the largest of its
 * tensors at the current dimensions and lays slots out in order. `persistent` tensors (streaming state)
 * keep their contents between programs.
 */
export interface BundleTensor {
  readonly name: string;
  readonly dtype: BundleDType;
  readonly shape: readonly SizeExpr[];
  readonly slot: number;
  readonly persistent?: boolean;
}

export interface BundleInput {
  readonly name: string;
  readonly tensor: string;
  readonly role: { readonly kind: 'float' } | { readonly kind: 'index'; readonly bound: number } | { readonly kind: 'lengths'; readonly dim: string | number };
  /** Programs that read this input (an input used only by the loss is not needed for inference). */
  readonly programs: readonly ProgramName[];
}

export interface BundleOutput { readonly name: string; readonly tensor: string }

/**
 * One field of the per-run uniform struct `Run` (group 1, binding 0), all 32-bit, in this order.
 * dim: a dimension's value; offset: element offset of a tensor in its arena; step: optimizer step count;
 * lr: learning rate of this step (f32 bits); seed: dropout seed; training: 1 in train_step, 0 otherwise.
 */
export type UniformField =
  | { readonly kind: 'dim'; readonly name: string }
  | { readonly kind: 'offset'; readonly tensor: string }
  | { readonly kind: 'step' | 'lr' | 'seed' | 'training' | 'clip' | 'stream_t' };

export interface BundleBinding { readonly resource: ResourceName; readonly access: 'read' | 'read_write' }

export interface BundleKernel {
  readonly name: string;
  readonly wgsl: string;
  readonly entryPoint: string;
  readonly workgroupSize: readonly [number, number, number];
  /** Index i here is `@group(0) @binding(i)` in the WGSL. Group 1 is always (Run uniform, Step uniform). */
  readonly bindings: readonly BundleBinding[];
  /** Bytes of workgroup memory the kernel declares (checked against the adapter's limit). */
  readonly workgroupBytes: number;
}

/**
 * One dispatch. With `loop`, it is recorded `count` times with the Step uniform's `t` = 0..count−1
 * (selected by a dynamic offset: no per-step uniform writes or bind groups).
 */
export interface Dispatch {
  readonly kernel: number;
  readonly grid: readonly [SizeExpr, SizeExpr, SizeExpr];
  readonly loop?: { readonly count: SizeExpr };
}

export type ProgramName = 'infer' | 'train_step' | 'stream_step';

export interface Program {
  readonly dispatches: readonly Dispatch[];
  /** Tensors written by the host before the dispatches (inputs) and readable after. */
  readonly reads: readonly string[];
}

export interface ScheduleNote { readonly layer: string; readonly choice: string; readonly reason: string }

export interface BundleTraining {
  readonly optimizer: 'sgd' | 'adam' | 'adamw';
  readonly lr: number; readonly momentum: number; readonly nesterov: boolean;
  readonly beta1: number; readonly beta2: number; readonly eps: number;
  readonly weightDecay: number; readonly clipNorm: number | null;
  readonly schedule: { readonly kind: 'constant' | 'cosine' | 'linear'; readonly warmup: number; readonly minLr: number; readonly totalSteps: number | null };
  readonly batchSize: number; readonly epochs: number; readonly seed: number;
  /** Floats of optimizer state per parameter (0 sgd without momentum, 1 momentum, 2 adam). */
  readonly stateSlots: number;
}

export interface Bundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
  readonly model: string;
  readonly dims: readonly string[];
  readonly inputs: readonly BundleInput[];
  readonly outputs: readonly BundleOutput[];
  /** The loss tensor (a scalar), when the model has one. */
  readonly loss: string | null;
  readonly params: readonly BundleParam[];
  readonly paramCount: number;
  readonly tensors: readonly BundleTensor[];
  readonly uniforms: readonly UniformField[];
  /** Floats of the `partials` buffer (per-workgroup partial sums, e.g. for the gradient norm). */
  readonly partials: number;
  readonly kernels: readonly BundleKernel[];
  readonly programs: { readonly infer: Program; readonly train_step?: Program; readonly stream_step?: Program };
  readonly training: BundleTraining | null;
  readonly schedules: readonly ScheduleNote[];
}

/** Evaluate a size formula at concrete dimensions. Throws on unknown names (bundles are validated first). */
export function evalSize(e: SizeExpr, dims: Readonly<Record<string, number>>): number {
  if (typeof e === 'number') return e;
  if (typeof e === 'string') {
    const v = dims[e];
    if (v === undefined) throw new Error(`unknown dimension '${e}'`);
    return v;
  }
  const [op, ...args] = e;
  const xs = args.map((a) => evalSize(a, dims));
  switch (op) {
    case '+': return xs.reduce((a, b) => a + b, 0);
    case '*': return xs.reduce((a, b) => a * b, 1);
    case 'max': return Math.max(...xs);
    case 'min': return Math.min(...xs);
    case 'cdiv': return Math.ceil((xs[0] ?? 0) / (xs[1] ?? 1));
  }
}
