// Page side: time per kernel, without touching the runtime. While one run is recorded, the compute-pass
// prototypes note each dispatch's pipeline, bind groups (with dynamic offsets) and grid; afterwards each
// recorded dispatch is replayed alone in its own submission and timed from submit to onSubmittedWorkDone,
// less an empty submission's round trip (wall clock: on SwiftShader the "GPU" is the CPU). A replay
// reads and writes the buffers as they are after the run, so data-dependent work is timed at end state.
import type { KernelTime } from './report.ts';

interface BindCall { readonly index: number; readonly group: GPUBindGroup | null; readonly offsets: number[] }
interface Recorded { readonly pipeline: GPUComputePipeline; readonly binds: BindCall[]; readonly grid: [number, number, number] }

let recording: Recorded[] | null = null;
const state = new WeakMap<GPUComputePassEncoder, { pipeline: GPUComputePipeline | null; binds: Map<number, BindCall> }>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const pass = GPUComputePassEncoder.prototype;
  const of = (p: GPUComputePassEncoder) => {
    let s = state.get(p);
    if (!s) state.set(p, s = { pipeline: null, binds: new Map() });
    return s;
  };
  const setPipeline = pass.setPipeline;
  pass.setPipeline = function (this: GPUComputePassEncoder, p: GPUComputePipeline) {
    if (recording) of(this).pipeline = p;
    return setPipeline.call(this, p);
  };
  const setBindGroup = pass.setBindGroup as (...a: unknown[]) => undefined;
  pass.setBindGroup = function (this: GPUComputePassEncoder, ...a: unknown[]) {
    if (recording) {
      const [index, group, data, start, length] = a as [number, GPUBindGroup | null, Iterable<number> | Uint32Array | undefined, number?, number?];
      const offsets = data === undefined ? [] : data instanceof Uint32Array && start !== undefined
        ? [...data.subarray(start, start + (length ?? 0))] : [...data];
      of(this).binds.set(index, { index, group, offsets });
    }
    return setBindGroup.apply(this, a);
  } as typeof pass.setBindGroup;
  const dispatch = pass.dispatchWorkgroups;
  pass.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number) {
    const s = recording ? of(this) : null;
    if (recording && s?.pipeline) recording.push({ pipeline: s.pipeline, binds: [...s.binds.values()], grid: [x, y ?? 1, z ?? 1] });
    return dispatch.call(this, x, y, z);
  };
}

/** Records the dispatches `run` makes, then replays each alone `reps` times; totals per kernel, slowest first. */
export async function profileKernels(device: GPUDevice, run: () => Promise<unknown>, reps = 3): Promise<KernelTime[]> {
  install();
  recording = [];
  let recorded: Recorded[];
  try {
    await run();
  } finally {
    recorded = recording;
    recording = null;
  }
  // An empty submission's round trip, taken off every replay: what is left is the kernel.
  const replay = async (r: Recorded | null): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const enc = device.createCommandEncoder({ label: 'profile replay' });
      const p = enc.beginComputePass({ label: 'profile replay' });
      if (r) {
        p.setPipeline(r.pipeline);
        for (const b of r.binds) p.setBindGroup(b.index, b.group, b.offsets);
        p.dispatchWorkgroups(...r.grid);
      }
      p.end();
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1]!;
  };
  const empty = await replay(null);
  const totals = new Map<string, { dispatches: number; ms: number; workgroups: number }>();
  for (const r of recorded) {
    const ms = Math.max(0, (await replay(r)) - empty);
    const label = r.pipeline.label || '(unlabelled)';
    const t = totals.get(label) ?? { dispatches: 0, ms: 0, workgroups: r.grid[0] * r.grid[1] * r.grid[2] };
    t.dispatches++;
    t.ms += ms;
    totals.set(label, t);
  }
  return [...totals].map(([kernel, t]) => ({ kernel, ...t })).sort((a, b) => b.ms - a.ms);
}
