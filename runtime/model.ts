// The public model: run / trainStep / fit / stream, weights and checkpoints, device loss and disposal.
// Everything GPU-side was built by load.ts; a call here checks its arguments on the host, then makes
// one submission through the executor.
import type { Bundle, ProgramName } from './bundle.ts';
import {
  checkpointFromSafetensors, checkpointToSafetensors, splitParams, weightsToSafetensors, weightUpdates, type Weights,
} from './checkpoint.ts';
import { GpuError, InputError } from './errors.ts';
import type { Executor } from './executor.ts';
import { fitModel, type FitOptions, type FitResult, type TrainData } from './fit.ts';
import { prepareInputs, type Dims, type Inputs, type PreparedInput } from './inputs.ts';
import { learningRate } from './lr-schedule.ts';
import { formatDims, sizeAt } from './size-expr.ts';
import { ModelStream } from './stream.ts';

export interface DeviceLost { readonly reason: string; readonly message: string }
export interface Output { readonly data: Float32Array | Int32Array; readonly shape: number[] }
export type Outputs = Record<string, Output>;
export interface RunOptions {
  /** Dims the inputs' shapes do not determine (or a check on those they do). */
  readonly dims?: Dims;
  /** Read back only these outputs (default: all the program produces). */
  readonly outputs?: readonly string[];
}

/** Where the streaming state lives and who owns it (one live stream per model). */
interface StreamState { owner: ModelStream | null; t: number; clear: boolean; key: string | null; dims: Dims | null; broken: string | null }

/** What Model.gradients() returns. */
export interface Gradients {
  readonly loss: number;
  readonly params: Record<string, Float32Array>;
  readonly inputs: Record<string, Float32Array>;
  readonly outputs: Outputs;
}

export class Model {
  /** Train steps completed (the next trainStep uses lr(step) and Run.step = step + 1). */
  private stepCount = 0;
  /** For decaying lr schedules without totalSteps in the bundle; fit() sets it from its data. */
  totalSteps: number | null;
  /** The last checkpoint saved (host memory): what a model on a new device restores from after a loss. */
  lastCheckpoint: Uint8Array | null = null;
  /** The lr of the last trainStep. */
  lastLr = 0;
  /** Resolves when the device is lost (not when dispose() destroys it). */
  readonly lost: Promise<DeviceLost>;
  private lostInfo: DeviceLost | null = null;
  private disposed = false;
  private pendingError: GpuError | null = null;
  private readonly stream_: StreamState = { owner: null, t: 0, clear: true, key: null, dims: null, broken: null };
  private readonly onError = (e: Event) => {
    this.pendingError ??= new GpuError(`uncaptured WebGPU error: ${(e as GPUUncapturedErrorEvent).error?.message ?? 'unknown'}`);
  };

  /** @internal use loadModel() */
  constructor(
    readonly bundle: Bundle, readonly device: GPUDevice, private readonly executor: Executor,
    readonly seed: number, private readonly ownsDevice: boolean, onDeviceLost?: (info: DeviceLost) => void,
  ) {
    this.totalSteps = bundle.training?.schedule.totalSteps ?? null;
    this.lost = device.lost.then((info) => {
      const lost = { reason: String(info.reason ?? 'unknown'), message: info.message };
      if (!this.disposed) {
        this.lostInfo = lost;
        onDeviceLost?.(lost);
      }
      return lost;
    });
    device.addEventListener?.('uncapturederror', this.onError);
  }

  get step(): number {
    return this.stepCount;
  }

  /** Submissions made so far (one per run, train step, stream step or readback). */
  get submits(): number {
    return this.executor.submits;
  }

  /** Runs `infer`. Dims come from the inputs' shapes (and `options.dims`). */
  async run(inputs: Inputs, options: RunOptions = {}): Promise<Outputs> {
    this.usable();
    const { dims, inputs: prepared } = prepareInputs(this.bundle, 'infer', inputs, options.dims);
    return (await this.exec('infer', dims, prepared, this.outputsOf('infer', options.outputs), {})).outputs;
  }

  /** One optimizer step on a batch; resolves to the loss. */
  async trainStep(batch: Inputs, options: { readonly dims?: Dims } = {}): Promise<number> {
    this.usable();
    const { training, loss } = this.bundle;
    if (!this.bundle.programs.train_step || !training || loss === null) {
      throw new InputError(`model '${this.bundle.model}' has no train_step program (it needs a loss and training settings)`);
    }
    const { dims, inputs } = prepareInputs(this.bundle, 'train_step', batch, options.dims);
    const step = this.stepCount;
    const lr = Math.fround(learningRate(training, step, this.totalSteps));
    this.executor.plan('train_step', dims);                        // size errors before the step is counted
    this.stepCount++;
    this.lastLr = lr;
    const out = await this.exec('train_step', dims, inputs, [], { step: step + 1, lr, training: true, clearGrads: true, loss });
    return out.loss;
  }

