// The convolution, ConvLSTM, attention, decoder and tensor-op matrices of the Dawn tests
// (compiler-conv/-attention/-decoder/-tensor-ops.test.ts), run again in headless Chromium's WebGPU:
// same fixtures, same tolerances (test/compiler/fixtures/reference-compare.ts), same greedy-token check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from '../../src/gpu/browser.ts';
import { ATTENTION_CONFIGS, SELF_ATTENTION_CONFIGS } from '../compiler/fixtures/attention-configs.ts';
import { CONV_CONFIGS, CONV_LSTM_CONFIGS } from '../compiler/fixtures/conv-configs.ts';
import { DECODER_CONFIGS } from '../compiler/fixtures/decoder-configs.ts';
import type { GradientsResult } from '../compiler/fixtures/gpu-scenarios.ts';
import { compareWithReference, type GradientsRunner } from '../compiler/fixtures/reference-compare.ts';
import { TENSOR_OP_CONFIGS } from '../compiler/fixtures/tensor-op-configs.ts';

let page: GpuPage;
const run: GradientsRunner = (bundle, weights, feed, dims) =>
  page.call<GradientsResult>('compiler', 'gradients', bundle, weights, feed, dims);
beforeAll(async () => { page = await openGpuPage({ bundles: { compiler: 'test/compiler/fixtures/gpu-page.ts' } }); });
afterAll(async () => { await page?.close(); });

const matrix = [...CONV_CONFIGS, ...CONV_LSTM_CONFIGS, ...ATTENTION_CONFIGS, ...SELF_ATTENTION_CONFIGS, ...TENSOR_OP_CONFIGS];

describe('conv, ConvLSTM, attention and tensor ops match the reference (headless Chromium)', () => {
  it.each(matrix.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await compareWithReference(run, c.source, { dims: 'dims' in c && c.dims ? c.dims : { batch: 3, time: 4 } });
  });
});

describe('attentive decoder matches the reference, greedy tokens included (headless Chromium)', () => {
  it.each(DECODER_CONFIGS.slice(0, 4).map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await compareWithReference(run, c.source, { dims: c.dims });
    expect(Array.from(r.gpu.outputs.toks!), 'greedy tokens').toEqual(Array.from(r.refOutputs.get('toks')!.data));
  });
});
