// fuse-time-select: selecting one step of a recurrence's output ([B,T,W] → [B,W], e.g. `last(h)` or a
// layer with return_sequences=false) becomes an extra store in the recurrent kernel at that step, and
// its gradient an extra term of dh there: two dispatches (the gather and its scatter) go away.
import type { Graph, OpNode, RecurrentSeqOp, TimeSelectOp } from '../ir/graph.ts';

export function fuseTimeSelect(g: Graph): Graph {
  const absorbed = new Map<OpNode, OpNode>();   // time_select → the recurrence that takes it over
  for (const node of g.ops) {
    if (node.op.kind !== 'time_select' || node.op.grad) continue;
    const sel = node.op;
    const rec = g.ops.find((o) => o.op.kind === 'recurrent_seq' && o.op.y === sel.x && o.op.select === undefined &&
      o.op.lengths === sel.lengths && ![...absorbed.values()].includes(o));
    if (rec) absorbed.set(node, rec);
  }
  const takes = new Map([...absorbed].map(([sel, rec]) => [rec, sel.op as TimeSelectOp]));
  const ops: OpNode[] = [];
  for (const node of g.ops) {
    if (absorbed.has(node)) continue;
    const sel = takes.get(node);
    ops.push(sel ? { ...node, op: { ...(node.op as RecurrentSeqOp), select: { which: sel.which, y: sel.y } } } : node);
  }
  return { tensors: g.tensors, ops };
}
