// `rnnc run --backend webgpu` end to end on Dawn: from the model file and from its compiled bundle, an
// output file fed back (inputs and weights) reproduces the run, and the CPU agrees on the loss.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readSafetensors } from '../../runtime/safetensors.ts';

const quiet = { out: () => {}, err: (l: string) => console.error(l) };
const loss = (file: string) => readSafetensors(readFileSync(file)).tensors.get('loss')!.data[0]!;

describe('rnnc run --backend webgpu', () => {
  it('model file and compiled bundle give the reference loss on the same inputs and weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-run-'));
    const first = join(dir, 'gpu.safetensors'), bundleOut = join(dir, 'bundle.safetensors'), cpu = join(dir, 'cpu.safetensors');
    expect(await main(['run', 'examples/tagger.rnn', '--backend', 'webgpu', '--grads', '--seed', '4', '--out', first], quiet)).toBe(0);
    expect(await main(['compile', 'examples/tagger.rnn', '-o', dir], quiet)).toBe(0);
    expect(await main(['run', dir, '--backend', 'webgpu', '--inputs', first, '--weights', first, '--out', bundleOut], quiet)).toBe(0);
    expect(await main(['run', 'examples/tagger.rnn', '--inputs', first, '--weights', first, '--out', cpu], quiet)).toBe(0);
    expect(Math.abs(loss(bundleOut) - loss(cpu)) / loss(cpu)).toBeLessThan(1e-5);
    expect(Math.abs(loss(first) - loss(cpu)) / loss(cpu)).toBeLessThan(1e-5);
  });
});
