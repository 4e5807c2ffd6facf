// A fake GPUDevice for the unit tier (TypeGPU-style): it records every call, keeps buffer contents in
// host memory, executes copies/clears at submit, and runs compute dispatches through JS "kernels"
// (hooks keyed by entry point), so executor logic can be checked exactly without a GPU.
import { DEFAULT_LIMITS } from '../../runtime/limits.ts';

export interface Dispatch {
  readonly entryPoint: string;
  readonly grid: readonly [number, number, number];
  readonly workgroupSize: readonly [number, number, number];
  /** Group 0 buffers, by binding index. */
  readonly bindings: readonly FakeBuffer[];
  /** The Run uniform (group 1 binding 0) and the Step uniform's t (binding 1 at its dynamic offset). */
  readonly run: FakeBuffer;
  readonly t: number;
}
export type KernelHook = (d: Dispatch) => void;

export class FakeBuffer {
  readonly bytes: Uint8Array<ArrayBuffer>;
  destroyed = false;
  mapped = false;
  constructor(readonly device: FakeDevice, readonly label: string, readonly size: number, readonly usage: number) {
    this.bytes = new Uint8Array(size);
  }
  get f32(): Float32Array { return new Float32Array(this.bytes.buffer); }
  get i32(): Int32Array { return new Int32Array(this.bytes.buffer); }
  get u32(): Uint32Array { return new Uint32Array(this.bytes.buffer); }
  async mapAsync(): Promise<void> {
    this.device.log('mapAsync', this.label);
    if (this.destroyed || this.device.isLost) throw new Error('mapAsync on a destroyed buffer or lost device');
    this.mapped = true;
  }
  getMappedRange(offset = 0, size = this.size - offset): ArrayBuffer {
    if (!this.mapped) throw new Error('getMappedRange on an unmapped buffer');
    return this.bytes.buffer.slice(offset, offset + size);
  }
  unmap(): void { this.mapped = false; }
  destroy(): void { this.device.log('destroyBuffer', this.label); this.destroyed = true; }
}

type Cmd =
  | { kind: 'copy'; src: FakeBuffer; srcOffset: number; dst: FakeBuffer; dstOffset: number; size: number }
  | { kind: 'clear'; buf: FakeBuffer; offset: number; size: number }
  | { kind: 'pass'; ops: PassOp[] };
type PassOp =
  | { kind: 'pipeline'; pipeline: FakePipeline }
  | { kind: 'group'; index: number; group: FakeBindGroup; offsets: readonly number[] }
  | { kind: 'dispatch'; x: number; y: number; z: number };
interface FakePipeline { label: string; entryPoint: string; module: { code: string } }
interface FakeBindGroup { label: string; entries: { binding: number; resource: { buffer: FakeBuffer; offset?: number } }[] }

export class FakeDevice {
  readonly calls: { method: string; label?: string }[] = [];
  readonly limits = { ...DEFAULT_LIMITS };
  readonly hooks: Record<string, KernelHook> = {};
  readonly buffers: FakeBuffer[] = [];
  readonly lost: Promise<{ reason: string; message: string }>;
  isLost = false;
  /** Errors the next popErrorScope of that filter reports (simulates WebGPU validation errors). */
  readonly injected: { filter: string; message: string }[] = [];
  /** Make createComputePipelineAsync reject for this entry point. */
  failPipeline: string | null = null;
  private readonly scopes: string[] = [];
  private resolveLost!: (info: { reason: string; message: string }) => void;
  readonly listeners = new Set<unknown>();

  constructor(hooks: Record<string, KernelHook> = {}) {
    Object.assign(this.hooks, hooks);
    this.lost = new Promise((ok) => { this.resolveLost = ok; });
  }

  log(method: string, label?: string): void { this.calls.push({ method, label }); }
  count(method: string): number { return this.calls.filter((c) => c.method === method).length; }

