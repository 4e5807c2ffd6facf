// embedding: ids [...] → [..., dim], rows of `<layer>.weight` [vocab, dim] (nn.Embedding).
// Ids equal to paddingIdx read zeros and send no gradient to their row, whatever the row holds
// (PyTorch reads the row, which its initialiser zeroes and training never updates: the same result).
import type { EmbeddingNode } from '../../../compiler/check/model.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const embeddingOp: OpImpl<EmbeddingNode> = (node, env) => {
  const ids = env.int(node.x);
  const { vocab, dim } = node;
  const name = `${layerOf(node)}.weight`;
  const w = env.param(name, [vocab, dim]).data;
  const n = ids.data.length;
  const y = new Float64Array(n * dim);
  for (let k = 0; k < n; k++) {
    const id = ids.data[k]!;
    if (id < 0 || id >= vocab) throw new Error(`embedding ${node.layer}: token id ${id} at element ${k} is outside 0..${vocab - 1}`);
    if (id !== node.paddingIdx) y.set(w.subarray(id * dim, (id + 1) * dim), k * dim);
  }
  return {
    outputs: [[node.y, ften([...ids.shape, dim], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dw = new Float64Array(w.length);
      for (let k = 0; k < n; k++) {
        const id = ids.data[k]!;
        if (id === node.paddingIdx) continue;
        for (let j = 0; j < dim; j++) dw[id * dim + j]! += dy[k * dim + j]!;
      }
      g.param(name, dw);
    },
  };
};
