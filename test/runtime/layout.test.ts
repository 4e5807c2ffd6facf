import { describe, expect, it } from 'vitest';
import { layoutArena } from '../../runtime/arena.ts';
import type { BundleTensor, UniformField } from '../../runtime/bundle.ts';
import { InputError } from '../../runtime/errors.ts';
import { checkSizeExpr, sizeAt } from '../../runtime/size-expr.ts';
import { packRunUniform } from '../../runtime/uniforms.ts';

const tensors: BundleTensor[] = [
  { name: 'a', dtype: 'f32', shape: ['n', 3], slot: 1 },
  { name: 'b', dtype: 'f32', shape: [5], slot: 1 },
  { name: 'c', dtype: 'i32', shape: ['n'], slot: 2 },
  { name: 'p', dtype: 'f32', shape: ['n'], slot: 3, persistent: true },
  { name: 'd', dtype: 'f32', shape: [['cdiv', 'n', 2]], slot: 0 },
];

describe('layoutArena', () => {
  it('sizes slots by their largest tensor, persistent first, 256-byte aligned', () => {
    const l = layoutArena(tensors, { n: 10 });
    // f32: p (40 B) at 0 → 256; d (20 B) at 256 → 512; slot 1 = max(a 120 B, b 20 B) at 512 → 768
    expect(Object.fromEntries(l.offsets)).toEqual({ p: 0, d: 64, a: 128, b: 128, c: 0 });
    expect(Object.fromEntries(l.counts)).toEqual({ a: 30, b: 5, c: 10, p: 10, d: 5 });
    expect(l.bytes).toEqual({ f32: 768, i32: 256 });
    expect(l.persistentBytes).toEqual({ f32: 256, i32: 0 });
  });

  it('grows slots with the dims and keeps the persistent prefix in place', () => {
    const l = layoutArena(tensors, { n: 100 });
    expect(Object.fromEntries(l.offsets)).toEqual({ p: 0, d: 128, a: 192, b: 192, c: 0 });
    expect(l.bytes).toEqual({ f32: 2048, i32: 512 });      // a: 1200 B at 768 → 1968 → 2048
  });

  it('gives empty slots no space and names an unset dimension', () => {
    expect(layoutArena(tensors, { n: 0 }).bytes).toEqual({ f32: 256, i32: 0 });
    expect(() => layoutArena(tensors, {})).toThrow("dimension 'n' is not set");
  });
});

describe('size formulas', () => {
  const dims = new Set(['batch', 'time']);
  it('evaluates every op', () => {
    const d = { batch: 6, time: 7 };
    expect(sizeAt(['*', 'batch', 'time', 2], d, 'x')).toBe(84);
    expect(sizeAt(['+', 'batch', ['*', 'time', 2]], d, 'x')).toBe(20);
    expect(sizeAt(['cdiv', ['*', 'batch', 'time'], 64], d, 'x')).toBe(1);
    expect(sizeAt(['max', 'batch', 'time', 3], d, 'x')).toBe(7);
    expect(sizeAt(['min', 'batch', 'time'], d, 'x')).toBe(6);
  });
  it('rejects results that are not sizes', () => {
    expect(() => sizeAt(['cdiv', 'batch', 'time'], { batch: 1, time: 0 }, 'grid')).toThrow(InputError);
    expect(() => sizeAt(['*', 'batch', 'batch', 'batch'], { batch: 2 ** 20 }, 'grid')).toThrow(/not a valid size/);
  });
  it('validates structure with paths', () => {
    expect(checkSizeExpr(['cdiv', 'batch', 64], 'p', dims)).toEqual(['cdiv', 'batch', 64]);
    expect(() => checkSizeExpr(['cdiv', 'batch'], 'p', dims)).toThrow("p: 'cdiv' takes exactly 2 arguments, got 1");
    expect(() => checkSizeExpr(['+'], 'p', dims)).toThrow("p: '+' takes at least 1 arguments, got 0");
    expect(() => checkSizeExpr(-1, 'p', dims)).toThrow('p: expected a size');
    expect(() => checkSizeExpr(['*', ...Array(70).fill(1)], 'p', dims)).toThrow('size formula too large');
    expect(() => checkSizeExpr({ op: '+' }, 'p', dims)).toThrow('expected a size formula');
  });
});

describe('packRunUniform', () => {
  it('writes one 32-bit word per field in order, f32 for lr and clip, padded to 16 bytes', () => {
    const fields: UniformField[] = [
      { kind: 'dim', name: 'n' }, { kind: 'offset', tensor: 'a' }, { kind: 'lr' }, { kind: 'step' },
      { kind: 'clip' }, { kind: 'training' }, { kind: 'seed' }, { kind: 'stream_t' }, { kind: 'offset', tensor: 'c' },
    ];
    const words = packRunUniform(fields, layoutArena(tensors, { n: 10 }), {
      dims: { n: 10 }, step: 3, lr: 0.1, seed: 0xdeadbeef, training: true, clip: 1.5, streamT: 9,
    });
    expect(words.length).toBe(12);
    const f = new Float32Array(words.buffer);
    expect([words[0], words[1], f[2], words[3], f[4], words[5], words[6], words[7], words[8]])
      .toEqual([10, 128, Math.fround(0.1), 3, 1.5, 1, 0xdeadbeef, 9, 0]);
  });
});
