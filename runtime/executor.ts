// Runs one program: upload inputs and the Run uniform, then ONE command encoder with ONE compute pass
// (loops unrolled, the Step uniform picked by dynamic offset), the readback copies in the same encoder,
// ONE submit, and one map of a pooled staging buffer. Nothing is compiled or bound here.
import type { Bundle, ProgramName } from './bundle.ts';
import { layoutArena, type ArenaLayout } from './arena.ts';
import { InputError } from './errors.ts';
import { scoped } from './gpu-errors.ts';
import type { Dims, PreparedInput } from './inputs.ts';
import { type Limits, MAX_RUN_DISPATCHES } from './limits.ts';
import type { Compiled } from './pipelines.ts';
import type { Resources } from './resources.ts';
import { formatDims, sizeAt } from './size-expr.ts';
import type { StagingPool } from './staging.ts';
import { packRunUniform, type RunState } from './uniforms.ts';
import { arenaLimitError } from './validate.ts';

export interface RunRequest {
  readonly program: ProgramName;
  readonly dims: Dims;
  readonly inputs: readonly PreparedInput[];
  /** Tensors to read back after the dispatches. */
  readonly reads: readonly string[];
  readonly state: Omit<RunState, 'dims'>;
  /** Zero `grads` first (train_step: kernels may accumulate into it). */
  readonly clearGrads?: boolean;
  /** Zero the persistent slots first (a stream's first step after reset). */
  readonly clearPersistent?: boolean;
  /** Carry the persistent slots over when an arena grows (a stream with live state). */
  readonly keepPersistent?: boolean;
}

interface Plan {
  readonly layout: ArenaLayout;
  /** Every dispatch in recording order, loops unrolled: [kernel, x, y, z, t]. */
  readonly steps: readonly (readonly [number, number, number, number, number])[];
  readonly maxLoop: number;
}

const MAX_PLANS = 16;

export class Executor {
  private readonly plans = new Map<string, Plan>();
  /** Submits over the model's life (tests check one per run). */
  submits = 0;

  constructor(
    readonly device: GPUDevice, readonly bundle: Bundle, private readonly compiled: Compiled,
    readonly resources: Resources, private readonly staging: StagingPool, private readonly limits: Limits,
    private readonly label: string,
  ) {}

  /** The arena layout of a program run at these dims (checked against the device). */
  plan(program: ProgramName, dims: Dims): Plan {
    const key = `${program}:${JSON.stringify(Object.entries(dims).sort())}`;
    const hit = this.plans.get(key);
    if (hit) return hit;
    // Checked once per program and dims (plans are cached), not on every run.
    if (this.bundle.programs[program]!.dispatches.some((d) => this.compiled.pipelines[d.kernel] === undefined)) {
      throw new InputError(`program ${program} was not loaded (loadModel's programs option left it out)`);
    }
    const touched = this.bundle.programs[program]!.tensors;
    const tensors = touched ? this.bundle.tensors.filter((t) => t.persistent || touched.includes(t.name)) : this.bundle.tensors;
    const layout = layoutArena(tensors, dims);
    const tooBig = arenaLimitError(layout, this.limits);
    if (tooBig) throw new InputError(`${program} at ${formatDims(dims)}: ${tooBig}`);
    const steps: [number, number, number, number, number][] = [];
    let maxLoop = 0;
    const list = this.bundle.programs[program]!.dispatches;
    for (let i = 0; i < list.length;) {
      const d = list[i]!;
      const body = d.loop ? (d.loop.body ?? 1) : 1;
      const count = d.loop ? sizeAt(d.loop.count, dims, `${program}.dispatches[${i}].loop.count`) : 1;
      if (steps.length + count * body > MAX_RUN_DISPATCHES) {
        throw new InputError(`${program} at ${formatDims(dims)}: more than ${MAX_RUN_DISPATCHES} dispatches per run (dispatches[${i}] loops ${count} times)`);
      }
      maxLoop = Math.max(maxLoop, count);
      for (let s = 0; s < count; s++) {
        const t = d.loop?.reverse ? count - 1 - s : s;
        for (let j = i; j < i + body; j++) {
          const dj = list[j]!;
          const grid = dj.grid.map((g, a) => sizeAt(g, dims, `${program}.dispatches[${j}].grid[${a}]`)) as [number, number, number];
          if (grid.some((g) => g > this.limits.maxComputeWorkgroupsPerDimension)) {
            throw new InputError(`${program}.dispatches[${j}] at ${formatDims(dims)}: grid [${grid.join(', ')}] exceeds the device's ${this.limits.maxComputeWorkgroupsPerDimension} workgroups per dimension`);
          }
          if (grid.every((g) => g > 0)) steps.push([dj.kernel, grid[0], grid[1], grid[2], t]);
        }
      }
      i += body;
    }
    if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    const plan = { layout, steps, maxLoop };
    this.plans.set(key, plan);
    return plan;
  }

