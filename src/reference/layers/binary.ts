// binary: add/sub/mul/div with NumPy broadcasting. Gradients of a broadcast operand are summed back.
import type { BinaryNode } from '../../../compiler/check/model.ts';
import { broadcastIndex, broadcastShape } from '../math/broadcast.ts';
import type { OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const binaryOp: OpImpl<BinaryNode> = (node, env) => {
  const a = env.float(node.a);
  const b = env.float(node.b);
  const shape = broadcastShape(a.shape, b.shape, `binary ${node.fn}`);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const n = ia.length;
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const u = a.data[ia[k]!]!;
    const v = b.data[ib[k]!]!;
    y[k] = node.fn === 'add' ? u + v : node.fn === 'sub' ? u - v : node.fn === 'mul' ? u * v : u / v;
  }
  return {
    outputs: [[node.y, ften(shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const da = new Float64Array(a.data.length);
      const db = new Float64Array(b.data.length);
      for (let k = 0; k < n; k++) {
        const u = a.data[ia[k]!]!;
        const v = b.data[ib[k]!]!;
        const d = dy[k]!;
        switch (node.fn) {
          case 'add': da[ia[k]!]! += d; db[ib[k]!]! += d; break;
          case 'sub': da[ia[k]!]! += d; db[ib[k]!]! -= d; break;
          case 'mul': da[ia[k]!]! += d * v; db[ib[k]!]! += d * u; break;
          case 'div': da[ia[k]!]! += d / v; db[ib[k]!]! -= (d * u) / (v * v); break;
        }
      }
      g.add(node.a, da);
      g.add(node.b, db);
    },
  };
};
