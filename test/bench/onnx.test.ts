// The benchmark's hand-written ONNX encoder (src/bench/onnx.ts): each generated M1-M4 graph loads in
// ONNX Runtime (its wasm CPU build in Node) and gives a [batch, 10] softmax, one probability row per
// sequence. The WebGPU side of ORT runs these same bytes in `npm run bench`.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { benchData } from '../../src/bench/data.ts';
import { MODELS, modelById } from '../../src/bench/models.ts';
import { ONNX_INPUT, ONNX_OUTPUT, onnxModel } from '../../src/bench/onnx.ts';

describe('ONNX files of the benchmark models', () => {
  it.each(MODELS.filter((m) => !m.conv).map((m) => [m.id, { ...m, time: 5 }] as const))('%s loads and runs in ONNX Runtime', async (_id, m) => {
    const session = await ort.InferenceSession.create(onnxModel(m), { executionProviders: ['wasm'], logSeverityLevel: 3 });
    expect(session.inputNames).toEqual([ONNX_INPUT]);
    const out = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', benchData(m).x, [m.batch, m.time, m.features]) });
    const probs = out[ONNX_OUTPUT]!;
    expect(probs.dims).toEqual([m.batch, m.classes]);
    const p = probs.data as Float32Array;
    for (let b = 0; b < m.batch; b++) {
      const row = p.subarray(b * m.classes, (b + 1) * m.classes);
      expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 5);
      expect(Math.min(...row)).toBeGreaterThan(0);
    }
    await session.release();
  });

  it('has no ConvLSTM graph (M5)', () => {
    expect(() => onnxModel(modelById('M5'))).toThrow(/no ONNX equivalent/);
  });
});
