// fuse-loss: a per-sequence loss (no time mask) and its gradient become one kernel. The forward kernel
// already visits every row; with no mask the mean's divisor is known up front, so it can write
// d(loss)/d(pred) in the same pass, and the separate gradient dispatch goes away.
import type { Graph, LossOp, OpNode } from '../ir/graph.ts';

export function fuseLoss(g: Graph): Graph {
  const ops: OpNode[] = [];
  const fused = new Map<OpNode, OpNode>();   // grad op → the forward op that absorbed it
  for (const node of g.ops) {
    if (node.op.kind !== 'loss' || !node.op.grad) continue;
    const grad = node.op;
    if (grad.dy !== undefined || grad.dtarget !== undefined || grad.time !== null || grad.reduction === 'none') continue;
    const fwd = g.ops.find((o) => o.op.kind === 'loss' && !o.op.grad && o.op.pred === grad.pred && o.op.target === grad.target);
    if (fwd) fused.set(node, fwd);
  }
  const absorbed = new Map([...fused].map(([grad, fwd]) => [fwd, grad]));
  for (const node of g.ops) {
    if (fused.has(node)) continue;
    const grad = absorbed.get(node);
    ops.push(grad ? { ...node, op: { ...(node.op as LossOp), fusedGrad: (grad.op as LossOp).y }, label: `${node.label} and its gradient` } : node);
  }
  return { tensors: g.tensors, ops };
}
