// The Node benchmark's options and table (src/bench/node-run.ts); the GPU side is test/gpu/bench-node-smoke.test.ts.
import { describe, expect, it } from 'vitest';
import { forwardFlops, modelById, MODELS } from '../../src/bench/models.ts';
import { nodeMarkdown, parseNodeOptions } from '../../src/bench/node-run.ts';

describe('npm run bench -- --node: options', () => {
  it('defaults to every model, the median of 3 samples and bench/results-node.json under the root', () => {
    const o = parseNodeOptions([], '/repo');
    expect(o.models.map((m) => m.id)).toEqual(MODELS.map((m) => m.id));
    expect(o.reps).toBe(3);
    expect(o.streamSteps).toBe(64);
    expect(o.out).toBe('/repo/bench/results-node.json');
  });
  it('takes --quick, --model (comma lists, either case, or =), --out and --no-out', () => {
    const o = parseNodeOptions(['--quick', '--model', 'M1,m3', '--model=M4', '--out=/tmp/r.json'], '/repo');
    expect(o.models.map((m) => m.id)).toEqual(['M1', 'M3', 'M4']);
    expect(o.reps).toBe(1);
    expect(o.streamSteps).toBe(16);
    expect(o.out).toBe('/tmp/r.json');
    expect(parseNodeOptions(['--no-out'], '/repo').out).toBeNull();
  });
  it('refuses an unknown option, a missing value and an unknown model, saying why', () => {
    expect(() => parseNodeOptions(['--profile'], '/repo')).toThrow(/unknown option --profile/);
    expect(() => parseNodeOptions(['--model'], '/repo')).toThrow(/--model needs a value/);
    expect(() => parseNodeOptions(['--model', '--quick'], '/repo')).toThrow(/--model needs a value/);
    expect(() => parseNodeOptions(['--model', 'M9'], '/repo')).toThrow(/unknown model 'M9'/);
  });
});

describe('npm run bench -- --node: table', () => {
  it('gives each model its median times and the GFLOP/s they make of its FLOPs', () => {
    const m1 = modelById('M1');
    const md = nodeMarkdown([{ model: 'M1', title: m1.title, inferMs: [40, 20, 30], trainMs: [90, 100, 110], inferDispatches: 3,
                               trainDispatches: 10, measuredInferDispatches: 3, inferSubmits: 1, schedules: [] }], [m1]);
    const gf = (ms: number, k: number) => (k * forwardFlops(m1) / (ms * 1e6)).toFixed(2);
    expect(md).toContain(`| M1 LSTM(128) | 30.0 | ${gf(30, 1)} | 100 | ${gf(100, 3)} | 3 · 10 |`);
  });
});
