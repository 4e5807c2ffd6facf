// layer_norm over the last axis (nn.LayerNorm(D), elementwise affine):
//   μ = mean(x), σ² = mean((x − μ)²) (biased), x̂ = (x − μ)/sqrt(σ² + eps), y = x̂·weight + bias.
// Backward per row, with r = 1/sqrt(σ² + eps) and dx̂ = dy·weight:
//   dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))
import type { LayerNormNode } from '../../../compiler/check/model.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const layerNormOp: OpImpl<LayerNormNode> = (node, env) => {
  const x = env.float(node.x);
  const d = x.shape[x.shape.length - 1]!;
  const rows = x.data.length / d;
  const layer = layerOf(node);
  const w = env.param(`${layer}.weight`, [d]).data;
  const b = env.param(`${layer}.bias`, [d]).data;
  const xhat = new Float64Array(x.data.length);
  const rstd = new Float64Array(rows);
  const y = new Float64Array(x.data.length);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x.data[o + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x.data[o + j]! - mean) ** 2;
    v /= d;
    const s = 1 / Math.sqrt(v + node.eps);
    rstd[r] = s;
    for (let j = 0; j < d; j++) {
      xhat[o + j] = (x.data[o + j]! - mean) * s;
      y[o + j] = xhat[o + j]! * w[j]! + b[j]!;
    }
  }
  return {
    outputs: [[node.y, ften(x.shape, y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dx = new Float64Array(x.data.length);
      const dw = new Float64Array(d);
      const db = new Float64Array(d);
      for (let r = 0; r < rows; r++) {
        const o = r * d;
        let m1 = 0;
        let m2 = 0;
        for (let j = 0; j < d; j++) {
          const dxh = dy[o + j]! * w[j]!;
          m1 += dxh;
          m2 += dxh * xhat[o + j]!;
          dw[j]! += dy[o + j]! * xhat[o + j]!;
          db[j]! += dy[o + j]!;
        }
        m1 /= d;
        m2 /= d;
        for (let j = 0; j < d; j++) dx[o + j] = rstd[r]! * (dy[o + j]! * w[j]! - m1 - xhat[o + j]! * m2);
      }
      g.add(node.x, dx);
      g.param(`${layer}.weight`, dw);
      g.param(`${layer}.bias`, db);
    },
  };
};
