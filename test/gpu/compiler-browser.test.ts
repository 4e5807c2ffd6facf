// Compiled models in headless Chromium's WebGPU (SwiftShader here) against the float64 CPU reference.
import { afterAll, beforeAll } from 'vitest';
import { openGpuPage, type GpuPage } from '../../src/gpu/browser.ts';
import { defineCompilerSuite } from '../compiler/fixtures/suite.ts';
import type { GradientsResult, TrainResult } from '../compiler/fixtures/gpu-scenarios.ts';

let page: GpuPage;
beforeAll(async () => { page = await openGpuPage({ bundles: { compiler: 'test/compiler/fixtures/gpu-page.ts' }, features: ['subgroups'] }); });
afterAll(async () => { await page?.close(); });

defineCompilerSuite('headless Chromium', () => ({
  gradients: (bundle, weights, feed, dims) => page.call<GradientsResult>('compiler', 'gradients', bundle, weights, feed, dims),
  train: (bundle, weights, batches, steps, total) => page.call<TrainResult>('compiler', 'train', bundle, weights, batches, steps, total),
}), {
  // Where the benchmark runs the subgroup kernels; fewer cases than on Dawn (same kernels, slower pipelines).
  available: () => page.info.features.includes('subgroups'),
  hidden: [20],
  sliced: false,
  examples: ['vibration.rnn', 'names-gru.rnn'],
});