  async run(r: RunRequest): Promise<Map<string, Float32Array | Int32Array>> {
    const plan = this.plan(r.program, r.dims);
    const { layout } = plan;
    const { copies, retired } = this.resources.ensure(layout, plan.maxLoop, r.keepPersistent ?? false);
    const res = this.resources;
    const reads = r.reads.map((name) => {
      const tensor = this.bundle.tensors.find((t) => t.name === name)!;
      return { name, dtype: tensor.dtype, offset: layout.offsets.get(name)!, count: layout.counts.get(name)! };
    });
    const { value: staging, done } = scoped(this.device, `${this.label} ${r.program}`, () => {
      const q = this.device.queue;
      q.writeBuffer(res.run, 0, packRunUniform(this.bundle.uniforms, layout, { ...r.state, dims: r.dims }));
      for (const p of r.inputs) {
        if (p.data.length > 0) q.writeBuffer(p.tensor.dtype === 'f32' ? res.arena : res.ints, layout.offsets.get(p.tensor.name)! * 4, p.data as Float32Array<ArrayBuffer>);
      }
      const enc = this.device.createCommandEncoder({ label: `${this.label}:${r.program}` });
      for (const c of copies) enc.copyBufferToBuffer(c.from, 0, c.to, 0, c.bytes);
      if (r.clearGrads) enc.clearBuffer(res.grads);
      if (r.clearPersistent) {
        if (layout.persistentBytes.f32 > 0) enc.clearBuffer(res.arena, 0, layout.persistentBytes.f32);
        if (layout.persistentBytes.i32 > 0) enc.clearBuffer(res.ints, 0, layout.persistentBytes.i32);
      }
      const pass = enc.beginComputePass({ label: `${this.label}:${r.program}` });
      let kernel = -1;
      let t = -1;
      for (const [k, x, y, z, step] of plan.steps) {
        if (k !== kernel) {
          pass.setPipeline(this.compiled.pipelines[k]!);
          pass.setBindGroup(0, res.kernelGroups[k]!);
          kernel = k;
        }
        if (step !== t) {
          pass.setBindGroup(1, res.runGroup, [res.stepOffset(step)]);
          t = step;
        }
        pass.dispatchWorkgroups(x, y, z);
      }
      pass.end();
      const bytes = reads.reduce((a, x) => a + x.count * 4, 0);
      const buf = bytes > 0 ? this.staging.acquire(bytes) : null;
      let at = 0;
      for (const x of reads) {
        if (buf && x.count > 0) enc.copyBufferToBuffer(x.dtype === 'f32' ? res.arena : res.ints, x.offset * 4, buf, at, x.count * 4);
        at += x.count * 4;
      }
      q.submit([enc.finish()]);
      this.submits++;
      return { buf, bytes };
    });
    if (retired.length) void this.device.queue.onSubmittedWorkDone().then(() => { for (const b of retired) b.destroy(); }, () => undefined);
    const data = staging.buf ? this.staging.read(staging.buf, staging.bytes) : Promise.resolve(new ArrayBuffer(0));
    const [bytes] = await Promise.all([data, done]);
    const out = new Map<string, Float32Array | Int32Array>();
    let at = 0;
    for (const x of reads) {
      out.set(x.name, x.dtype === 'f32' ? new Float32Array(bytes, at, x.count) : new Int32Array(bytes, at, x.count));
      at += x.count * 4;
    }
    return out;
  }

  /** Reads whole fixed buffers (params, opt) with one submit. */
  async readBuffers(names: readonly ('params' | 'grads' | 'opt')[], floats: readonly number[]): Promise<Float32Array[]> {
    const total = floats.reduce((a, b) => a + b, 0) * 4;
    if (total === 0) return floats.map(() => new Float32Array(0));
    const { value: buf, done } = scoped(this.device, `${this.label} readback`, () => {
      const buf = this.staging.acquire(total);
      const enc = this.device.createCommandEncoder({ label: `${this.label}:readback` });
      let at = 0;
      names.forEach((n, i) => {
        const bytes = floats[i]! * 4;
        if (bytes > 0) enc.copyBufferToBuffer(this.resources.buffer(n), 0, buf, at, bytes);
        at += bytes;
      });
      this.device.queue.submit([enc.finish()]);
      this.submits++;
      return buf;
    });
    const [bytes] = await Promise.all([this.staging.read(buf, total), done]);
    let at = 0;
    return floats.map((n) => {
      const a = new Float32Array(bytes, at * 4, n);
      at += n;
      return a;
    });
  }

  /** Writes host floats into a fixed buffer at an element offset (queue order keeps it before later runs). */
  async write(name: 'params' | 'opt', offset: number, data: Float32Array): Promise<void> {
    if (data.length === 0) return;
    const { done } = scoped(this.device, `${this.label} upload`, () => this.device.queue.writeBuffer(this.resources.buffer(name), offset * 4, data as Float32Array<ArrayBuffer>));
    await done;
  }

  destroy(): void {
    this.resources.destroy();
    this.staging.destroy();
  }
}
