// erf and erfc in float64, accurate to a few ulps: GELU's exact form (PyTorch's default) needs them and
// JavaScript has no Math.erf.
//   |x| < 3: erf(x) = (2/√π)·e^(−x²)·Σ_{n≥0} 2^n·x^(2n+1) / (1·3·5···(2n+1))
//            (every term has the sign of x, so the sum has no cancellation)
//   |x| ≥ 3: erfc(x) = e^(−x²) / (√π · (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))))
//            (the Laplace continued fraction, evaluated with the modified Lentz method)

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SQRT_PI = 1.7724538509055159;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 3 by the continued fraction. */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 3) return erfSeries(x);
  const r = 1 - erfcFraction(Math.abs(x));
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return erfcFraction(x);
  if (x <= -3) return 2 - erfcFraction(-x);
  return 1 - erfSeries(x);
}

/** Φ(x), the standard normal CDF, = erfc(−x/√2)/2 (accurate in the lower tail too). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** φ(x), the standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
