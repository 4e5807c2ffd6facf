// Page side: what the adapter can do at best, so each kernel's figure can be read against it:
//   fma       arithmetic peak: independent vec4 multiply-adds in registers, nothing loaded (GFLOP/s)
//   copy      memory bandwidth: a 64 MiB vec4 copy, bytes read + written (GB/s)
//   dispatch  cost of one more dispatch in a pass: 256 tiny dispatches against 1 (µs per dispatch)
//   submit    one tiny dispatch's round trip: submit to onSubmittedWorkDone (ms)
//   barrier   workgroupBarrier in a persistent-style kernel: 8 workgroups of 128 threads (µs per barrier)
// Each is the best of a few runs (the machine is shared and noisy; the best run is the least disturbed).

export interface Roofline { fmaGflops: number; copyGBs: number; dispatchUs: number; submitMs: number; barrierUs: number }

async function timeBest(device: GPUDevice, encode: (pass: GPUComputePassEncoder) => void, runs = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    encode(pass);
    pass.end();
    const t0 = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function pipeline(device: GPUDevice, code: string): GPUComputePipeline {
  return device.createComputePipeline({ label: 'roofline', layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
}

const FMA_ITERS = 2048, FMA_GROUPS = 256;
const FMA = `
@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let s = f32(g.x) * 1e-9;
  var a0 = vec4<f32>(s); var a1 = a0 + 1.0; var a2 = a0 + 2.0; var a3 = a0 + 3.0;
  var a4 = a0 + 4.0; var a5 = a0 + 5.0; var a6 = a0 + 6.0; var a7 = a0 + 7.0;
  let m = vec4<f32>(0.999); let c = vec4<f32>(1e-3);
  for (var i = 0u; i < ${FMA_ITERS}u; i++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
  }
  out[g.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}`;
const COPY = `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) n: vec3<u32>) {
  let i = g.x + g.y * n.x * 64u;
  if (i < arrayLength(&src)) { dst[i] = src[i]; }
}`;
const EMPTY = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1) fn main() { out[0] = 1.0; }`;
const BARRIERS = 1024;
const BARRIER = `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
var<workgroup> sh: array<f32, 128>;
@compute @workgroup_size(128) fn main(@builtin(local_invocation_index) l: u32, @builtin(workgroup_id) w: vec3<u32>) {
  var v = f32(l);
  for (var i = 0u; i < ${BARRIERS}u; i++) {
    sh[l] = v;
    workgroupBarrier();
    v += sh[(l + 1u) % 128u];
    workgroupBarrier();
  }
  out[w.x * 128u + l] = v;
}`;

export async function measureRoofline(device: GPUDevice): Promise<Roofline> {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers: GPUBuffer[] = [];
  const buffer = (size: number) => {
    const b = device.createBuffer({ label: 'roofline', size, usage });
    buffers.push(b);
    return b;
  };
  try {
    const fma = pipeline(device, FMA);
    const out = buffer(FMA_GROUPS * 64 * 16);
    const fmaGroup = device.createBindGroup({ layout: fma.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] });
    const fmaMs = await timeBest(device, (p) => { p.setPipeline(fma); p.setBindGroup(0, fmaGroup); p.dispatchWorkgroups(FMA_GROUPS); });
    const fmaFlops = FMA_GROUPS * 64 * FMA_ITERS * 8 * 4 * 2;

    const bytes = 64 << 20;
    const copy = pipeline(device, COPY);
    const copyGroup = device.createBindGroup({ layout: copy.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: buffer(bytes) } }, { binding: 1, resource: { buffer: buffer(bytes) } }] });
    const groups = bytes / 16 / 64;
    const copyMs = await timeBest(device, (p) => { p.setPipeline(copy); p.setBindGroup(0, copyGroup); p.dispatchWorkgroups(1024, groups / 1024); });

    const empty = pipeline(device, EMPTY);
    const emptyGroup = device.createBindGroup({ layout: empty.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buffer(16) } }] });
    const many = (n: number) => (p: GPUComputePassEncoder) => {
      p.setPipeline(empty);
      p.setBindGroup(0, emptyGroup);
      for (let i = 0; i < n; i++) p.dispatchWorkgroups(1);
    };
    const one = await timeBest(device, many(1), 5);
    const lots = await timeBest(device, many(256));

    const barrier = pipeline(device, BARRIER);
    const barrierGroup = device.createBindGroup({ layout: barrier.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buffer(8 * 128 * 4) } }] });
    const barrierMs = await timeBest(device, (p) => { p.setPipeline(barrier); p.setBindGroup(0, barrierGroup); p.dispatchWorkgroups(8); });
    return {
      fmaGflops: fmaFlops / (fmaMs * 1e6), copyGBs: (2 * bytes) / (copyMs * 1e6), dispatchUs: ((lots - one) / 255) * 1000, submitMs: one,
      barrierUs: (barrierMs / (2 * BARRIERS)) * 1000,
    };
  } finally {
    for (const b of buffers) b.destroy();
  }
}
