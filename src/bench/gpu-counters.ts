// Page side: counts what every framework in the page asks of WebGPU by wrapping the prototypes once
// (compute dispatches, queue submissions, pipeline and bind-group creation) and follows GPU buffers
// (created minus destroyed) per owner, so each framework's peak GPU memory per model can be reported.
// The wrappers see every device in the page: rnnc's (the harness device), tfjs's and ORT's own.

export interface Counts { dispatches: number; submits: number; pipelines: number; bindGroups: number }

const counts: Counts = { dispatches: 0, submits: 0, pipelines: 0, bindGroups: 0 };
const live = new Map<string, number>();           // owner -> bytes alive now
const peak = new Map<string, number>();           // owner -> most bytes alive at once
const owners = new WeakMap<GPUBuffer, { owner: string; size: number }>();
let owner = 'none';
let installed = false;

/** Buffers created from now on belong to `name` (the framework and model being worked on). */
export function setOwner(name: string): void {
  owner = name;
}

export function snapshot(): Counts {
  return { ...counts };
}

export function delta(before: Counts): Counts {
  return {
    dispatches: counts.dispatches - before.dispatches, submits: counts.submits - before.submits,
    pipelines: counts.pipelines - before.pipelines, bindGroups: counts.bindGroups - before.bindGroups,
  };
}

/** Bytes of GPU buffers `name` created that are alive now. */
export function liveBytes(name: string): number {
  return live.get(name) ?? 0;
}

/** Peak bytes of GPU buffers alive at once that `name` created (0 when it created none). */
export function peakBytes(name: string): number {
  return peak.get(name) ?? 0;
}

export function installCounters(): void {
  if (installed) return;
  installed = true;
  const pass = GPUComputePassEncoder.prototype;
  const dispatch = pass.dispatchWorkgroups;
  pass.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a: Parameters<typeof dispatch>) {
    counts.dispatches++;
    return dispatch.apply(this, a);
  };
  const indirect = pass.dispatchWorkgroupsIndirect;
  pass.dispatchWorkgroupsIndirect = function (this: GPUComputePassEncoder, ...a: Parameters<typeof indirect>) {
    counts.dispatches++;
    return indirect.apply(this, a);
  };
  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (this: GPUQueue, ...a: Parameters<typeof submit>) {
    counts.submits++;
    return submit.apply(this, a);
  };
  const dev = GPUDevice.prototype;
  const createPipeline = dev.createComputePipeline;
  dev.createComputePipeline = function (this: GPUDevice, ...a: Parameters<typeof createPipeline>) {
    counts.pipelines++;
    return createPipeline.apply(this, a);
  };
  const createPipelineAsync = dev.createComputePipelineAsync;
  dev.createComputePipelineAsync = function (this: GPUDevice, ...a: Parameters<typeof createPipelineAsync>) {
    counts.pipelines++;
    return createPipelineAsync.apply(this, a);
  };
  const createBindGroup = dev.createBindGroup;
  dev.createBindGroup = function (this: GPUDevice, ...a: Parameters<typeof createBindGroup>) {
    counts.bindGroups++;
    return createBindGroup.apply(this, a);
  };
  const createBuffer = dev.createBuffer;
  dev.createBuffer = function (this: GPUDevice, ...a: Parameters<typeof createBuffer>) {
    const b = createBuffer.apply(this, a);
    const size = Number(a[0].size);
    owners.set(b, { owner, size });
    const now = (live.get(owner) ?? 0) + size;
    live.set(owner, now);
    peak.set(owner, Math.max(peak.get(owner) ?? 0, now));
    return b;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    const o = owners.get(this);
    if (o) {
      owners.delete(this);
      live.set(o.owner, (live.get(o.owner) ?? 0) - o.size);
    }
    return destroy.apply(this);
  };
}
