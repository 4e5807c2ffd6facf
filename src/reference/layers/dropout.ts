// dropout: inverted dropout with the deterministic mask of model.ts (site 64·node.id): element i is
// kept iff dropoutUniform(seed, site, step, i) ≥ p, and kept elements are scaled by 1/(1−p).
// Identity at inference (and for p = 0).
import type { DropoutNode } from '../../../compiler/check/model.ts';
import { dropoutUniform } from '../../../runtime/random.ts';
import type { OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

/** The multiplier of each element: 0 or 1/(1−p). p = 1 drops everything. */
export function dropoutScale(p: number, seed: number, site: number, step: number, n: number): Float64Array {
  const scale = new Float64Array(n);
  const keep = p >= 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < n; i++) scale[i] = dropoutUniform(seed, site, step, i) >= p ? keep : 0;
  return scale;
}

export const dropoutOp: OpImpl<DropoutNode> = (node, env) => {
  const x = env.float(node.x);
  if (!env.training || node.p === 0) {
    return {
      outputs: [[node.y, ften(x.shape, x.data.slice())]],
      backward(g) {
        const dy = g.out(node.y);
        if (dy) g.add(node.x, dy);
      },
    };
  }
  const scale = dropoutScale(node.p, env.seed, 64 * node.id, env.step, x.data.length);
  const y = x.data.map((v, i) => v * scale[i]!);
  return {
    outputs: [[node.y, ften(x.shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (dy) g.add(node.x, dy.map((v, i) => v * scale[i]!));
    },
  };
};
