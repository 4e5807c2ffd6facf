// dense: y = act(x Wᵀ + b) over the last axis, every leading axis mapped (time-distributed).
// Parameters `<layer>.weight` [units, in], `<layer>.bias` [units] (nn.Linear).
import type { DenseNode } from '../../../compiler/check/model.ts';
import { activate, activateBackward } from '../math/activations.ts';
import { matTVecAdd, matVecAdd, outerAdd } from '../math/linear.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const denseOp: OpImpl<DenseNode> = (node, env) => {
  const x = env.float(node.x);
  const inDim = x.shape[x.shape.length - 1]!;
  const rows = x.data.length / inDim;
  const units = node.units;
  const layer = layerOf(node);
  const w = env.param(`${layer}.weight`, [units, inDim]).data;
  const b = node.bias ? env.param(`${layer}.bias`, [units]).data : undefined;
  const z = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    if (b) z.set(b, r * units);
    matVecAdd(w, units, inDim, x.data, r * inDim, z, r * units);
  }
  const act = node.activation;
  const y = act ? activate(act, z, units) : z;
  const shape = [...x.shape.slice(0, -1), units];
  return {
    outputs: [[node.y, ften(shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dz = act ? activateBackward(act, z, y, dy, units) : dy;
      const dx = new Float64Array(x.data.length);
      const dw = new Float64Array(w.length);
      const db = new Float64Array(units);
      for (let r = 0; r < rows; r++) {
        matTVecAdd(w, units, inDim, dz, r * units, dx, r * inDim);
        outerAdd(dw, units, inDim, dz, r * units, x.data, r * inDim);
        for (let u = 0; u < units; u++) db[u]! += dz[r * units + u]!;
      }
      g.add(node.x, dx);
      g.param(`${layer}.weight`, dw);
      if (b) g.param(`${layer}.bias`, db);
    },
  };
};
