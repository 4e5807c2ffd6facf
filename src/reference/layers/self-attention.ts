// self_attention: nn.MultiheadAttention(E, heads, batch_first=True) with query = key = value = x.
//   [q k v] = x·in_proj_weightᵀ + in_proj_bias          (in_proj_weight [3E, E]: rows q, then k, then v)
//   per head (d = E/heads, columns h·d..(h+1)·d): S_ij = q_i·k_j/sqrt(d), masked where j > i (causal) or
//   j ≥ lengths[b] (key padding); A = softmax_j S; O_i = Σ_j A_ij v_j
//   y = concat_heads(O)·out_proj.weightᵀ + out_proj.bias
// Queries at padding steps are computed as PyTorch does (they still attend to the valid keys).
import type { SelfAttentionNode } from '../../../compiler/check/model.ts';
import { matTVecAdd, matVecAdd, outerAdd } from '../math/linear.ts';
import { validLengths } from '../lengths.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const selfAttentionOp: OpImpl<SelfAttentionNode> = (node, env) => {
  const x = env.float(node.x);
  const [B, T, E] = x.shape as [number, number, number];
  const heads = node.heads;
  if (E % heads !== 0) throw new Error(`self_attention ${node.layer}: embedding ${E} is not divisible by ${heads} heads`);
  const d = E / heads;
  const scale = 1 / Math.sqrt(d);
  const layer = layerOf(node);
  const win = env.param(`${layer}.in_proj_weight`, [3 * E, E]).data;
  const bin = env.param(`${layer}.in_proj_bias`, [3 * E]).data;
  const wout = env.param(`${layer}.out_proj.weight`, [E, E]).data;
  const bout = env.param(`${layer}.out_proj.bias`, [E]).data;
  const lengths = validLengths(env, node.lengths, B, T, `self_attention ${layer}`);
  const N = B * T;
  const visible = (b: number, i: number, j: number): boolean => j < lengths[b]! && !(node.causal && j > i);

  const qkv = new Float64Array(N * 3 * E);           // row n: [q (E), k (E), v (E)]
  for (let n = 0; n < N; n++) {
    qkv.set(bin, n * 3 * E);
    matVecAdd(win, 3 * E, E, x.data, n * E, qkv, n * 3 * E);
  }
  const at = (b: number, t: number, part: number, h: number): number => (b * T + t) * 3 * E + part * E + h * d;
  const probs = new Float64Array(B * heads * T * T);  // A[b, h, i, j]
  const o = new Float64Array(N * E);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < T; i++) {
        const row = ((b * heads + h) * T + i) * T;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          if (!visible(b, i, j)) continue;
          let s = 0;
          for (let c = 0; c < d; c++) s += qkv[at(b, i, 0, h) + c]! * qkv[at(b, j, 1, h) + c]!;
          probs[row + j] = s * scale;
          max = Math.max(max, s * scale);
        }
        let sum = 0;
        for (let j = 0; j < T; j++) if (visible(b, i, j)) sum += (probs[row + j] = Math.exp(probs[row + j]! - max));
        for (let j = 0; j < T; j++) {
          probs[row + j] = visible(b, i, j) ? probs[row + j]! / sum : 0;
          for (let c = 0; c < d; c++) o[(b * T + i) * E + h * d + c]! += probs[row + j]! * qkv[at(b, j, 2, h) + c]!;
        }
      }
    }
  }
  const y = new Float64Array(N * E);
  for (let n = 0; n < N; n++) {
    y.set(bout, n * E);
    matVecAdd(wout, E, E, o, n * E, y, n * E);
  }
  return {
    outputs: [[node.y, ften([B, T, E], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dwout = new Float64Array(wout.length);
      const dbout = new Float64Array(E);
      const dO = new Float64Array(N * E);
      for (let n = 0; n < N; n++) {
        outerAdd(dwout, E, E, dy, n * E, o, n * E);
        matTVecAdd(wout, E, E, dy, n * E, dO, n * E);
        for (let c = 0; c < E; c++) dbout[c]! += dy[n * E + c]!;
      }
      const dqkv = new Float64Array(qkv.length);
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < heads; h++) {
          for (let i = 0; i < T; i++) {
            const row = ((b * heads + h) * T + i) * T;
            const dA = new Float64Array(T);
            let s = 0;
            for (let j = 0; j < T; j++) {
              if (!visible(b, i, j)) continue;
              const a = probs[row + j]!;
              for (let c = 0; c < d; c++) {
                const g0 = dO[(b * T + i) * E + h * d + c]!;
                dA[j]! += g0 * qkv[at(b, j, 2, h) + c]!;
                dqkv[at(b, j, 2, h) + c]! += a * g0;
              }
              s += a * dA[j]!;
            }
            for (let j = 0; j < T; j++) {
              if (!visible(b, i, j)) continue;
              const dS = probs[row + j]! * (dA[j]! - s) * scale;
              for (let c = 0; c < d; c++) {
                dqkv[at(b, i, 0, h) + c]! += dS * qkv[at(b, j, 1, h) + c]!;
                dqkv[at(b, j, 1, h) + c]! += dS * qkv[at(b, i, 0, h) + c]!;
              }
            }
          }
        }
      }
      const dx = new Float64Array(x.data.length);
      const dwin = new Float64Array(win.length);
      const dbin = new Float64Array(3 * E);
      for (let n = 0; n < N; n++) {
        outerAdd(dwin, 3 * E, E, dqkv, n * 3 * E, x.data, n * E);
        matTVecAdd(win, 3 * E, E, dqkv, n * 3 * E, dx, n * E);
        for (let c = 0; c < 3 * E; c++) dbin[c]! += dqkv[n * 3 * E + c]!;
      }
      g.add(node.x, dx);
      g.param(`${layer}.in_proj_weight`, dwin);
      g.param(`${layer}.in_proj_bias`, dbin);
      g.param(`${layer}.out_proj.weight`, dwout);
      g.param(`${layer}.out_proj.bias`, dbout);
    },
  };
};
