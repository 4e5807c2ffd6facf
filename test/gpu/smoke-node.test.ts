// WebGPU in Node: Dawn (the `webgpu` package) on SwiftShader when there is no GPU. Never skipped:
// when WebGPU is missing the test fails with the message that says how to install it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAdapter } from '../../src/gpu/adapter-info.ts';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
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
});
