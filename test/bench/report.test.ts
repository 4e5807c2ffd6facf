// The benchmark's report (src/bench/report.ts): medians, speed-ups, GFLOP/s and the targets, on
// hand-made results; and the FLOP counts of src/bench/models.ts against the formulas of the issue.
import { describe, expect, it } from 'vitest';
import { forwardFlops, modelById, trainFlops } from '../../src/bench/models.ts';
import { checkTargets, fmtX, gflops, markdownTables, median, speedup, type ModelResult } from '../../src/bench/report.ts';

const timing = (ms: number[], dispatches: number) => ({ samples: ms, calls: ms.map(() => 1), dispatches, submits: 1 });

function row(id: string, rnnc: [number, number], tfjs: [number, number], wasm: [number, number], ortMs: number): ModelResult {
  return {
    id, title: modelById(id).title, batch: 32, time: 64, forwardFlops: forwardFlops(modelById(id)), trainFlops: trainFlops(modelById(id)),
    rnnc: { inferDispatches: 5, trainDispatches: 12, trainFormula: '12', plannedBytes: 1 << 20, schedules: ['enc: persistent'] },
    frameworks: {
      rnnc: { status: 'ok', infer: timing([rnnc[0]], 5), train: timing([rnnc[1]], 12), peakBytes: 2 << 20 },
      'tfjs-webgpu': { status: 'ok', infer: timing([tfjs[0]], 1000), train: timing([tfjs[1]], 3000) },
      'tfjs-wasm': { status: 'ok', infer: timing([wasm[0]], 0), train: timing([wasm[1]], 0) },
      'ort-webgpu': { status: 'ok', infer: timing([ortMs], 68) },
    },
  };
}

describe('benchmark report', () => {
  it('takes medians and speed-ups', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    const r = row('M1', [100, 500], [3000, 15000], [80, 900], 600);
    expect(speedup(r, 'tfjs-webgpu', 'train')).toBe(30);
    expect(speedup(r, 'ort-webgpu', 'infer')).toBe(6);
    expect(gflops(2e9, 1000)).toBe(2);
  });

  it('counts LSTM, GRU, stacked, bidirectional and ConvLSTM FLOPs as the issue defines them', () => {
    const lstm = 2 * 4 * 128 * (32 + 128) * 32 * 64;
    expect(forwardFlops(modelById('M1'))).toBe(lstm);
    expect(trainFlops(modelById('M1'))).toBe(3 * lstm);
    expect(forwardFlops(modelById('M2'))).toBe(2 * 3 * 128 * (32 + 128) * 32 * 64);
    expect(forwardFlops(modelById('M3'))).toBe(lstm + 2 * 4 * 128 * (128 + 128) * 32 * 64);
    expect(forwardFlops(modelById('M4'))).toBe(2 * 2 * 4 * 64 * (32 + 64) * 32 * 64);
    expect(forwardFlops(modelById('M5'))).toBe(2 * 4 * 16 * (1 + 16) * 9 * 32 * 32 * 4 * 8);
  });

  it('says which targets hold, which miss and which were not measured', () => {
    const fast = ['M1', 'M2', 'M3', 'M4'].map((id) => row(id, [100, 500], [3000, 15000], [400, 900], 600));
    const m5: ModelResult = { ...row('M5', [1, 1], [1, 1], [1, 1], 1), frameworks: { rnnc: { status: 'pending', note: 'not supported' } } };
    const t = checkTargets({ models: [...fast, m5], stream: { model: 'M1', steps: 2, stepMs: [1, 2], submitsPerStep: 1, dispatchesPerStep: 8, pipelinesPerStep: 0, bindGroupsPerStep: 0 } });
    const get = (s: string) => t.find((x) => x.target.includes(s))!;
    expect(get('≥ 20× faster than tfjs webgpu (M1-M4)').holds).toBe(true);
    expect(get('(M5)').holds).toBeNull();
    expect(get('faster than tfjs wasm').holds).toBe(true);
    expect(get('inference ≥ 20×').holds).toBe(true);
    expect(get('ORT').holds).toBe(true);
    expect(get('≤ 12 (persistent)').holds).toBe(true);
    expect(get('streaming').holds).toBe(true);
    const slow = [row('M1', [1000, 5000], [3000, 15000], [400, 900], 600)];
    const t2 = checkTargets({ models: slow });
    expect(t2.find((x) => x.target.includes('tfjs wasm'))!.holds).toBe(false);
    expect(t2.find((x) => x.target.includes('ORT'))!.detail).toContain('M2 not measured');
    const md = markdownTables({ models: [...fast, m5], targets: t });
    expect(md).toContain('| M5 ConvLSTM2D(16, 3x3) on [4, 8, 32, 32, 1] | pending |');
    expect(md).toContain('0.033 (30.0×)');
  });

  it('never shows a missed ratio target as met: speed-ups are rounded down', () => {
    expect(fmtX(19.96)).toBe('19.9×');
    expect(fmtX(20)).toBe('20.0×');
    expect(fmtX(2.999)).toBe('2.99×');
    expect(fmtX(137.9)).toBe('137×');
    expect(fmtX(0.5)).toBe('0.50×');
    const m3 = row('M3', [100, 500], [1996, 15000], [400, 900], 600);
    const t = checkTargets({ models: [m3] }).find((x) => x.target.startsWith('inference ≥ 20×'))!;
    expect(t.holds).toBe(false);
    expect(t.detail).toContain('M3 19.9×');
  });
});
