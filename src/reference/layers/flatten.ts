// flatten: merge the last `axes` axes into one. Row-major data is unchanged; only the shape moves.
import type { FlattenNode } from '../../../compiler/check/model.ts';
import type { OpImpl } from '../op.ts';
import { ften, span } from '../tensor.ts';

export const flattenOp: OpImpl<FlattenNode> = (node, env) => {
  const x = env.float(node.x);
  const keep = x.shape.length - node.axes;
  if (node.axes < 1 || keep < 0) throw new Error(`flatten: cannot merge ${node.axes} axes of a rank-${x.shape.length} tensor`);
  const shape = [...x.shape.slice(0, keep), span(x.shape, keep)];
  return {
    outputs: [[node.y, ften(shape, x.data.slice())]],
    backward(g) {
      const dy = g.out(node.y);
      if (dy) g.add(node.x, dy);
    },
  };
};