  readonly queue = {
    writeBuffer: (buf: FakeBuffer, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset = 0, size?: number) => {
      this.log('writeBuffer', buf.label);
      if (buf.destroyed) throw new Error(`writeBuffer to destroyed ${buf.label}`);
      const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
      const el = 'BYTES_PER_ELEMENT' in view ? (view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
      const bytes = new Uint8Array(view.buffer, view.byteOffset + dataOffset * el, size === undefined ? view.byteLength - dataOffset * el : size * el);
      if (offset % 4 || bytes.length % 4 || offset + bytes.length > buf.size) throw new Error(`bad writeBuffer to ${buf.label}: ${offset}+${bytes.length} of ${buf.size}`);
      buf.bytes.set(bytes, offset);
    },
    submit: (cmds: { commands: Cmd[] }[]) => {
      this.log('submit');
      for (const c of cmds) for (const cmd of c.commands) this.execute(cmd);
    },
    onSubmittedWorkDone: async () => { this.log('onSubmittedWorkDone'); },
  };

  createBuffer(d: { label?: string; size: number; usage: number }): FakeBuffer {
    this.log('createBuffer', d.label);
    if (!d.label) throw new Error('unlabelled buffer');
    const b = new FakeBuffer(this, d.label, d.size, d.usage);
    this.buffers.push(b);
    return b;
  }
  createShaderModule(d: { label?: string; code: string }) {
    this.log('createShaderModule', d.label);
    return { label: d.label, code: d.code, getCompilationInfo: async () => ({ messages: [{ type: 'error', lineNum: 1, linePos: 2, message: 'fake error' }] }) };
  }
  createBindGroupLayout(d: { label?: string }) { this.log('createBindGroupLayout', d.label); return { label: d.label, d }; }
  createPipelineLayout(d: { label?: string }) { this.log('createPipelineLayout', d.label); return { label: d.label, d }; }
  createComputePipeline(): never { throw new Error('the runtime must compile pipelines asynchronously'); }
  async createComputePipelineAsync(d: { label?: string; compute: { module: { code: string }; entryPoint: string } }): Promise<FakePipeline> {
    this.log('createComputePipelineAsync', d.label);
    if (this.failPipeline === d.compute.entryPoint) throw new Error('pipeline creation failed');
    return { label: d.label ?? '', entryPoint: d.compute.entryPoint, module: d.compute.module };
  }
  createBindGroup(d: FakeBindGroup) { this.log('createBindGroup', d.label); return d; }
  createCommandEncoder(d: { label?: string } = {}) {
    this.log('createCommandEncoder', d.label);
    const commands: Cmd[] = [];
    return {
      copyBufferToBuffer: (src: FakeBuffer, srcOffset: number, dst: FakeBuffer, dstOffset: number, size: number) => commands.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size }),
      clearBuffer: (buf: FakeBuffer, offset = 0, size?: number) => commands.push({ kind: 'clear', buf, offset, size: size ?? buf.size - offset }),
      beginComputePass: (p: { label?: string } = {}) => {
        this.log('beginComputePass', p.label);
        const ops: PassOp[] = [];
        commands.push({ kind: 'pass', ops });
        return {
          setPipeline: (pipeline: FakePipeline) => ops.push({ kind: 'pipeline', pipeline }),
          setBindGroup: (index: number, group: FakeBindGroup, offsets: readonly number[] = []) => ops.push({ kind: 'group', index, group, offsets: [...offsets] }),
          dispatchWorkgroups: (x: number, y = 1, z = 1) => { this.log('dispatchWorkgroups'); ops.push({ kind: 'dispatch', x, y, z }); },
          end: () => undefined,
        };
      },
      finish: () => ({ commands }),
    };
  }
  pushErrorScope(filter: string): void { this.scopes.push(filter); }
  async popErrorScope(): Promise<{ message: string } | null> {
    const filter = this.scopes.pop();
    if (filter === undefined) throw new Error('popErrorScope with an empty stack');
    const i = this.injected.findIndex((e) => e.filter === filter);
    return i >= 0 ? { message: this.injected.splice(i, 1)[0]!.message } : null;
  }
  addEventListener(_type: string, f: unknown): void { this.listeners.add(f); }
  removeEventListener(_type: string, f: unknown): void { this.listeners.delete(f); }
  destroy(): void { this.log('destroy'); this.lose('destroyed'); }
  lose(reason: string, message = 'fake device loss'): void {
    if (this.isLost) return;
    this.isLost = true;
    this.resolveLost({ reason, message });
  }

  private execute(cmd: Cmd): void {
    const live = (b: FakeBuffer) => { if (b.destroyed) throw new Error(`submit uses destroyed buffer ${b.label}`); return b; };
    if (cmd.kind === 'copy') {
      live(cmd.dst).bytes.set(live(cmd.src).bytes.subarray(cmd.srcOffset, cmd.srcOffset + cmd.size), cmd.dstOffset);
    } else if (cmd.kind === 'clear') {
      live(cmd.buf).bytes.fill(0, cmd.offset, cmd.offset + cmd.size);
    } else {
      let pipeline: FakePipeline | null = null;
      const groups: { group: FakeBindGroup; offsets: readonly number[] }[] = [];
      for (const op of cmd.ops) {
        if (op.kind === 'pipeline') pipeline = op.pipeline;
        else if (op.kind === 'group') groups[op.index] = { group: op.group, offsets: op.offsets };
        else {
          if (!pipeline || !groups[0] || !groups[1]) throw new Error('dispatch without pipeline or bind groups');
          const run = groups[1].group.entries[0]!.resource.buffer;
          const steps = groups[1].group.entries[1]!.resource.buffer;
          const t = live(steps).u32[(groups[1].offsets[0] ?? 0) / 4]!;
          const m = /@workgroup_size\((\d+)(?:,\s*(\d+))?(?:,\s*(\d+))?\)/.exec(pipeline.module.code);
          const hook = this.hooks[pipeline.entryPoint];
          hook?.({
            entryPoint: pipeline.entryPoint, grid: [op.x, op.y, op.z],
            workgroupSize: [Number(m?.[1] ?? 1), Number(m?.[2] ?? 1), Number(m?.[3] ?? 1)],
            bindings: groups[0].group.entries.map((e) => live(e.resource.buffer)), run: live(run), t,
          });
        }
      }
    }
  }
}

/** The fake, typed as the real thing for the runtime's API. */
export const asGpu = (d: FakeDevice): GPUDevice => d as unknown as GPUDevice;
