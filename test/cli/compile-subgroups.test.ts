// `rnnc compile --subgroups`: the bundle's kernels use quad operations and the bundle says so in
// `features`; without the flag a bundle needs no WebGPU feature.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const io = { out: () => {}, err: () => {} };
const bundleAt = (dir: string) => JSON.parse(readFileSync(join(dir, 'vibration.bundle.json'), 'utf8')) as
  { features?: string[]; kernels: { wgsl: string }[] };

describe('rnnc compile --subgroups', () => {
  it('lists the subgroups feature exactly when a kernel enables it', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'rnnc-plain-')), fast = mkdtempSync(join(tmpdir(), 'rnnc-sg-'));
    expect(await main(['compile', 'examples/vibration.rnn', '-o', plain], io)).toBe(0);
    expect(await main(['compile', 'examples/vibration.rnn', '-o', fast, '--subgroups'], io)).toBe(0);
    const a = bundleAt(plain), b = bundleAt(fast);
    expect(a.features).toBeUndefined();
    expect(a.kernels.some((k) => k.wgsl.includes('enable subgroups;'))).toBe(false);
    expect(b.features).toEqual(['subgroups']);
    expect(b.kernels.filter((k) => k.wgsl.includes('quadBroadcast')).length).toBeGreaterThan(0);
  });

  it('takes no value', async () => {
    const err: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-sg-'));
    expect(await main(['compile', 'examples/vibration.rnn', '-o', dir, '--subgroups=yes'], { out: () => {}, err: (l) => err.push(l) })).toBe(1);
    expect(err.join('\n')).toMatch(/--subgroups takes no value/);
  });
});
