// time_pool: [B, T, D] → [B, D], mean or max over the valid steps t < lengths[b] only.
// Max sends the gradient to the first step holding the maximum (ties are measure-zero for real data).
import type { TimePoolNode } from '../../../compiler/check/model.ts';
import { validLengths } from '../lengths.ts';
import type { OpImpl } from '../op.ts';
import { ften, span } from '../tensor.ts';

export const timePoolOp: OpImpl<TimePoolNode> = (node, env) => {
  const x = env.float(node.x);
  const [batch, steps] = [x.shape[0]!, x.shape[1]!];
  const d = span(x.shape, 2);
  const lengths = validLengths(env, node.lengths, batch, steps, 'time_pool');
  const y = new Float64Array(batch * d);
  const argmax = new Int32Array(batch * d);
  for (let b = 0; b < batch; b++) {
    const len = lengths[b]!;
    for (let j = 0; j < d; j++) {
      if (node.mode === 'mean') {
        let s = 0;
        for (let t = 0; t < len; t++) s += x.data[(b * steps + t) * d + j]!;
        y[b * d + j] = s / len;
      } else {
        let best = 0;
        for (let t = 1; t < len; t++) if (x.data[(b * steps + t) * d + j]! > x.data[(b * steps + best) * d + j]!) best = t;
        argmax[b * d + j] = best;
        y[b * d + j] = x.data[(b * steps + best) * d + j]!;
      }
    }
  }
  return {
    outputs: [[node.y, ften([batch, ...x.shape.slice(2)], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dx = new Float64Array(x.data.length);
      for (let b = 0; b < batch; b++) {
        const len = lengths[b]!;
        for (let j = 0; j < d; j++) {
          if (node.mode === 'mean') for (let t = 0; t < len; t++) dx[(b * steps + t) * d + j] = dy[b * d + j]! / len;
          else dx[(b * steps + argmax[b * d + j]!) * d + j] = dy[b * d + j]!;
        }
      }
      g.add(node.x, dx);
    },
  };
};
