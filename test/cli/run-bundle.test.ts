// `rnnc run BUNDLE --backend webgpu`: a compiled bundle runs without its source, and a corrupt or
// hostile bundle is refused with a clear error and exit status 1 before any GPU work.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

function capture() {
  const out: string[] = [], err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('rnnc run with a bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-bundle-'));

  it('refuses corrupt bundles with the field at fault, exit 1', async () => {
    const c = capture();
    expect(await main(['compile', 'examples/forecast.rnn', '-o', dir], c.io)).toBe(0);
    const good = JSON.parse(readFileSync(join(dir, 'forecast.bundle.json'), 'utf8'));
    const cases: [string, string, RegExp][] = [
      ['truncated.bundle.json', JSON.stringify(good).slice(0, 500), /not a bundle/],
      ['version.bundle.json', JSON.stringify({ ...good, version: 99 }), /bundle\.version/],
      ['offset.bundle.json', JSON.stringify({ ...good, params: good.params.map((p: { offset: number }, i: number) => (i === 0 ? { ...p, offset: 1e9 } : p)) }), /bundle\.params\[0\]/],
      ['kernel.bundle.json', JSON.stringify({ ...good, programs: { ...good.programs, infer: { ...good.programs.infer, dispatches: [{ kernel: 999, grid: [1, 1, 1] }] } } }), /kernel/],
    ];
    for (const [name, text, why] of cases) {
      writeFileSync(join(dir, name), text);
      const r = capture();
      expect(await main(['run', join(dir, name), '--backend', 'webgpu', '--out', join(dir, 'x.safetensors')], r.io), name).toBe(1);
      expect(r.err.join('\n'), name).toMatch(why);
      expect(r.err.join('\n'), name).not.toMatch(/\n\s+at /);   // no stack trace
    }
  });

  it('tells a model source from a bundle by content, not by the .rnn extension', async () => {
    writeFileSync(join(dir, 'model.txt'), 'model t {\n  input x: f32[batch, 3]\n  layer d = dense(units=2)\n  output y = d(x)\n}\n');
    const r = capture();
    expect(await main(['run', join(dir, 'model.txt'), '--out', join(dir, 't.safetensors')], r.io), r.err.join('\n')).toBe(0);
  });

  it('needs the webgpu backend', async () => {
    const r = capture();
    expect(await main(['run', dir, '--out', join(dir, 'x.safetensors')], r.io)).toBe(1);
    expect(r.err.join('\n')).toMatch(/--backend webgpu/);
  });
});
