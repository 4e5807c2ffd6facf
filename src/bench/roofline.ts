// Page side: what the adapter can do at best, so each kernel's figure can be read against it:
//   fma       arithmetic peak: independent vec4 multiply-adds in registers, nothing loaded (GFLOP/s)
//   loads     storage-buffer loads per second, f32 and vec4 (a grid-stride sum over 32 MiB by 64 workgroups),
//             and workgroup-memory f32 loads per second: on SwiftShader every load instruction is costly
//             (bounds checks, per-lane access), so a kernel's loads per multiply-add set its speed
//   memcpy    copyBufferToBuffer of 32 MiB (GB/s): what the memory itself can do, for contrast
//   dispatch  cost of one more dispatch in a pass: 256 tiny dispatches against 1 (µs per dispatch)
//   submit    one tiny dispatch's round trip: submit to onSubmittedWorkDone (ms)
//   barrier   workgroupBarrier in a persistent-style kernel: 8 workgroups of 128 threads (µs per barrier)
// Each is the best of a few runs (the machine is shared and noisy; the best run is the least disturbed).

export interface Roofline {
  fmaGflops: number; loadsF32G: number; loadsVec4G: number; loadsWorkgroupG: number; memcpyGBs: number;
  dispatchUs: number; submitMs: number; barrierUs: number;
}

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
const SUM = (t: string) => `
@group(0) @binding(0) var<storage, read> src: array<${t}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${t}>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) n: vec3<u32>) {
  let stride = n.x * 64u; let N = arrayLength(&src);
  var acc = ${t}();
  for (var i = g.x; i < N; i += stride) { acc += src[i]; }
  dst[g.x] = acc;
}`;
const SHARED_REPS = 16;
const SHARED = `
@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
var<workgroup> sh: array<f32, 1024>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  for (var i = l; i < 1024u; i += 64u) { sh[i] = f32(i); }
  workgroupBarrier();
  var acc = 0.0;
  for (var r = 0u; r < ${SHARED_REPS}u; r++) {
    for (var i = 0u; i < 1024u; i += 4u) { acc += sh[i] + sh[i + 1u] + sh[i + 2u] + sh[i + 3u]; }
  }
  dst[g.x] = acc;
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

    const bytes = 32 << 20;
    const src = buffer(bytes), dst = buffer(64 * 64 * 16);
    const loadsPerSecond = async (t: string, width: number) => {
      const sum = pipeline(device, SUM(t));
      const g = device.createBindGroup({ layout: sum.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }] });
      const ms = await timeBest(device, (p) => { p.setPipeline(sum); p.setBindGroup(0, g); p.dispatchWorkgroups(64); });
      return bytes / width / (ms * 1e6);
    };
    const loadsF32G = await loadsPerSecond('f32', 4), loadsVec4G = await loadsPerSecond('vec4<f32>', 16);
    const shared = pipeline(device, SHARED);
    const sharedGroup = device.createBindGroup({ layout: shared.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: dst } }] });
    const sharedMs = await timeBest(device, (p) => { p.setPipeline(shared); p.setBindGroup(0, sharedGroup); p.dispatchWorkgroups(64); });
    const copyTo = buffer(bytes);
    let memcpyMs = Infinity;
    for (let i = 0; i < 3; i++) {
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(src, 0, copyTo, 0, bytes);
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      memcpyMs = Math.min(memcpyMs, performance.now() - t0);
    }

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
      fmaGflops: fmaFlops / (fmaMs * 1e6), loadsF32G, loadsVec4G, loadsWorkgroupG: (64 * 64 * SHARED_REPS * 1024) / (sharedMs * 1e6),
      memcpyGBs: (2 * bytes) / (memcpyMs * 1e6), dispatchUs: ((lots - one) / 255) * 1000, submitMs: one,
      barrierUs: (barrierMs / (2 * BARRIERS)) * 1000,
    };
  } finally {
    for (const b of buffers) b.destroy();
  }
}
