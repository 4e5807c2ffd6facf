// repeat: [B, D] → [B, steps, D] (an autoencoder's decoder input). The gradient sums over the steps.
import type { RepeatNode } from '../../../compiler/check/model.ts';
import type { OpImpl } from '../op.ts';
import { ften, span } from '../tensor.ts';

export const repeatOp: OpImpl<RepeatNode> = (node, env) => {
  const x = env.float(node.x);
  const steps = env.dim(node.steps);
  const b = x.shape[0]!;
  const d = span(x.shape, 1);
  const y = new Float64Array(b * steps * d);
  for (let i = 0; i < b; i++) {
    for (let t = 0; t < steps; t++) y.set(x.data.subarray(i * d, (i + 1) * d), (i * steps + t) * d);
  }
  return {
    outputs: [[node.y, ften([b, steps, ...x.shape.slice(1)], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dx = new Float64Array(x.data.length);
      for (let i = 0; i < b; i++) {
        for (let t = 0; t < steps; t++) {
          for (let j = 0; j < d; j++) dx[i * d + j]! += dy[(i * steps + t) * d + j]!;
        }
      }
      g.add(node.x, dx);
    },
  };
};
