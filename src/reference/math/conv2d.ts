// One frame of a 2-D cross-correlation (nn.Conv2d without bias): x [C, H, W], w [F, C, k, k] →
// y [F, Ho, Wo], y[f, i, j] = Σ_c Σ_p Σ_q w[f, c, p, q] · x[c, i·s + p − pad, j·s + q − pad] (zero outside).
// Shared by conv2d and conv_lstm.

export interface Conv2dShape {
  readonly c: number; readonly h: number; readonly w: number;
  readonly f: number; readonly k: number; readonly stride: number; readonly pad: number;
  readonly ho: number; readonly wo: number;
}

/** PyTorch's output size; 'same' pads (k−1)//2 before and the rest after (what padding='same' does). */
export function convGeometry(n: number, k: number, stride: number, padding: 'same' | 'valid'): { before: number; out: number } {
  const total = padding === 'same' ? k - 1 : 0;
  const before = Math.floor(total / 2);
  const out = Math.floor((n + total - k) / stride) + 1;
  if (out < 1) throw new Error(`conv: a kernel of ${k} does not fit an input of ${n} with padding '${padding}'`);
  return { before, out };
}

/** y[yo..] += conv(x[xo..]) */
export function conv2dFrame(s: Conv2dShape, x: Float64Array, xo: number, w: Float64Array, y: Float64Array, yo: number): void {
  const { c, h, w: width, f, k, stride, pad, ho, wo } = s;
  for (let of = 0; of < f; of++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        let sum = 0;
        for (let ic = 0; ic < c; ic++) {
          for (let p = 0; p < k; p++) {
            const r = i * stride + p - pad;
            if (r < 0 || r >= h) continue;
            for (let q = 0; q < k; q++) {
              const col = j * stride + q - pad;
              if (col < 0 || col >= width) continue;
              sum += w[((of * c + ic) * k + p) * k + q]! * x[xo + (ic * h + r) * width + col]!;
            }
          }
        }
        y[yo + (of * ho + i) * wo + j]! += sum;
      }
    }
  }
}

/** dx[xo..] += ∂/∂x and dw += ∂/∂w for the cotangent dy[yo..]. */
export function conv2dFrameBackward(
  s: Conv2dShape, x: Float64Array, xo: number, w: Float64Array, dy: Float64Array, yo: number, dx: Float64Array, dw: Float64Array,
): void {
  const { c, h, w: width, f, k, stride, pad, ho, wo } = s;
  for (let of = 0; of < f; of++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const g = dy[yo + (of * ho + i) * wo + j]!;
        if (g === 0) continue;
        for (let ic = 0; ic < c; ic++) {
          for (let p = 0; p < k; p++) {
            const r = i * stride + p - pad;
            if (r < 0 || r >= h) continue;
            for (let q = 0; q < k; q++) {
              const col = j * stride + q - pad;
              if (col < 0 || col >= width) continue;
              const wi = ((of * c + ic) * k + p) * k + q;
              const xi = xo + (ic * h + r) * width + col;
              dx[xi]! += g * w[wi]!;
              dw[wi]! += g * x[xi]!;
            }
          }
        }
      }
    }
  }
}
