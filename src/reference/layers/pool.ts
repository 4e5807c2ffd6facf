// pool1d / pool2d: max or average over windows, no padding, on the same axes as conv
// (pool1d over T of [..., T, C]; pool2d over H, W of [..., C, H, W]). Output n' = floor((n − k)/stride) + 1.
// Max sends the gradient to the first maximal element of its window.
import type { PoolNode } from '../../../compiler/check/model.ts';
import type { OpImpl } from '../op.ts';
import { ften, span } from '../tensor.ts';

export const poolOp: OpImpl<PoolNode> = (node, env) => {
  const x = env.float(node.x);
  const { kernel: k, stride } = node;
  const two = node.op === 'pool2d';
  const rank = x.shape.length;
  // Normalise both to [frames, H, W, C] strides: pool1d is H = 1, W = T, channels innermost;
  // pool2d is channels outermost within the frame, so treat each channel plane as its own frame (C = 1).
  const [frames, h, w, c] = two
    ? [span(x.shape, 0, rank - 2), x.shape[rank - 2]!, x.shape[rank - 1]!, 1]
    : [span(x.shape, 0, rank - 2), 1, x.shape[rank - 2]!, x.shape[rank - 1]!];
  const out = (n: number): number => {
    const o = Math.floor((n - k) / stride) + 1;
    if (o < 1) throw new Error(`${node.op}: a window of ${k} does not fit an input of ${n}`);
    return o;
  };
  const ho = two ? out(h) : 1;
  const wo = out(w);
  const kh = two ? k : 1;
  const y = new Float64Array(frames * ho * wo * c);
  const src = new Int32Array(y.length);   // for max: the input element each output came from
  for (let n = 0; n < frames; n++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        for (let ch = 0; ch < c; ch++) {
          const o = ((n * ho + i) * wo + j) * c + ch;
          let best = -1;
          let sum = 0;
          for (let p = 0; p < kh; p++) {
            for (let q = 0; q < k; q++) {
              const xi = ((n * h + i * stride + p) * w + j * stride + q) * c + ch;
              sum += x.data[xi]!;
              if (best < 0 || x.data[xi]! > x.data[best]!) best = xi;
            }
          }
          src[o] = best;
          y[o] = node.mode === 'max' ? x.data[best]! : sum / (kh * k);
        }
      }
    }
  }
  const shape = two ? [...x.shape.slice(0, rank - 2), ho, wo] : [...x.shape.slice(0, rank - 2), wo, c];
  return {
    outputs: [[node.y, ften(shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dx = new Float64Array(x.data.length);
      for (let n = 0; n < frames; n++) {
        for (let i = 0; i < ho; i++) {
          for (let j = 0; j < wo; j++) {
            for (let ch = 0; ch < c; ch++) {
              const o = ((n * ho + i) * wo + j) * c + ch;
              if (node.mode === 'max') { dx[src[o]!]! += dy[o]!; continue; }
              for (let p = 0; p < kh; p++) {
                for (let q = 0; q < k; q++) dx[((n * h + i * stride + p) * w + j * stride + q) * c + ch]! += dy[o]! / (kh * k);
              }
            }
          }
        }
      }
      g.add(node.x, dx);
    },
  };
};
