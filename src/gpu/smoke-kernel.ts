// The smoke kernel: proves that a WebGPU device computes, in Node (Dawn) and in Chromium alike.
// Platform neutral: it only uses the WebGPU API (GPUBufferUsage/GPUMapMode must be globals, which
// browsers provide and src/gpu/node-webgpu.ts installs in Node).
//
//   pass 1  y[i] = a * x[i] + b                                 (one thread per element)
//   pass 2  sum = Σ y[i]    (one workgroup of 256 threads, strided loads, tree reduction in workgroup memory)
//
// Inputs are multiples of 1/4 and small, so every f32 result is exact: the check is equality.

export const SMOKE_WORKGROUP = 256;

export const SMOKE_WGSL = /* wgsl */ `
struct Params { a: f32, b: f32, n: u32, _pad: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> total: array<f32>;

@compute @workgroup_size(64)
fn axpb(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i < params.n) { y[i] = params.a * x[i] + params.b; }
}

var<workgroup> partial: array<f32, ${SMOKE_WORKGROUP}>;

@compute @workgroup_size(${SMOKE_WORKGROUP})
fn reduce_sum(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < params.n; i += ${SMOKE_WORKGROUP}u) { s += y[i]; }
  partial[lid] = s;
  workgroupBarrier();
  for (var stride = ${SMOKE_WORKGROUP / 2}u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { total[0] = partial[0]; }
}
`;

export interface SmokeInput {
  x: Float32Array<ArrayBuffer>;
  a: number;
  b: number;
}

export interface SmokeOutput {
  y: Float32Array;
  sum: number;
  ms: number;
}

/** Deterministic input: x[i] = ((i mod 17) - 8) / 4. */
export function smokeInput(n = 1000, a = 1.5, b = -0.75): SmokeInput {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i % 17) - 8) / 4;
  return { x, a, b };
}

/** The float64 CPU reference. */
export function smokeReference(input: SmokeInput): { y: Float64Array; sum: number } {
  const y = new Float64Array(input.x.length);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    y[i] = input.a * (input.x[i] ?? 0) + input.b;
    sum += y[i] ?? 0;
  }
  return { y, sum };
}

/** Largest |gpu - ref| over y and the sum; 0 on a correct device. */
export function smokeMaxError(out: { y: ArrayLike<number>; sum: number }, input: SmokeInput): number {
  const ref = smokeReference(input);
  if (out.y.length !== ref.y.length) return Infinity;
  let err = Math.abs(out.sum - ref.sum);
  for (let i = 0; i < ref.y.length; i++) err = Math.max(err, Math.abs((out.y[i] ?? NaN) - (ref.y[i] ?? 0)));
  return Number.isNaN(err) ? Infinity : err;
}

async function popScopes(device: GPUDevice, n: number): Promise<void> {
  const errors: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = await device.popErrorScope();
    if (e) errors.push(e.message);
  }
  if (errors.length > 0) throw new Error(`WebGPU error in the smoke kernel: ${errors.join('; ')}`);
}

/** Runs both passes, reads y and the sum back, and waits until the queue is idle. */
export async function runSmokeKernel(device: GPUDevice, input: SmokeInput): Promise<SmokeOutput> {
  const t0 = performance.now();
  const n = input.x.length;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: SMOKE_WGSL, label: 'smoke' });
  const layout = device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipe = (entryPoint: string) =>
    device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint } });
  const axpb = pipe('axpb');
  const reduce = pipe('reduce_sum');

  const params = new ArrayBuffer(16);
  new Float32Array(params, 0, 2).set([input.a, input.b]);
  new Uint32Array(params, 8, 1)[0] = n;
  const U = GPUBufferUsage;
  const uni = device.createBuffer({ size: 16, usage: U.UNIFORM | U.COPY_DST });
  const xb = device.createBuffer({ size: n * 4, usage: U.STORAGE | U.COPY_DST });
  const yb = device.createBuffer({ size: n * 4, usage: U.STORAGE | U.COPY_SRC });
  const tb = device.createBuffer({ size: 4, usage: U.STORAGE | U.COPY_SRC });
  const readback = device.createBuffer({ size: n * 4 + 4, usage: U.MAP_READ | U.COPY_DST });
  device.queue.writeBuffer(uni, 0, params);
  device.queue.writeBuffer(xb, 0, input.x);
  const group = device.createBindGroup({
    layout,
    entries: [uni, xb, yb, tb].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });

  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setBindGroup(0, group);
  pass.setPipeline(axpb);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.setPipeline(reduce);
  pass.dispatchWorkgroups(1);
  pass.end();
  enc.copyBufferToBuffer(yb, 0, readback, 0, n * 4);
  enc.copyBufferToBuffer(tb, 0, readback, n * 4, 4);
  device.queue.submit([enc.finish()]);
  await popScopes(device, 2);

  await readback.mapAsync(GPUMapMode.READ);
  const all = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  await device.queue.onSubmittedWorkDone();
  for (const b of [uni, xb, yb, tb, readback]) b.destroy();
  return { y: all.subarray(0, n), sum: all[n] ?? NaN, ms: performance.now() - t0 };
}
