// Gradient rule of the fused attention core, by recomputation: dq (also the per-row delta) then dk/dv,
// each re-deriving the softmax weights from the saved row max and sum (no Tq·Tk tensor).
import { mul } from '../ir/builder.ts';
import type { AttentionOp } from '../ir/attention-ops.ts';
import type { TensorId } from '../ir/graph.ts';
import type { GradCtx, GradTarget } from './autodiff.ts';

export const attentionRule = (c: GradCtx, op: AttentionOp, label: string): void => {
  if (op.stage !== 'forward') return;
  let dy = c.grad(op.y);
  const dweights = op.weights === undefined ? undefined : c.grad(op.weights);
  if (dy === undefined && dweights === undefined) return;
  if (dy === undefined) {
    dy = c.b.tensor(`d.${c.b.get(op.y).name}`, c.b.get(op.y).shape);
    c.b.add({ kind: 'fill', y: dy, value: 0, size: mul(op.batch, op.tq, op.heads * op.dv) }, `${label}: zero context gradient`);
  }
  // Where each of q, k, v's gradient goes. Views of one tensor in disjoint columns share one target;
  // the same columns (values defaulting to keys) make the later writer accumulate.
  const scratch = (t: TensorId): GradTarget => ({ tensor: c.b.tensor(`d.${c.b.get(t).name}`, c.b.get(t).shape), accumulate: false });
  const targetOf = (t: TensorId) => (c.needsGrad(t) ? c.target(t) : null) ?? scratch(t);
  const tq = targetOf(op.query);
  const tk = op.keys === op.query ? { ...tq, accumulate: tq.accumulate || op.kOff === op.qOff } : targetOf(op.keys);
  const sameK = op.values === op.keys ? tk : op.values === op.query ? tq : null;
  const tv = sameK ? { ...sameK, accumulate: sameK.accumulate || (op.values === op.keys ? op.vOff === op.kOff : op.vOff === op.qOff) }
    : targetOf(op.values);
  const delta = c.b.tensor(`${c.b.get(op.stats).name}.delta`, [op.batch, op.heads, op.tq]);
  const common = { ...op, dy, dweights, delta, dquery: tq.tensor, dkeys: tk.tensor, dvalues: tv.tensor,
                   accumulateQ: tq.accumulate, accumulateK: tk.accumulate, accumulateV: tv.accumulate };
  c.b.add({ ...common, stage: 'dq' }, `${label}: query gradient`);
  if (op.score !== 'additive') {
    c.b.add({ ...common, stage: 'dkv' }, `${label}: key and value gradients`);
    return;
  }
  const duPart = c.b.tensor(`${c.b.get(op.stats).name}.du`, [op.batch, op.tk, op.dk]);
  c.b.add({ ...common, stage: 'dkv', duPart }, `${label}: key and value gradients`);
  const du = c.target(op.u!);
  if (du) {
    c.b.add({ kind: 'colsum', x: duPart, y: du.tensor, m: mul(op.batch, op.tk), n: op.dk, ld: op.dk, xOffset: 0, accumulate: du.accumulate },
            `${label}: score vector gradient`);
  }
};
