// Compiled models on Dawn (Node's WebGPU, SwiftShader here) against the float64 CPU reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { defineCompilerSuite } from '../compiler/fixtures/suite.ts';
import { gradientsScenario, inferScenario, trainScenario } from '../compiler/fixtures/gpu-scenarios.ts';
import { streamVersusPrefix } from '../compiler/fixtures/stream-prefix.ts';

let gpu: NodeGpuDevice;
beforeAll(async () => { gpu = await requestNodeDevice({ optionalFeatures: ['subgroups' as GPUFeatureName] }); });
afterAll(async () => { if (gpu) await releaseNodeDevice(gpu.device); });

defineCompilerSuite('Node, Dawn', () => ({
  gradients: (bundle, weights, feed, dims) => gradientsScenario(gpu.device, bundle, weights, feed, dims),
  infer: (bundle, weights, feed, dims) => inferScenario(gpu.device, bundle, weights, feed, dims),
  train: (bundle, weights, batches, steps, total) => trainScenario(gpu.device, bundle, weights, batches, steps, total),
}), {
  available: () => gpu.device.features.has('subgroups'),
  hidden: [8, 20],
  sliced: true,
  examples: ['vibration.rnn', 'sentiment.rnn', 'names-gru.rnn', 'row-mnist.rnn'],
});

// stream_step of recurrent classifiers whose last-step selection fuses into the streamed recurrence
// (persistent schedule, forward-only copy): each step's output must equal infer's on the prefix so far.
const lastStepClassifier = (cell: 'lstm' | 'gru', hidden: number, layers: number) => `model m {
  input x: f32[batch, time, 4]
  layer enc = ${cell}(hidden=${hidden}, layers=${layers}, return_sequences=false)
  layer head = dense(units=3)
  output logits = head(enc(x))
}
`;
describe('stream_step of last-step classifiers against infer on each prefix (Node, Dawn)', () => {
  // Two layers: each layer's recurrence writes its own rows of the carried state in place (stream-state-in-place).
  it.each([['lstm', 8, 1], ['gru', 6, 1], ['lstm', 8, 2]] as const)('%s hidden=%i layers=%i', async (cell, hidden, layers) => {
    expect(await streamVersusPrefix(gpu.device, lastStepClassifier(cell, hidden, layers), 3, 5)).toBeLessThanOrEqual(1e-5);
  });
});
