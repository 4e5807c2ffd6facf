// stream-state-in-place: a stream step ends by copying each recurrence's final state (h_next, c_next)
// into the state it carries to the next call (h_state, c_state), one dispatch per copy. A persistent
// recurrence can write its final state straight into the carried state instead: a workgroup reads the
// initial state of its own sequences before its first barrier and writes their final state after its
// last step, and no other workgroup reads those rows (a persistent workgroup carries whole sequences; a
// stream step's slice is one sequence, so none is read twice either). A per-step recurrence splits each
// sequence's units over workgroups that all read the whole previous state: it keeps the copy.
import type { Graph, OpNode, PointwiseOp, RecurrentSeqOp, TensorId } from '../ir/graph.ts';
import { scheduleOf } from '../schedule/recurrent.ts';
import { tensorsOf, writesOf } from './plan-memory.ts';

const isCopy = (op: OpNode['op']): op is PointwiseOp => op.kind === 'pointwise' && op.fn === 'copy' && !op.accumulate;

export function streamStateInPlace(g: Graph): Graph {
  const redirect = new Map<TensorId, TensorId>();   // final-state tensor → the carried state it is copied to
  const dropped = new Set<OpNode>();
  for (const node of g.ops) {
    if (node.phase !== 'stream' || !isCopy(node.op)) continue;
    const { x: next, y: carried } = node.op;
    const writers = g.ops.filter((o) => writesOf(o.op).includes(next));
    const readers = g.ops.filter((o) => o !== node && tensorsOf(o.op).includes(next) && !writesOf(o.op).includes(next));
    // Only a final state the stream step alone writes: a model output (`output h_n`) is the tensor infer
    // writes too, and the stream step must still write it.
    const inPlace = writers.length > 0 && readers.length === 0 && writers.every((w) => {
      if (w.phase !== 'stream' || w.op.kind !== 'recurrent_seq' || scheduleOf(w.op).schedule !== 'persistent') return false;
      return (w.op.hN === next && w.op.h0 === carried) || (w.op.cN === next && w.op.c0 === carried);
    });
    if (!inPlace) continue;
    redirect.set(next, carried);
    dropped.add(node);
  }
  if (dropped.size === 0) return g;
  const to = (t: TensorId | undefined) => (t === undefined ? undefined : redirect.get(t) ?? t);
  const ops = g.ops.filter((node) => !dropped.has(node)).map((node) => {
    if (node.op.kind !== 'recurrent_seq') return node;
    const hN = to(node.op.hN), cN = to(node.op.cN);
    if (hN === node.op.hN && cN === node.op.cN) return node;
    const op: RecurrentSeqOp = { ...node.op, hN, cN };
    return { ...node, op };
  });
  return { tensors: g.tensors, ops };
}
