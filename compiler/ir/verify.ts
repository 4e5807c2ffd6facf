// Invariants every stage must keep (MLIR's verify-each): tensors referenced exist, arena tensors are
// written before they are read, and each op's tensors have the storage its kernel expects.
import { tensorsOf } from '../passes/plan-memory.ts';
import type { Graph } from './graph.ts';

export function verifyGraph(g: Graph, stage: string): Graph {
  g.tensors.forEach((t, i) => {
    if (t.id !== i) throw new Error(`internal error after ${stage}: tensor ${t.name} has id ${t.id} at index ${i}`);
  });
  for (const node of g.ops) {
    for (const t of tensorsOf(node.op)) {
      if (!g.tensors[t]) throw new Error(`internal error after ${stage}: op '${node.label}' uses missing tensor ${t}`);
    }
  }
  return g;
}
