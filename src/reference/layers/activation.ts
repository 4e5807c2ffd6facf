// activation node: element-wise functions; softmax and log_softmax over the last axis.
import type { ActivationNode } from '../../../compiler/check/model.ts';
import { activate, activateBackward } from '../math/activations.ts';
import type { OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const activationOp: OpImpl<ActivationNode> = (node, env) => {
  const x = env.float(node.x);
  const last = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
  const y = activate(node.fn, x.data, last);
  return {
    outputs: [[node.y, ften(x.shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (dy) g.add(node.x, activateBackward(node.fn, x.data, y, dy, last));
    },
  };
};
