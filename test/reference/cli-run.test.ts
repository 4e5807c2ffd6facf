// `rnnc run` end to end through main(): files in, safetensors out, clean errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.ts';
import { f } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-run-'));
const MODEL = join(dir, 'm.rnn');
const example = (name: string): string => new URL(`../../examples/${name}`, import.meta.url).pathname;

async function rnnc(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const read = (p: string) => readSafetensors(readFileSync(p));

describe('rnnc run', () => {
  const first = join(dir, 'a.safetensors');
  writeFileSync(MODEL, readFileSync(example('tagger.rnn'), 'utf8'));

  it('writes outputs, loss, inputs, weights and gradients; feeding the file back reproduces them', async () => {
    const r = await rnnc('run', MODEL, '--grads', '--seed', '5', '--out', first);
    expect(r.code, r.err).toBe(0);
    const a = read(first);
    const names = [...a.tensors.keys()];
    expect(names).toContain('output.logits');
    expect(names).toContain('loss');
    expect(names.some((n) => n.startsWith('input.'))).toBe(true);
    expect(names.some((n) => n.startsWith('weight.'))).toBe(true);
    expect(names.filter((n) => n.startsWith('grad.')).length).toBe(names.filter((n) => n.startsWith('weight.')).length);
    expect(a.tensors.get('loss')!.dtype).toBe('f64');
    const second = join(dir, 'b.safetensors');
    expect((await rnnc('run', MODEL, '--grads', '--inputs', first, '--weights', first, '--out', second)).code).toBe(0);
    const b = read(second);
    for (const [name, t] of a.tensors) expect(Array.from(b.tensors.get(name)!.data), name).toEqual(Array.from(t.data));
  });

  it('--dtype f32 and --dim', async () => {
    const p = join(dir, 'c.safetensors');
    expect((await rnnc('run', MODEL, '--out', p, '--dtype', 'f32', '--dim', 'batch=3', '--dim=time=4')).code).toBe(0);
    const t = read(p).tensors.get('output.logits')!;
    expect(t.dtype).toBe('f32');
    expect(t.shape.slice(0, 2)).toEqual([3, 4]);
  });

  it('reports bad weights and inputs by name with the expected shape, exit 1', async () => {
    const bad = join(dir, 'bad.safetensors');
    const cases: [[string, ReturnType<typeof f>][], string, RegExp][] = [
      [[['weight.head.bias', f([3], [1, 2, 3])]], '--weights', /weight head\.bias: expected float \[17\], got f64 \[3\]/],
      [[['nope.weight', f([1], [1])]], '--weights', /unknown weight nope\.weight/],
      [[['words', f([2, 3], [1, 2, 3, 4, 5, 6])]], '--inputs', /input words: expected integer|missing input/],
    ];
    for (const [tensors, flag, message] of cases) {
      writeFileSync(bad, writeSafetensors(tensors));
      const r = await rnnc('run', MODEL, flag, bad, '--out', join(dir, 'x.safetensors'));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);   // no stack trace
    }
  });

  it('names a missing input and its shape', async () => {
    const p = join(dir, 'partial.safetensors');
    writeFileSync(p, writeSafetensors([['input.len', { dtype: 'i32', shape: [2], data: Int32Array.of(1, 2) }]]));
    const r = await rnnc('run', MODEL, '--inputs', p, '--out', join(dir, 'x.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing input words \(expected i32 \[batch, time\]|missing input words \(expected i32 \[2, time\]/);
  });

  // --backend webgpu runs for real now: test/gpu/cli-webgpu.test.ts (it needs WebGPU, so it lives in the gpu tier).

  it('rejects unknown options, dimensions, and corrupt files cleanly', async () => {
    expect((await rnnc('run', MODEL, '--out', join(dir, 'x'), '--frobnicate')).err).toMatch(/unknown option --frobnicate/);
    expect((await rnnc('run', MODEL, '--out', join(dir, 'x'), '--dim', 'nope=2')).err).toMatch(/unknown dimension nope/);
    expect((await rnnc('run', MODEL)).err).toMatch(/needs --out/);
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, Uint8Array.of(1, 2, 3));
    const r = await rnnc('run', MODEL, '--weights', junk, '--out', join(dir, 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/too short/);
  });
});