  /**
   * Gradients of the loss at the current weights, without updating anything: by parameter name and by
   * float input name, with the loss and the outputs of the same forward pass. Dropout is off unless
   * `training` is set (then its masks are those of optimizer step `step`).
   */
  async gradients(batch: Inputs, options: { readonly dims?: Dims; readonly training?: boolean; readonly step?: number } = {}): Promise<Gradients> {
    this.usable();
    const { loss } = this.bundle;
    if (!this.bundle.programs.gradients || loss === null) {
      throw new InputError(`model '${this.bundle.model}' has no gradients program (it needs a loss)`);
    }
    const { dims, inputs } = prepareInputs(this.bundle, 'gradients', batch, options.dims);
    const inputGrads = this.bundle.inputs.filter((i) => i.gradient !== undefined).map((i) => ({ name: `\0${i.name}`, tensor: i.gradient! }));
    const out = await this.exec('gradients', dims, inputs, [...this.outputsOf('gradients'), ...inputGrads],
                                { step: options.step ?? this.stepCount + 1, training: options.training ?? false, clearGrads: true, loss });
    const [grads] = await this.executor.readBuffers(['grads'], [this.bundle.paramCount]);
    const outputs: Outputs = {}, inputsGrad: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(out.outputs)) {
      if (k.startsWith('\0')) inputsGrad[k.slice(1)] = v.data as Float32Array;
      else Object.defineProperty(outputs, k, { value: v, enumerable: true });
    }
    return { loss: out.loss, params: splitParams(this.bundle, grads!), inputs: inputsGrad, outputs };
  }

  /** Trains over `data` for `epochs` (default: the bundle's), calling onStep after every step. */
  fit(data: TrainData, options: FitOptions = {}): Promise<FitResult> {
    return fitModel(this, data, options);
  }

  /** A stream over `stream_step`: state persists between step() calls until reset(). Starting one ends the previous. */
  stream(): ModelStream {
    this.usable();
    if (!this.bundle.programs.stream_step) throw new InputError(`model '${this.bundle.model}' has no stream_step program`);
    const s = new ModelStream((st, inputs, dims) => this.streamStep(st, inputs, dims), (st) => this.resetStream(st));
    Object.assign(this.stream_, { owner: s, t: 0, clear: true, key: null, dims: null, broken: null });
    return s;
  }

  private resetStream(s: ModelStream): void {
    if (this.stream_.owner === s) Object.assign(this.stream_, { t: 0, clear: true, key: null, dims: null, broken: null });
  }

  private async streamStep(s: ModelStream, inputs: Inputs, dimsOption?: Dims): Promise<{ t: number; outputs: Outputs }> {
    this.usable();
    const st = this.stream_;
    if (st.owner !== s) throw new InputError('this stream was replaced by a newer model.stream(); use that one');
    if (st.broken) throw new InputError(`the stream's state was lost: ${st.broken}; call reset()`);
    const { dims, inputs: prepared } = prepareInputs(this.bundle, 'stream_step', inputs, dimsOption);
    const key = this.persistentKey('stream_step', dims);
    if (!st.clear && key !== st.key) {
      throw new InputError(`stream dims changed from ${formatDims(st.dims ?? {})} to ${formatDims(dims)}; call reset() first`);
    }
    const t = st.t;
    const clear = st.clear;
    Object.assign(st, { t: t + 1, clear: false, key, dims });
    const { outputs } = await this.exec('stream_step', dims, prepared, this.outputsOf('stream_step'), { streamT: t, clearPersistent: clear });
    return { t, outputs };
  }

  /** Layout of the persistent slots at these dims: a run that changes it moves the streaming state. */
  private persistentKey(program: ProgramName, dims: Dims): string {
    const { layout } = this.executor.plan(program, dims);
    return this.bundle.tensors.filter((t) => t.persistent).map((t) => `${layout.offsets.get(t.name)}+${layout.counts.get(t.name)}`).join(',');
  }

  private outputsOf(program: ProgramName, names?: readonly string[]): { name: string; tensor: string }[] {
    const reads = new Set(this.bundle.programs[program]!.reads);
    if (!names) return this.bundle.outputs.filter((o) => reads.has(o.tensor));
    return names.map((n) => {
      const o = this.bundle.outputs.find((x) => x.name === n);
      if (!o) throw new InputError(`unknown output '${n}' (the model's outputs are ${this.bundle.outputs.map((x) => x.name).join(', ')})`);
      if (!reads.has(o.tensor)) throw new InputError(`output '${n}' is not produced by ${program}`);
      return o;
    });
  }

  private async exec(
    program: ProgramName, dims: Dims, inputs: readonly PreparedInput[], outputs: readonly { name: string; tensor: string }[],
    o: { step?: number; lr?: number; training?: boolean; clearGrads?: boolean; streamT?: number; clearPersistent?: boolean; loss?: string },
  ): Promise<{ outputs: Outputs; loss: number }> {
    const st = this.stream_;
    const live = st.owner !== null && !st.clear && !st.broken;
    const keep = live && (program === 'stream_step' || this.persistentKey(program, dims) === st.key);
    if (live && !keep) st.broken = `a ${program} run at ${formatDims(dims)} reused its memory`;
    const reads = [...outputs.map((x) => x.tensor), ...(o.loss ? [o.loss] : [])];
    const data = await this.executor.run({
      program, dims, inputs, reads: [...new Set(reads)], clearGrads: o.clearGrads ?? false, clearPersistent: o.clearPersistent ?? false,
      keepPersistent: keep,
      state: {
        step: o.step ?? this.stepCount, lr: o.lr ?? 0, seed: this.seed, training: o.training ?? false,
        clip: this.bundle.training?.clipNorm ?? 0, streamT: o.streamT ?? 0,
      },
    });
    const result: Outputs = {};
    for (const x of outputs) {
      const t = this.bundle.tensors.find((y) => y.name === x.tensor)!;
      const shape = t.shape.map((e, i) => sizeAt(e, dims, `${t.name}.shape[${i}]`));
      Object.defineProperty(result, x.name, { value: { data: data.get(x.tensor)!, shape }, enumerable: true });
    }
    return { outputs: result, loss: o.loss ? data.get(o.loss)![0]! : NaN };
  }

  /** Current weights by (PyTorch) parameter name. One submission. */
  async getWeights(): Promise<Record<string, Float32Array>> {
    this.usable();
    const [params] = await this.executor.readBuffers(['params'], [this.bundle.paramCount]);
    return splitParams(this.bundle, params!);
  }

  /** Sets weights from a record or safetensors bytes; all parameters unless { strict: false }. */
  async setWeights(weights: Weights | Uint8Array, options: { readonly strict?: boolean } = {}): Promise<void> {
    this.usable();
    for (const u of weightUpdates(this.bundle, weights, options.strict ?? true)) await this.executor.write('params', u.offset, u.data);
  }

  /** The weights as a safetensors file (loadable with safetensors.torch.load_file into a state_dict). */
  async saveWeights(): Promise<Uint8Array> {
    this.usable();
    const [params] = await this.executor.readBuffers(['params'], [this.bundle.paramCount]);
    return weightsToSafetensors(this.bundle, params!);
  }

  /** Weights + optimizer state + step count as safetensors; also kept as `lastCheckpoint`. */
  async saveCheckpoint(): Promise<Uint8Array> {
    this.usable();
    const slots = this.bundle.training?.stateSlots ?? 0;
    const [params, opt] = await this.executor.readBuffers(['params', 'opt'], [this.bundle.paramCount, this.bundle.paramCount * slots]);
    const bytes = checkpointToSafetensors(this.bundle, { params: params!, opt: opt!, step: this.stepCount, totalSteps: this.totalSteps });
    this.lastCheckpoint = bytes;
    return bytes;
  }

  async restoreCheckpoint(bytes: Uint8Array): Promise<void> {
    this.usable();
    const c = checkpointFromSafetensors(this.bundle, bytes);
    await this.executor.write('params', 0, c.params);
    await this.executor.write('opt', 0, c.opt);
    this.stepCount = c.step;
    this.totalSteps = c.totalSteps ?? this.totalSteps;
  }

  /** Frees every GPU object (and the device, when loadModel created it). The model is unusable after. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.device.removeEventListener?.('uncapturederror', this.onError);
    this.executor.destroy();
    if (this.ownsDevice) this.device.destroy();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private usable(): void {
    if (this.disposed) throw new InputError('the model was disposed');
    if (this.lostInfo) {
      throw new GpuError(`the GPU device was lost (${this.lostInfo.reason}: ${this.lostInfo.message}); `
        + 'load again with loadModel(bundle, { checkpoint: model.lastCheckpoint })', 'lost');
    }
    const e = this.pendingError;
    if (e) {
      this.pendingError = null;
      throw e;
    }
  }
}
