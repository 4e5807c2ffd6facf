// The activation functions of model.ts's Activation, forward and backward over a whole tensor.
// Element-wise ones act per element; softmax and log_softmax act over the last axis.
import type { Activation } from '../../../compiler/check/model.ts';
import { normalCdf, normalPdf } from './erf.ts';

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** y = fn(x) over a tensor whose last axis has `last` elements. */
export function activate(fn: Activation, x: Float64Array, last: number): Float64Array {
  const y = new Float64Array(x.length);
  switch (fn) {
    case 'relu': for (let i = 0; i < x.length; i++) y[i] = x[i]! > 0 ? x[i]! : 0; break;
    case 'tanh': for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]!); break;
    case 'sigmoid': for (let i = 0; i < x.length; i++) y[i] = sigmoid(x[i]!); break;
    // Exact GELU, PyTorch's default (approximate='none'): x·Φ(x).
    case 'gelu': for (let i = 0; i < x.length; i++) y[i] = x[i]! * normalCdf(x[i]!); break;
    case 'exp': for (let i = 0; i < x.length; i++) y[i] = Math.exp(x[i]!); break;
    case 'log': for (let i = 0; i < x.length; i++) y[i] = Math.log(x[i]!); break;
    case 'neg': for (let i = 0; i < x.length; i++) y[i] = -x[i]!; break;
    case 'softmax':
    case 'log_softmax':
      for (let o = 0; o < x.length; o += last) {
        let max = -Infinity;
        for (let j = 0; j < last; j++) max = Math.max(max, x[o + j]!);
        let sum = 0;
        for (let j = 0; j < last; j++) sum += Math.exp(x[o + j]! - max);
        const logSum = max + Math.log(sum);
        for (let j = 0; j < last; j++) {
          y[o + j] = fn === 'softmax' ? Math.exp(x[o + j]! - logSum) : x[o + j]! - logSum;
        }
      }
      break;
  }
  return y;
}

/** dx from dy, given the forward input x and output y. */
export function activateBackward(fn: Activation, x: Float64Array, y: Float64Array, dy: Float64Array, last: number): Float64Array {
  const dx = new Float64Array(x.length);
  switch (fn) {
    // PyTorch's relu has derivative 0 at x = 0.
    case 'relu': for (let i = 0; i < x.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0; break;
    case 'tanh': for (let i = 0; i < x.length; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!); break;
    case 'sigmoid': for (let i = 0; i < x.length; i++) dx[i] = dy[i]! * y[i]! * (1 - y[i]!); break;
    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
    case 'gelu': for (let i = 0; i < x.length; i++) dx[i] = dy[i]! * (normalCdf(x[i]!) + x[i]! * normalPdf(x[i]!)); break;
    case 'exp': for (let i = 0; i < x.length; i++) dx[i] = dy[i]! * y[i]!; break;
    case 'log': for (let i = 0; i < x.length; i++) dx[i] = dy[i]! / x[i]!; break;
    case 'neg': for (let i = 0; i < x.length; i++) dx[i] = -dy[i]!; break;
    case 'softmax':
      // dx_j = y_j·(dy_j − Σ_k dy_k·y_k)
      for (let o = 0; o < x.length; o += last) {
        let s = 0;
        for (let j = 0; j < last; j++) s += dy[o + j]! * y[o + j]!;
        for (let j = 0; j < last; j++) dx[o + j] = y[o + j]! * (dy[o + j]! - s);
      }
      break;
    case 'log_softmax':
      // dx_j = dy_j − softmax_j·Σ_k dy_k
      for (let o = 0; o < x.length; o += last) {
        let s = 0;
        for (let j = 0; j < last; j++) s += dy[o + j]!;
        for (let j = 0; j < last; j++) dx[o + j] = dy[o + j]! - Math.exp(y[o + j]!) * s;
      }
      break;
  }
  return dx;
}
