// z-score normalisation per channel (a column, or the last axis of a nested field), with statistics from
// the training split only, saved with the model so prediction applies the same transform.

export interface ZScore { readonly mean: readonly number[]; readonly std: readonly number[] }

/** Mean and standard deviation of each of `channels` interleaved channels over all arrays. */
export function fitZScore(arrays: Iterable<ArrayLike<number>>, channels: number): ZScore {
  const n = new Float64Array(channels), sum = new Float64Array(channels), sq = new Float64Array(channels);
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const c = i % channels, x = a[i]!;
      n[c]!++;
      sum[c]! += x;
      sq[c]! += x * x;
    }
  }
  const mean = [...sum].map((s, c) => (n[c] ? s / n[c]! : 0));
  // A constant channel keeps std 1 so it maps to 0 rather than dividing by zero.
  const std = [...sq].map((s, c) => {
    const v = n[c] ? s / n[c]! - mean[c]! ** 2 : 0;
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  return { mean, std };
}

export function applyZScore(z: ZScore, a: Float32Array): Float32Array {
  const k = z.mean.length;
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! - z.mean[i % k]!) / z.std[i % k]!;
  return a;
}

/** Back to the original units (forecasts, reconstructions). */
export function invertZScore(z: ZScore, a: ArrayLike<number>): Float32Array {
  const k = z.mean.length;
  return Float32Array.from(a, (x, i) => x * z.std[i % k]! + z.mean[i % k]!);
}
