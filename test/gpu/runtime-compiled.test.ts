// The compiler ↔ runtime contract on real bundles: every example model the WebGPU back end compiles
// validates, loads on Dawn (Node), and its infer outputs match the float64 CPU reference.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckedModel } from '../../compiler/check/model.ts';
import { checkSource } from '../../compiler/front.ts';
import { compileModel } from '../../compiler/pipeline.ts';
import { loadModel, type InputValue } from '../../runtime/index.ts';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { evaluate, initModelParams, randomInputs } from '../../src/reference/index.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url);

function compiled(): { file: string; model: CheckedModel; bundle: unknown }[] {
  const out = [];
  for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.rnn')).sort()) {
    const checked = checkSource(readFileSync(new URL(file, EXAMPLES), 'utf8'), file);
    for (const model of checked.file?.models ?? []) {
      try {
        out.push({ file, model, bundle: compileModel(model) });
      } catch (e) {
        if (!/not supported by the WebGPU back end/.test((e as Error).message)) throw e;
      }
    }
  }
  return out;
}

describe('compiled example bundles on the runtime (Dawn)', () => {
  let gpu: NodeGpuDevice;
  beforeAll(async () => { gpu = await requestNodeDevice(); });
  afterAll(async () => { if (gpu) await releaseNodeDevice(gpu.device); });

  const cases = compiled();
  it('has examples the back end compiles', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [`${c.file}: ${c.model.name}`, c] as const))('%s: infer matches the CPU reference', async (_name, c) => {
    const model = await loadModel(c.bundle, { device: gpu.device, seed: 3, programs: ['infer'] });
    const given = Object.fromEntries(c.model.dims.map((d) => [d, d === 'batch' ? 3 : 5]));
    const { inputs, dims } = randomInputs(c.model, 11, given);
    const ref = evaluate(c.model, initModelParams(c.model, 3), inputs);
    const feed: Record<string, InputValue> = {};
    for (const [k, t] of inputs) feed[k] = { data: t.dtype === 'i32' ? Int32Array.from(t.data) : Float32Array.from(t.data), shape: [...t.shape] };
    const out = await model.run(feed, { dims: Object.fromEntries(dims) });
    for (const [name, o] of Object.entries(out)) {
      const want = ref.outputs.get(name)!;
      expect(o.shape, name).toEqual([...want.shape]);
      let worst = 0;
      for (let i = 0; i < o.data.length; i++) worst = Math.max(worst, Math.abs(o.data[i]! - want.data[i]!) / (1 + Math.abs(want.data[i]!)));
      expect(worst, `${name}: max relative error`).toBeLessThan(1e-5);
    }
    model.dispose();
  });
});
