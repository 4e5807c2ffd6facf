// Losses, PyTorch's math, reduced over the valid elements only.
//   cross_entropy: logits [B, C] + ids [B], or [B, T, C] + [B, T];  ℓ = logsumexp(z) − z_y
//   binary_cross_entropy (from logits, stably): ℓ = max(x, 0) − x·y + log(1 + e^(−|x|))
//   mse: ℓ = (p − t)²
// An element is valid unless lengths is given and its step index (axis 1) is ≥ lengths[b].
// reduction: 'mean' = Σ valid ℓ / #valid, 'sum' = Σ valid ℓ, 'none' = per row b: mean of its valid ℓ → [B].
import type { LossNode } from '../../../compiler/check/model.ts';
import { sigmoid } from '../math/activations.ts';
import { validLengths } from '../lengths.ts';
import type { OpImpl } from '../op.ts';
import { ften, span } from '../tensor.ts';

export const lossOp: OpImpl<LossNode> = (node, env) => {
  const pred = env.float(node.pred);
  const ce = node.fn === 'cross_entropy';
  const target = ce ? env.int(node.target) : env.float(node.target);
  const elemShape = target.shape;               // one loss element per target element
  const same = ce
    ? pred.shape.length === elemShape.length + 1 && elemShape.every((d, i) => d === pred.shape[i])
    : pred.shape.length === elemShape.length && elemShape.every((d, i) => d === pred.shape[i]);
  if (!same || elemShape.length < 1) {
    throw new Error(`loss ${node.fn}: prediction [${pred.shape.join(', ')}] does not fit target [${elemShape.join(', ')}]`);
  }
  const B = elemShape[0]!;
  const N = target.data.length;
  const C = ce ? pred.shape[pred.shape.length - 1]! : 1;
  const perRow = N / B;
  // valid[n]: with lengths, element n = (b, t, ...) counts iff t < lengths[b].
  const valid = new Uint8Array(N).fill(1);
  if (node.lengths !== undefined) {
    if (elemShape.length < 2) throw new Error(`loss ${node.fn}: lengths need a time axis, target is [${elemShape.join(', ')}]`);
    const T = elemShape[1]!;
    const inner = span(elemShape, 2);
    const len = validLengths(env, node.lengths, B, T, `loss ${node.fn}`);
    for (let n = 0; n < N; n++) valid[n] = Math.floor(n / inner) % T < len[Math.floor(n / perRow)]! ? 1 : 0;
  }
  const el = new Float64Array(N);
  const probs = ce ? new Float64Array(pred.data.length) : new Float64Array(0);
  for (let n = 0; n < N; n++) {
    if (!valid[n]) continue;
    if (ce) {
      const y = target.data[n]!;
      if (!Number.isInteger(y) || y < 0 || y >= C) throw new Error(`loss cross_entropy: class id ${y} at element ${n} is outside 0..${C - 1}`);
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, pred.data[n * C + c]!);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(pred.data[n * C + c]! - max);
      for (let c = 0; c < C; c++) probs[n * C + c] = Math.exp(pred.data[n * C + c]! - max) / sum;
      el[n] = max + Math.log(sum) - pred.data[n * C + y]!;
    } else if (node.fn === 'binary_cross_entropy') {
      const x = pred.data[n]!;
      el[n] = Math.max(x, 0) - x * target.data[n]! + Math.log1p(Math.exp(-Math.abs(x)));
    } else {
      el[n] = (pred.data[n]! - target.data[n]!) ** 2;
    }
  }
  // weight[n] = ∂(reduced)/∂ℓ_n for the scalar reductions; for 'none', ∂y_b/∂ℓ_n.
  const weight = new Float64Array(N);
  const rowCount = new Float64Array(B);
  let count = 0;
  for (let n = 0; n < N; n++) if (valid[n]) { count++; rowCount[Math.floor(n / perRow)]!++; }
  for (let n = 0; n < N; n++) {
    if (!valid[n]) continue;
    weight[n] = node.reduction === 'sum' ? 1 : node.reduction === 'mean' ? 1 / count : 1 / rowCount[Math.floor(n / perRow)]!;
  }
  const y = node.reduction === 'none' ? new Float64Array(B) : new Float64Array(1);
  for (let n = 0; n < N; n++) y[node.reduction === 'none' ? Math.floor(n / perRow) : 0]! += weight[n]! * el[n]!;
  return {
    outputs: [[node.y, ften(node.reduction === 'none' ? [B] : [], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dpred = new Float64Array(pred.data.length);
      const dtarget = new Float64Array(ce ? 0 : N);
      for (let n = 0; n < N; n++) {
        if (!valid[n]) continue;
        const d = weight[n]! * dy[node.reduction === 'none' ? Math.floor(n / perRow) : 0]!;
        if (ce) {
          for (let c = 0; c < C; c++) dpred[n * C + c] = d * probs[n * C + c]!;
          dpred[n * C + target.data[n]!]! -= d;
        } else if (node.fn === 'binary_cross_entropy') {
          dpred[n] = d * (sigmoid(pred.data[n]!) - target.data[n]!);
          dtarget[n] = -d * pred.data[n]!;
        } else {
          dpred[n] = 2 * d * (pred.data[n]! - target.data[n]!);
          dtarget[n] = -dpred[n]!;
        }
      }
      g.add(node.pred, dpred);
      if (!ce) g.add(node.target, dtarget);
    },
  };
};
