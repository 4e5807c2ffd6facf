// Compiled models on Dawn (Node's WebGPU, SwiftShader here) against the float64 CPU reference.
import { afterAll, beforeAll } from 'vitest';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { defineCompilerSuite } from '../compiler/fixtures/suite.ts';
import { gradientsScenario, inferScenario, trainScenario } from '../compiler/fixtures/gpu-scenarios.ts';

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
