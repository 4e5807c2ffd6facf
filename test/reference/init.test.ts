// runtime/init.ts: each initialiser's law, determinism, independence from parameter order.
import { describe, expect, it } from 'vitest';
import type { ParamDecl } from '../../compiler/check/model.ts';
import { fans, initParam, initParams } from '../../runtime/init.ts';

const decl = (name: string, shape: number[], init: ParamDecl['init']) => ({ name, shape, init });

function stats(a: Float64Array): { mean: number; std: number; max: number } {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { mean, std, max: a.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
}

describe('init', () => {
  it('constants', () => {
    expect(Array.from(initParam(decl('a', [3], { kind: 'zeros' }), 1))).toEqual([0, 0, 0]);
    expect(Array.from(initParam(decl('a', [2], { kind: 'ones' }), 1))).toEqual([1, 1]);
    expect(Array.from(initParam(decl('a', [2], { kind: 'constant', value: 0.25 }), 1))).toEqual([0.25, 0.25]);
    // forget_bias: slice [H, 2H) of a [4H] LSTM bias.
    expect(Array.from(initParam(decl('b', [8], { kind: 'forget_bias', value: 1, hidden: 2 }), 1))).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('uniform and normal have their laws', () => {
    const u = stats(initParam(decl('u', [100, 100], { kind: 'uniform', bound: 0.3 }), 1));
    expect(u.max).toBeLessThanOrEqual(0.3);
    expect(Math.abs(u.std - 0.3 / Math.sqrt(3))).toBeLessThan(0.003);
    const n = stats(initParam(decl('n', [100, 100], { kind: 'normal', std: 0.02 }), 1));
    expect(Math.abs(n.mean)).toBeLessThan(0.001);
    expect(Math.abs(n.std - 0.02)).toBeLessThan(0.0005);
  });

  it('xavier_uniform uses PyTorch fans (2-D and conv weights)', () => {
    expect(fans('w', [30, 20])).toEqual([20, 30]);
    expect(fans('w', [8, 4, 3, 3])).toEqual([36, 72]);
    expect(fans('w', [8, 4, 5])).toEqual([20, 40]);
    expect(() => fans('b', [8])).toThrow(/at least 2 dimensions/);
    const w = initParam(decl('w', [64, 32, 3], { kind: 'xavier_uniform' }), 3);
    const bound = Math.sqrt(6 / (32 * 3 + 64 * 3));
    const s = stats(w);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.max).toBeGreaterThan(0.95 * bound);
    expect(Math.abs(s.std - bound / Math.sqrt(3))).toBeLessThan(0.01 * bound);
  });

  it('orthogonal gives orthonormal rows or columns (tall, wide, square, conv-shaped)', () => {
    for (const shape of [[12, 5], [5, 12], [7, 7], [6, 2, 2]]) {
      const rows = shape[0]!;
      const cols = shape.slice(1).reduce((a, b) => a * b, 1);
      const q = initParam(decl('q', shape, { kind: 'orthogonal' }), 9);
      // QᵀQ = I when tall (columns orthonormal), QQᵀ = I when wide (rows orthonormal).
      const tall = rows >= cols;
      const k = tall ? cols : rows;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let i = 0; i < (tall ? rows : cols); i++) dot += tall ? q[i * cols + a]! * q[i * cols + b]! : q[a * cols + i]! * q[b * cols + i]!;
          expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-13);
        }
      }
    }
  });

  it('deterministic per (seed, name), independent of order, and different across names and seeds', () => {
    const ps = [decl('a.w', [4, 3], { kind: 'normal', std: 1 }), decl('b.w', [4, 3], { kind: 'normal', std: 1 })];
    const x = initParams(ps, 5);
    const y = initParams([...ps].reverse(), 5);
    expect(Array.from(x.get('a.w')!)).toEqual(Array.from(y.get('a.w')!));
    expect(Array.from(x.get('a.w')!)).not.toEqual(Array.from(x.get('b.w')!));
    expect(Array.from(initParams(ps, 6).get('a.w')!)).not.toEqual(Array.from(x.get('a.w')!));
  });
});
