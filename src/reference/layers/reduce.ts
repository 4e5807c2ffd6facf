// reduce: sum or mean over one axis (removed from the shape) or over all axes (→ shape []).
import type { ReduceNode } from '../../../compiler/check/model.ts';
import type { OpImpl } from '../op.ts';
import { ften, normAxis, span } from '../tensor.ts';

export const reduceOp: OpImpl<ReduceNode> = (node, env) => {
  const x = env.float(node.x);
  // View x as [outer, n, inner] and reduce the middle axis.
  let outer: number, n: number, inner: number, shape: number[];
  if (node.axis === 'all') {
    [outer, n, inner, shape] = [1, x.data.length, 1, []];
  } else {
    const a = normAxis(node.axis, x.shape.length, 'reduce');
    [outer, n, inner] = [span(x.shape, 0, a), x.shape[a]!, span(x.shape, a + 1)];
    shape = [...x.shape.slice(0, a), ...x.shape.slice(a + 1)];
  }
  const scale = node.fn === 'mean' ? 1 / n : 1;
  const y = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < inner; i++) y[o * inner + i]! += x.data[(o * n + j) * inner + i]! * scale;
    }
  }
  return {
    outputs: [[node.y, ften(shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dx = new Float64Array(x.data.length);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < n; j++) {
          for (let i = 0; i < inner; i++) dx[(o * n + j) * inner + i] = dy[o * inner + i]! * scale;
        }
      }
      g.add(node.x, dx);
    },
  };
};
