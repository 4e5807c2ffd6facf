// concat along one axis; every other axis must match. The gradient is split back into the pieces.
import type { ConcatNode } from '../../../compiler/check/model.ts';
import type { OpImpl } from '../op.ts';
import { ften, normAxis, span } from '../tensor.ts';

export const concatOp: OpImpl<ConcatNode> = (node, env) => {
  const xs = node.xs.map((id) => env.float(id));
  const first = xs[0];
  if (!first) throw new Error('concat: no operands');
  const rank = first.shape.length;
  const a = normAxis(node.axis, rank, 'concat');
  for (const x of xs) {
    if (x.shape.length !== rank || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new Error(`concat: shapes [${first.shape.join(', ')}] and [${x.shape.join(', ')}] differ off axis ${a}`);
    }
  }
  const outer = span(first.shape, 0, a);
  const inner = span(first.shape, a + 1);
  const widths = xs.map((x) => x.shape[a]! * inner);   // contiguous elements per outer index
  const total = widths.reduce((p, w) => p + w, 0);
  const y = new Float64Array(outer * total);
  for (let o = 0; o < outer; o++) {
    let at = o * total;
    xs.forEach((x, k) => {
      y.set(x.data.subarray(o * widths[k]!, (o + 1) * widths[k]!), at);
      at += widths[k]!;
    });
  }
  const shape = [...first.shape];
  shape[a] = total / inner;
  return {
    outputs: [[node.y, ften(shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      let start = 0;
      node.xs.forEach((id, k) => {
        const w = widths[k]!;
        const dx = new Float64Array(outer * w);
        for (let o = 0; o < outer; o++) dx.set(dy.subarray(o * total + start, o * total + start + w), o * w);
        g.add(id, dx);
        start += w;
      });
    },
  };
};
