// Convolutional front ends and ConvLSTM compiled for WebGPU (Dawn, SwiftShader here) against the float64
// reference: outputs, loss and every parameter and input gradient (test/compiler/fixtures/reference-compare.ts),
// and ConvLSTM's stream_step against infer on each prefix of the sequence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { CONV_CONFIGS, CONV_LSTM_CONFIGS, CONV_LSTM_STREAM } from '../compiler/fixtures/conv-configs.ts';
import { gradientsScenario } from '../compiler/fixtures/gpu-scenarios.ts';
import { compareWithReference, type GradientsRunner } from '../compiler/fixtures/reference-compare.ts';
import { streamVersusPrefix } from '../compiler/fixtures/stream-prefix.ts';

let gpu: NodeGpuDevice;
const run: GradientsRunner = (bundle, weights, feed, dims) => gradientsScenario(gpu.device, bundle, weights, feed, dims);
const worst = { forward: 0, gradient: 0 };
beforeAll(async () => { gpu = await requestNodeDevice(); });
afterAll(async () => {
  console.log(`conv matrix: worst forward error ${worst.forward.toExponential(2)}, worst gradient error ${worst.gradient.toExponential(2)}`);
  if (gpu) await releaseNodeDevice(gpu.device);
});

describe('conv1d / conv2d / pooling match the reference (Dawn)', () => {
  it.each(CONV_CONFIGS.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await compareWithReference(run, c.source, { dims: c.dims });
    worst.forward = Math.max(worst.forward, r.worstForward);
    worst.gradient = Math.max(worst.gradient, r.worstGradient);
  });
});

describe('ConvLSTM matches the reference (Dawn)', () => {
  it.each(CONV_LSTM_CONFIGS.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await compareWithReference(run, c.source, { dims: c.dims ?? { batch: 3, time: 4 } });
    worst.forward = Math.max(worst.forward, r.worstForward);
    worst.gradient = Math.max(worst.gradient, r.worstGradient);
  });
  it('streams frame by frame exactly as infer over each prefix', async () => {
    expect(await streamVersusPrefix(gpu.device, CONV_LSTM_STREAM)).toBeLessThanOrEqual(1e-6);
  });
});
