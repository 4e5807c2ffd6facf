// The model's GPU buffers and bind groups. Fixed-size buffers (params, grads, opt, partials, the Run
// uniform) are made once; the arenas and the Step table grow when larger dims need more, and only then
// are bind groups made again. Replaced buffers are destroyed after the work that used them completes.
import type { Bundle, BundleDType, ResourceName } from './bundle.ts';
import { alignUp, type ArenaLayout } from './arena.ts';
import { USAGE } from './gpu-consts.ts';
import type { Compiled } from './pipelines.ts';
import { runUniformBytes } from './uniforms.ts';

const STORAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
/** A binding must cover at least 4 bytes; 16 keeps every size a multiple of what copies need. */
const bufferBytes = (bytes: number) => alignUp(Math.max(bytes, 16), 16);
/** The Step uniform binding: `struct Step { t: u32 }`, padded as uniforms are. */
const STEP_BINDING_BYTES = 16;

/** A copy to encode before the next run's dispatches (keeps streaming state when an arena grows). */
export interface PendingCopy { readonly from: GPUBuffer; readonly to: GPUBuffer; readonly bytes: number }

export class Resources {
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly opt: GPUBuffer;
  readonly partials: GPUBuffer;
  readonly run: GPUBuffer;
  arena: GPUBuffer;
  ints: GPUBuffer;
  private steps: GPUBuffer;
  private stepCapacity = 0;
  kernelGroups: GPUBindGroup[] = [];
  runGroup!: GPUBindGroup;
  /** Bind groups created over the model's life (tests check that runs at known sizes create none). */
  bindGroupsCreated = 0;
  readonly stepStride: number;

  constructor(
    private readonly device: GPUDevice, private readonly bundle: Bundle, private readonly compiled: Compiled,
    private readonly label: string, capacity: { arena: number; ints: number; steps: number },
  ) {
    this.stepStride = device.limits.minUniformBufferOffsetAlignment;
    const make = (name: string, bytes: number, usage: number = STORAGE) =>
      device.createBuffer({ label: `${label}:${name}`, size: bufferBytes(bytes), usage });
    this.params = make('params', bundle.paramCount * 4);
    this.grads = make('grads', bundle.paramCount * 4);
    this.opt = make('opt', bundle.paramCount * (bundle.training?.stateSlots ?? 0) * 4);
    this.partials = make('partials', bundle.partials * 4);
    this.run = make('run-uniform', runUniformBytes(bundle.uniforms), USAGE.UNIFORM | USAGE.COPY_DST);
    this.arena = make('arena', capacity.arena);
    this.ints = make('ints', capacity.ints);
    this.steps = this.makeSteps(Math.max(1, capacity.steps));
    this.bindAll();
  }

  buffer(r: ResourceName): GPUBuffer {
    return this[r];
  }

  /** Step offsets are multiples of the uniform offset alignment; entry t holds t. */
  stepOffset(t: number): number {
    return t * this.stepStride;
  }

  /**
   * Grows the arenas and the Step table to fit a run. Returns the copies that carry the persistent
   * prefix of a grown arena over (to encode before the run) and the old buffers (to destroy after it).
   */
  ensure(layout: ArenaLayout, maxLoop: number, keepPersistent: boolean): { copies: PendingCopy[]; retired: GPUBuffer[] } {
    const copies: PendingCopy[] = [];
    const retired: GPUBuffer[] = [];
    const limit = this.device.limits.maxStorageBufferBindingSize;
    for (const [dtype, name] of [['f32', 'arena'], ['i32', 'ints']] as const satisfies [BundleDType, 'arena' | 'ints'][]) {
      const old = this[name];
      const need = layout.bytes[dtype];
      if (need <= old.size) continue;
      const size = bufferBytes(Math.min(limit, Math.max(need, old.size * 2)));
      const fresh = this.device.createBuffer({ label: `${this.label}:${name}`, size, usage: STORAGE });
      const keep = Math.min(layout.persistentBytes[dtype], old.size);
      if (keepPersistent && keep > 0) copies.push({ from: old, to: fresh, bytes: keep });
      this[name] = fresh;
      retired.push(old);
    }
    if (maxLoop > this.stepCapacity) {
      retired.push(this.steps);
      this.steps = this.makeSteps(Math.max(maxLoop, this.stepCapacity * 2));
    }
    if (retired.length) this.bindAll();
    return { copies, retired };
  }

  private makeSteps(capacity: number): GPUBuffer {
    const words = this.stepStride / 4;
    const table = new Uint32Array(capacity * words);
    for (let t = 0; t < capacity; t++) table[t * words] = t;
    const size = (capacity - 1) * this.stepStride + STEP_BINDING_BYTES;
    const buf = this.device.createBuffer({ label: `${this.label}:steps`, size: bufferBytes(size), usage: USAGE.UNIFORM | USAGE.COPY_DST });
    this.device.queue.writeBuffer(buf, 0, table, 0, bufferBytes(size) / 4);
    this.stepCapacity = capacity;
    return buf;
  }

  private bindAll(): void {
    this.kernelGroups = this.bundle.kernels.map((k, i) => this.device.createBindGroup({
      label: `${this.label}:${k.name}`,
      layout: this.compiled.kernelLayouts[i]!,
      entries: k.bindings.map((b, j) => ({ binding: j, resource: { buffer: this.buffer(b.resource) } })),
    }));
    this.runGroup = this.device.createBindGroup({
      label: `${this.label}:run`,
      layout: this.compiled.runLayout,
      entries: [
        { binding: 0, resource: { buffer: this.run } },
        { binding: 1, resource: { buffer: this.steps, offset: 0, size: STEP_BINDING_BYTES } },
      ],
    });
    this.bindGroupsCreated += this.kernelGroups.length + 1;
  }

  destroy(): void {
    for (const b of [this.params, this.grads, this.opt, this.partials, this.run, this.arena, this.ints, this.steps]) b.destroy();
  }
}
