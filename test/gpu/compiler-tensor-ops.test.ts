// concat, broadcasting arithmetic, constants, reductions, layer_norm and flatten compiled for WebGPU
// (Dawn, SwiftShader here) against the float64 reference: outputs, loss and every gradient.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { gradientsScenario } from '../compiler/fixtures/gpu-scenarios.ts';
import { compareWithReference, type GradientsRunner } from '../compiler/fixtures/reference-compare.ts';
import { TENSOR_OP_CONFIGS } from '../compiler/fixtures/tensor-op-configs.ts';

let gpu: NodeGpuDevice;
const run: GradientsRunner = (bundle, weights, feed, dims) => gradientsScenario(gpu.device, bundle, weights, feed, dims);
const worst = { forward: 0, gradient: 0 };
beforeAll(async () => { gpu = await requestNodeDevice(); });
afterAll(async () => {
  console.log(`tensor-op matrix: worst forward error ${worst.forward.toExponential(2)}, worst gradient error ${worst.gradient.toExponential(2)}`);
  if (gpu) await releaseNodeDevice(gpu.device);
});

describe('tensor ops match the reference (Dawn)', () => {
  it.each(TENSOR_OP_CONFIGS.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await compareWithReference(run, c.source, { dims: c.dims });
    worst.forward = Math.max(worst.forward, r.worstForward);
    worst.gradient = Math.max(worst.gradient, r.worstGradient);
  });
});
