// WebGPU in Node: Dawn (the `webgpu` package) on SwiftShader when there is no GPU. Never skipped:
// when WebGPU is missing the test fails with the message that says how to install it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dawnPollingThrottled, runsOnCpu } from '../../runtime/dawn-poll.ts';
import { formatAdapter } from '../../src/gpu/adapter-info.ts';
import { chosenDawnPollSpin, releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { runSmokeKernel, smokeInput, smokeReference } from '../../src/gpu/smoke-kernel.ts';

describe('WebGPU in Node (Dawn)', () => {
  let gpu: NodeGpuDevice;
  beforeAll(async () => {
    gpu = await requestNodeDevice();
    console.log(`node webgpu adapter: ${formatAdapter(gpu.info)}`);
  });
  afterAll(async () => {
    if (gpu) await releaseNodeDevice(gpu.device);
  });

  it('has an adapter that describes itself', () => {
    expect(gpu.info.architecture || gpu.info.description).not.toBe('');
    expect(gpu.info.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
  });

  it('computes y = a*x + b and a workgroup-memory sum exactly', async () => {
    const input = smokeInput(1000);
    const ref = smokeReference(input);
    const out = await runSmokeKernel(gpu.device, input);
    expect(out.y.length).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(Math.abs((out.y[i] ?? NaN) - (ref.y[i] ?? 0))).toBeLessThanOrEqual(1e-6);
    expect(out.sum).toBe(ref.sum);
  });

  it('gives the same numbers on repeated submits', async () => {
    const input = smokeInput(4099, -0.5, 2);
    const ref = smokeReference(input);
    for (let rep = 0; rep < 5; rep++) {
      const out = await runSmokeKernel(gpu.device, input);
      expect(out.sum).toBe(ref.sum);
    }
  });

  // Dawn polls for finished work with setImmediate, a busy loop on this thread unless throttled
  // (runtime/dawn-poll.ts), which requestNodeDevice does where the adapter runs on the CPU: there the loop takes
  // a core from the GPU's own workers. On a real GPU the loop stays (it answers fastest).
  it('throttles Dawn\'s polling exactly where the adapter runs on the CPU', () => {
    // RNNC_DAWN_POLL_SPIN_MS, when set, installs the throttle with that spin whatever the adapter.
    const chosen = chosenDawnPollSpin() !== undefined;
    expect(dawnPollingThrottled()).toBe(chosen || runsOnCpu(gpu.info));
  });

  // Linux only (/proc/thread-self), which is where this tier runs.
  it('waits for a long dispatch without keeping the JavaScript thread busy (CPU adapters)', async (ctx) => {
    if (!runsOnCpu(gpu.info)) ctx.skip(); // a real GPU keeps Dawn's loop (test above): reported as skipped
    const { device } = gpu;
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
        struct N { n: u32 }
        @group(0) @binding(1) var<uniform> iters: N;
        @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
          var x = f32(g.x) * 1e-3;
          for (var i = 0u; i < iters.n; i++) { x = fract(x * 1.0001 + 0.37); }
          out[g.x] = x;
        }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const U = GPUBufferUsage;
    const out = device.createBuffer({ size: 512 * 4, usage: U.STORAGE | U.COPY_SRC });
    const uni = device.createBuffer({ size: 16, usage: U.UNIFORM | U.COPY_DST });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [
      { binding: 0, resource: { buffer: out } }, { binding: 1, resource: { buffer: uni } }] });
    const threadCpuMs = (): number => {
      const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms clock ticks
    };
    const run = async (n: number): Promise<{ wallMs: number; cpuMs: number }> => {
      device.queue.writeBuffer(uni, 0, new Uint32Array([n, 0, 0, 0]));
      const readback = device.createBuffer({ size: 512 * 4, usage: U.MAP_READ | U.COPY_DST });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(8);
      pass.end();
      enc.copyBufferToBuffer(out, 0, readback, 0, 512 * 4);
      const t0 = performance.now();
      const c0 = threadCpuMs();
      device.queue.submit([enc.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const cpuMs = threadCpuMs() - c0;
      const wallMs = performance.now() - t0;
      readback.destroy();
      return { wallMs, cpuMs };
    };
    // Grow the loop until one wait lasts at least 400 ms, long enough for 10 ms clock ticks to tell.
    let n = 1 << 14;
    let r = await run(n);
    while (r.wallMs < 400 && n < 1 << 28) {
      n *= Math.min(16, Math.max(2, Math.ceil(450 / Math.max(r.wallMs, 1))));
      r = await run(n);
    }
    console.log(`a ${r.wallMs.toFixed(0)} ms wait took ${r.cpuMs} ms of the JavaScript thread's CPU time`);
    expect(r.wallMs).toBeGreaterThanOrEqual(400);
    expect(r.cpuMs / r.wallMs).toBeLessThan(0.35); // Dawn's own busy loop: about 1
  });
});
