// Counter-based random numbers shared by every back end. Counter-based (a hash of a key and an index,
// no hidden state between draws) so the CPU reference, the browser runtime and WGSL kernels can all
// reproduce the same draw for the same (key, index) without agreeing on a call order.
// Everything that a GPU kernel must reproduce uses u32 arithmetic only (Math.imul, >>>, ^).

/**
 * lowbias32 (Chris Wellons' hash-prospector), a bijection on u32:
 *   x ^= x >>> 16; x *= 0x7feb352d; x ^= x >>> 15; x *= 0x846ca68b; x ^= x >>> 16   (all mod 2^32)
 * WGSL: the same with u32 `*` (which wraps) and `>>`.
 */
export function hash32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Fibonacci hashing constant 2^32/φ, used to spread small integers (sites) over u32. */
export const GOLDEN_U32 = 0x9e3779b9;

/**
 * The dropout uniform of model.ts's DropoutNode: a value in [0, 1) with 24 random bits.
 *   h = hash32(seed + 0x9e3779b9·(site + 1))    (u32 wrap-around)
 *   h = hash32(h ^ step)
 *   h = hash32(h ^ index)
 *   u = (h >>> 8) / 2^24
 * An element is kept iff u ≥ p. 24 bits make u exact in f32 too, so WGSL compares the same number.
 */
export function dropoutUniform(seed: number, site: number, step: number, index: number): number {
  let h = hash32((seed + Math.imul(GOLDEN_U32, site + 1)) >>> 0);
  h = hash32(h ^ step);
  h = hash32(h ^ index);
  return (h >>> 8) / 16777216;
}

/**
 * A string folded to a u32 key: h = 0x811c9dc5 (the FNV offset basis, any non-zero start would do),
 * then h = hash32(h ^ c) for each UTF-16 code unit c. Parameter names are ASCII, so this is the same
 * in every JavaScript engine.
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = hash32(h ^ s.charCodeAt(i));
  return h;
}

/**
 * A seeded stream of draws. Draw number n (counted from 0 over the stream's life, every kind of draw
 * advancing the same counter by the number of u32 words it uses) reads the words
 *   word(k) = hash32(hash32(k) ^ key)        k = 0, 1, 2, ...
 * and:
 *   u32()     = word(k)                                             1 word
 *   uniform() = ((word(k) >>> 5)·2^26 + (word(k+1) >>> 6) + 0.5) / 2^53   2 words, in (0, 1), never 0 or 1
 *   normal()  = sqrt(−2 ln u1) · cos(2π u2), u1 = uniform(), u2 = uniform()  (Box–Muller, cosine branch
 *               only, so each normal costs 4 words and needs no cached second value)
 * Because word(k) is a bijection of k for a fixed key, a stream never repeats within 2^32 words.
 */
export class RandomStream {
  private counter = 0;
  constructor(readonly key: number) {}

  /** The stream for one named purpose under a seed (e.g. a parameter name), independent of any order. */
  static forName(seed: number, name: string): RandomStream {
    return new RandomStream(hash32(hashString(name) ^ hash32(seed >>> 0)));
  }

  u32(): number {
    return hash32(hash32(this.counter++) ^ this.key);
  }

  uniform(): number {
    const hi = this.u32() >>> 5;
    const lo = this.u32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  normal(): number {
    const u1 = this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n), n ≥ 1 (from a uniform, so it is unbiased to 2^-53). */
  below(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }
}
