// A smoke test of `npm run bench -- --node` (src/bench/node-run.ts, the benchmark that travels to a lent GPU
// machine): rnnc's M1 at batch 4 × 8 steps on Dawn in Node, checking what it counts; no timing is asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { modelById, type BenchModel } from '../../src/bench/models.ts';
import { benchNodeModel, nodeMarkdown, type NodeRow } from '../../src/bench/node-run.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const tiny: BenchModel = { ...modelById('M1'), batch: 4, time: 8 };

describe('Node benchmark smoke (rnnc M1 at batch 4, 8 steps, Dawn)', () => {
  let gpu: NodeGpuDevice;
  let row: NodeRow | null;
  beforeAll(async () => {
    process.env.RNNC_BENCH_QUIET = '1';
    gpu = await requestNodeDevice({ optionalFeatures: ['subgroups'] });
    row = await benchNodeModel(gpu.device, tiny, ROOT, 2, 50);
  });
  afterAll(async () => {
    if (gpu) await releaseNodeDevice(gpu.device);
  });

  it('times both tasks per sample and counts one submission with the bundle\'s dispatches per inference', () => {
    expect(row).not.toBeNull();
    expect(row!.inferMs).toHaveLength(2);
    expect(row!.trainMs).toHaveLength(2);
    for (const ms of [...row!.inferMs, ...row!.trainMs]) expect(ms).toBeGreaterThan(0);
    expect(row!.inferDispatches).toBe(1);   // the recurrence, with the dense head and softmax fused in
    expect(row!.trainDispatches).toBe(10);
    expect(row!.measuredInferDispatches).toBe(row!.inferDispatches);
    expect(row!.inferSubmits).toBe(1);
    expect(nodeMarkdown([row!], [tiny])).toContain('| M1 LSTM(128) |');
  });
});
