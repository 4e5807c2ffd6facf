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

/** How a parameter starts (the checked model's `Init`; runtime/init.ts draws the values from the seed). */
export type BundleInit =
  | { readonly kind: 'zeros' | 'ones' | 'xavier_uniform' | 'orthogonal' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'forget_bias'; readonly value: number; readonly hidden: number };

/** A trainable parameter: `count` floats at element `offset` of the params buffer (and of grads). */
export interface BundleParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly init: BundleInit;
}

/**
 * A tensor in an arena (f32 tensors in `arena`, i32 tensors in `ints`). Tensors with the same `slot`
 * share memory (their live ranges never overlap; all of one dtype); the runtime sizes each slot as the
 * largest of its tensors at the current dimensions and lays slots out in order, 256-byte aligned,
 * persistent slots first. `persistent` tensors (streaming state) keep their contents between programs,
 * are zeroed on stream reset, and own their slot alone.
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
  /** For float inputs: the tensor the `gradients` program writes d(loss)/d(input) to. */
  readonly gradient?: string;
}

export interface BundleOutput { readonly name: string; readonly tensor: string }

/**
 * One field of the per-run uniform struct `Run` (group 1, binding 0), all 32-bit, in this order.
 * dim: a dimension's value (u32); offset: element offset of a tensor in its arena (u32);
 * step: the optimizer step this run is, counted from 1 (u32): train_step passes the steps completed
 * before it + 1 (Adam's bias-correction t; dropout masks are indexed by step − 1), gradients the next
 * step's unless asked for another; lr: learning rate of this step (f32); seed: the model's seed,
 * the same every run (u32; dropout masks vary with step); training: 1 when dropout is on (train_step,
 * and gradients when asked), 0 otherwise (u32); clip: the global-norm clip, 0 when none (f32);
 * stream_t: stream steps since the last reset (u32; 0 outside stream_step). See spec/bundle.md.
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
 * `body` (default 1) makes the loop cover this dispatch and the next body−1 ones, recorded in order
 * for each t (a time step that needs several kernels); those may not carry a `loop` themselves.
 * `reverse` runs t = count−1 down to 0 (backward through time).
 */
export interface Dispatch {
  readonly kernel: number;
  readonly grid: readonly [SizeExpr, SizeExpr, SizeExpr];
  readonly loop?: { readonly count: SizeExpr; readonly body?: number; readonly reverse?: boolean };
}

/**
 * infer: outputs; train_step: forward, backward and the optimizer update; gradients: forward and backward
 * only (parameter gradients in `grads`, input gradients in each input's `gradient` tensor, nothing updated);
 * stream_step: one time step with carried state.
 */
export type ProgramName = 'infer' | 'train_step' | 'gradients' | 'stream_step';

export interface Program {
  readonly dispatches: readonly Dispatch[];
  /**
   * Tensors the host may read back after the dispatches (the outputs this program produces; the loss
   * for train_step). May also name input tensors. The inputs written before are those whose
   * `programs` name this program.
   */
  readonly reads: readonly string[];
  /** Dimensions this program fixes, e.g. `{ time: 1 }` for stream_step (one step per call). */
  readonly dims?: Readonly<Record<string, number>>;
  /**
   * The tensors this program's kernels touch (default: all). The runtime lays out only these and the
   * persistent ones for a run, so a dim that only other programs' tensors use need not be known.
   */
  readonly tensors?: readonly string[];
}

export interface ScheduleNote { readonly layer: string; readonly choice: string; readonly reason: string }

export interface BundleTraining {
  readonly optimizer: 'sgd' | 'adam' | 'adamw';
  readonly lr: number; readonly momentum: number; readonly nesterov: boolean;
  readonly beta1: number; readonly beta2: number; readonly eps: number;
  readonly weightDecay: number; readonly clipNorm: number | null;
  readonly schedule: { readonly kind: 'constant' | 'cosine' | 'linear'; readonly warmup: number; readonly minLr: number; readonly totalSteps: number | null };
  readonly batchSize: number; readonly epochs: number; readonly seed: number;
  /**
   * Floats of optimizer state per parameter (0 sgd without momentum, 1 momentum, 2 adam), stored as
   * planes: state k of the parameter element i is `opt[k * paramCount + i]`.
   */
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
  readonly programs: { readonly infer: Program; readonly train_step?: Program; readonly gradients?: Program; readonly stream_step?: Program };
  readonly training: BundleTraining | null;
  readonly schedules: readonly ScheduleNote[];
  /**
   * WebGPU features the kernels need (each enabled in their WGSL); absent means none. The device a bundle
   * is loaded on must have been created with them.
   */
  readonly features?: readonly BundleFeature[];
}

/** Optional WebGPU features a compiled bundle may use. */
export const BUNDLE_FEATURES = ['subgroups'] as const;
export type BundleFeature = (typeof BUNDLE_FEATURES)[number];
