// A smoke test of `npm run bench` (src/bench/): rnnc's M1 at a tiny size through the same page, runner
// and report code, checking what the benchmark counts (dispatches, submissions, pipelines, bind groups,
// GPU bytes) and that the report renders; no timing is asserted. tfjs and ORT are left to the benchmark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuPage } from '../../src/gpu/browser.ts';
import { modelById, type BenchModel } from '../../src/bench/models.ts';
import { checkTargets, markdownTables, type ModelResult, type StreamFigures } from '../../src/bench/report.ts';
import { benchModel, benchStream, openBenchPage } from '../../src/bench/run.ts';

const tiny: BenchModel = { ...modelById('M1'), batch: 4, time: 8 };

describe('benchmark smoke (rnnc M1 at batch 4, 8 steps)', () => {
  let page: GpuPage;
  let result: ModelResult;
  let stream: StreamFigures | undefined;
  beforeAll(async () => {
    process.env.RNNC_BENCH_QUIET = '1';
    page = await openBenchPage();
    result = await benchModel(page, tiny, { frameworks: ['rnnc', 'rnnc-per-step'], warmup: 1, inferReps: 2, trainReps: 2, sampleMs: 100 });
    stream = await benchStream(page, 4, tiny);
  });
  afterAll(async () => {
    await page?.close();
  });

  it('times inference and training and counts what the bundle says it dispatches', () => {
    const r = result.frameworks.rnnc!;
    expect(r.status).toBe('ok');
    expect(r.infer!.samples).toHaveLength(2);
    expect(r.train!.samples).toHaveLength(2);
    // Each sample repeats its call until 100 ms have passed: a tiny model's call takes a few ms.
    expect(r.infer!.calls).toHaveLength(2);
    expect(Math.min(...r.infer!.calls)).toBeGreaterThan(1);
    expect(r.infer!.dispatches).toBe(result.rnnc!.inferDispatches);
    expect(r.train!.dispatches).toBe(result.rnnc!.trainDispatches);
    expect(r.train!.dispatches).toBeLessThanOrEqual(12);
    expect(r.infer!.submits).toBe(1);
    expect(r.train!.submits).toBe(1);
    expect(r.peakBytes).toBeGreaterThan(0);
    const ps = result.frameworks['rnnc-per-step']!;
    // per_step training: 2 dispatches per step (forward, backward) and 9 others (no weight transposes
    // since the recurrences read W_hh from the parameters); the target allows 10 + 2·T.
    expect(result.rnncPerStep!.trainFormula).toBe('9 + 2·time');
    expect(ps.train!.dispatches).toBe(9 + 2 * tiny.time);
  });

  it('streams one submission per step without creating pipelines or bind groups', () => {
    expect(stream).toBeDefined();
    expect(stream!.stepMs).toHaveLength(4);
    expect(stream!.submitsPerStep).toBe(1);
    expect(stream!.pipelinesPerStep).toBe(0);
    expect(stream!.bindGroupsPerStep).toBe(0);
  });

  it('renders the report and the targets from these results', () => {
    const targets = checkTargets({ models: [result], ...(stream ? { stream } : {}) });
    const md = markdownTables({ models: [result], ...(stream ? { stream } : {}), targets });
    expect(md).toContain('| M1 LSTM(128) |');
    expect(md).toContain('### Training step');
    expect(md).toContain('### Streaming');
    // Without tfjs or ORT figures the ratio targets are unmeasured, the dispatch and stream targets hold.
    expect(targets.find((t) => t.target.includes('tfjs webgpu (M1-M4)'))!.holds).toBeNull();
    expect(targets.filter((t) => t.target.includes('dispatches') || t.target.includes('streaming')).every((t) => t.holds)).toBe(true);
  });
});
