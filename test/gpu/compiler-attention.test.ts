// The fused attention core compiled for WebGPU (Dawn, SwiftShader here) against the float64 reference:
// attention (additive, dot, scaled-dot; masked keys, separate values, the weights output) and
// multi-head self-attention (heads 1/2/4, causal or not, key padding), in outputs, loss and every gradient.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { ATTENTION_CONFIGS, SELF_ATTENTION_CONFIGS } from '../compiler/fixtures/attention-configs.ts';
import { gradientsScenario } from '../compiler/fixtures/gpu-scenarios.ts';
import { compareWithReference, type GradientsRunner } from '../compiler/fixtures/reference-compare.ts';

let gpu: NodeGpuDevice;
const run: GradientsRunner = (bundle, weights, feed, dims) => gradientsScenario(gpu.device, bundle, weights, feed, dims);
const worst = { forward: 0, gradient: 0 };
beforeAll(async () => { gpu = await requestNodeDevice(); });
afterAll(async () => {
  console.log(`attention matrix: worst forward error ${worst.forward.toExponential(2)}, worst gradient error ${worst.gradient.toExponential(2)}`);
  if (gpu) await releaseNodeDevice(gpu.device);
});

describe('attention and self-attention match the reference (Dawn)', () => {
  it.each([...ATTENTION_CONFIGS, ...SELF_ATTENTION_CONFIGS].map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await compareWithReference(run, c.source, { dims: c.dims });
    worst.forward = Math.max(worst.forward, r.worstForward);
    worst.gradient = Math.max(worst.gradient, r.worstGradient);
  });
});
