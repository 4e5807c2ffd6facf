// The attentive seq2seq decoder compiled for WebGPU (Dawn, SwiftShader here) against the float64
// reference: teacher-forced logits, the masked loss and every gradient (memory, h0 and all parameters),
// and greedy decoding: the GPU feeds the argmax back itself and its tokens equal the reference's
// (positions after a row's eos hold eos).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../../compiler/pipeline.ts';
import { loadModel } from '../../runtime/index.ts';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { evaluate, initModelParams, randomInputs } from '../../src/reference/index.ts';
import { DECODER_CONFIGS, GREEDY_ONLY } from '../compiler/fixtures/decoder-configs.ts';
import { gradientsScenario } from '../compiler/fixtures/gpu-scenarios.ts';
import { checkedModel, compareWithReference, type GradientsRunner, toFeed, toWeights } from '../compiler/fixtures/reference-compare.ts';

let gpu: NodeGpuDevice;
const run: GradientsRunner = (bundle, weights, feed, dims) => gradientsScenario(gpu.device, bundle, weights, feed, dims);
const worst = { forward: 0, gradient: 0, earlyEos: 0 };
beforeAll(async () => { gpu = await requestNodeDevice(); });
afterAll(async () => {
  console.log(`decoder matrix: worst forward error ${worst.forward.toExponential(2)}, worst gradient error ` +
              `${worst.gradient.toExponential(2)}; rows that ended before max_len: ${worst.earlyEos}`);
  if (gpu) await releaseNodeDevice(gpu.device);
});

/** Rows of a [B, L] token matrix that produce eos before the last position; checks that eos then sticks. */
function earlyEos(tokens: ArrayLike<number>, L: number, eos: number): number {
  let rows = 0;
  for (let b = 0; b < tokens.length / L; b++) {
    const first = Array.from({ length: L }, (_, t) => tokens[b * L + t]).indexOf(eos);
    if (first < 0 || first === L - 1) continue;
    rows++;
    for (let t = first; t < L; t++) expect(tokens[b * L + t], `row ${b} step ${t} after eos`).toBe(eos);
  }
  return rows;
}

describe('attentive decoder matches the reference (Dawn)', () => {
  it.each(DECODER_CONFIGS.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await compareWithReference(run, c.source, { dims: c.dims });
    expect(Array.from(r.gpu.outputs.toks!), 'greedy tokens').toEqual(Array.from(r.refOutputs.get('toks')!.data));
    worst.forward = Math.max(worst.forward, r.worstForward);
    worst.gradient = Math.max(worst.gradient, r.worstGradient);
    worst.earlyEos += earlyEos(r.gpu.outputs.toks!, r.refOutputs.get('toks')!.shape[1]!, c.eos);
  });

  it('some rows end early, so the eos semantics are exercised', () => {
    expect(worst.earlyEos).toBeGreaterThan(0);
  });

  it('greedy decoding alone (infer): same tokens as the reference over several seeds', async () => {
    const model = checkedModel(GREEDY_ONLY);
    const m = await loadModel(compileModel(model), { device: gpu.device });
    try {
      for (const seed of [1, 2, 3]) {
        const params = initModelParams(model, seed);
        await m.setWeights(toWeights(params));
        const { inputs, dims } = randomInputs(model, seed + 10, { batch: 4, src_time: 6 });
        const ref = evaluate(model, params, inputs, { dims: Object.fromEntries(dims) });
        const out = await m.run(toFeed(inputs), { dims: Object.fromEntries(dims) });
        expect(Array.from(out.toks!.data), `seed ${seed}`).toEqual(Array.from(ref.outputs.get('toks')!.data));
      }
    } finally {
      m.dispose();
    }
  });
});
