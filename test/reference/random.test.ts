// runtime/random.ts against an independent BigInt transcription of the documented algorithms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropoutUniform, hash32, hashString, RandomStream } from '../../runtime/random.ts';
import { fuzz } from '../fuzz-options.ts';

const M = 0xffffffffn;
/** lowbias32 written with BigInt and explicit mod 2^32, nothing shared with the implementation. */
function hashRef(x: bigint): bigint {
  x &= M;
  x ^= x >> 16n;
  x = (x * 0x7feb352dn) & M;
  x ^= x >> 15n;
  x = (x * 0x846ca68bn) & M;
  x ^= x >> 16n;
  return x;
}

describe('random', () => {
  it('hash32 is lowbias32', () => {
    expect(hash32(0)).toBe(0);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => BigInt(hash32(x)) === hashRef(BigInt(x))), fuzz(2000));
    // Negative inputs are taken mod 2^32 (as WGSL's bitcast<u32> would).
    expect(hash32(-1)).toBe(hash32(0xffffffff));
  });

  it('dropoutUniform follows the formula of model.ts DropoutNode', () => {
    const ref = (seed: number, site: number, step: number, index: number): number => {
      let h = hashRef(BigInt(seed) + 0x9e3779b9n * BigInt(site + 1));
      h = hashRef(h ^ BigInt(step));
      h = hashRef(h ^ BigInt(index));
      return Number(h >> 8n) / 2 ** 24;
    };
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 1 << 20 }), fc.nat(1 << 20), fc.nat(1 << 24),
      (seed, site, step, index) => dropoutUniform(seed, site, step, index) === ref(seed, site, step, index)), fuzz(2000));
    // Values are in [0, 1) with 24 bits and about uniform: the kept fraction at p = .3 is near .7.
    let kept = 0;
    for (let i = 0; i < 20000; i++) {
      const u = dropoutUniform(42, 64, 3, i);
      expect(u >= 0 && u < 1 && Number.isInteger(u * 2 ** 24)).toBe(true);
      if (u >= 0.3) kept++;
    }
    expect(Math.abs(kept / 20000 - 0.7)).toBeLessThan(0.015);
  });

  it('streams are deterministic, keyed by (seed, name), and draw uniform and normal values', () => {
    const a = RandomStream.forName(1, 'w');
    const b = RandomStream.forName(1, 'w');
    const xs = Array.from({ length: 50 }, () => a.uniform());
    expect(Array.from({ length: 50 }, () => b.uniform())).toEqual(xs);
    expect(RandomStream.forName(2, 'w').uniform()).not.toBe(xs[0]);
    expect(RandomStream.forName(1, 'v').uniform()).not.toBe(xs[0]);
    expect(hashString('enc.weight_ih_l0')).not.toBe(hashString('enc.weight_hh_l0'));
    const s = new RandomStream(7);
    let sum = 0;
    let sq = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const z = s.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.03);
    for (let i = 0; i < 1000; i++) {
      const u = s.uniform();
      expect(u > 0 && u < 1).toBe(true);
      const k = s.below(5);
      expect(Number.isInteger(k) && k >= 0 && k < 5).toBe(true);
    }
  });
});
