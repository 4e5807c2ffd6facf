// fuse-head: in a program without a backward pass (infer, stream_step), a forward-only persistent
// recurrence whose selected step feeds a dense layer right away (and that layer's softmax right after)
// computes the dense layer and the softmax in its own kernel, after its last step: each workgroup does
// the rows of its slice of sequences, which it alone wrote. A classifier's whole inference is then one
// dispatch where it was three. Why it matters (issue #8, spec/performance.md "One dispatch per
// inference"): on SwiftShader a dispatch that follows the two-workgroup recurrence in the same
// submission made about one call in ten put both of the next call's workgroups on one worker thread
// (twice the time); with the recurrence alone, about one in two hundred.
// A program-level pass: the graph is shared by every program, and training keeps the three ops.
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { Graph, MatmulOp, Op, OpNode, RecurrentHead, RecurrentSeqOp, SoftmaxOp, TensorId } from '../ir/graph.ts';

const sameSize = (a: SizeExpr, b: SizeExpr) => JSON.stringify(a) === JSON.stringify(b);
const unset = (x: SizeExpr | undefined) => x === undefined || x === 0;

/**
 * The dense op `d` as the epilogue of `r`: it reads r's selected step as its whole left operand (row b is
 * sequence b, one direction, so one workgroup holds each row) and parameters for the rest, and writes
 * its own rows afresh. Else null.
 */
function denseHead(g: Graph, r: RecurrentSeqOp, d: Op | undefined): MatmulOp | null {
  if (!r.forwardOnly || r.dirs !== 1 || r.select === undefined || r.head !== undefined) return null;
  if (d?.kind !== 'matmul' || d.a !== r.select.y || d.transA || d.accumulate || d.biasGrad !== undefined) return null;
  if (!unset(d.aOffset) || !unset(d.bOffset) || !unset(d.yOffset) || d.lda !== undefined || d.ldy !== undefined) return null;
  if (!sameSize(d.m, r.batch) || d.k !== r.hidden) return null;
  const isParam = (t: number) => g.tensors[t]!.storage.kind === 'param';
  return isParam(d.b) && (d.bias === undefined || isParam(d.bias)) ? d : null;
}

/** The softmax `s` of the dense head's whole output, one row per sequence. Else null. */
function softmaxHead(dense: MatmulOp, s: Op | undefined): SoftmaxOp | null {
  if (s?.kind !== 'softmax' || s.grad || s.accumulate || s.x !== dense.y) return null;
  return sameSize(s.rows, dense.m) && sameSize(s.cols, dense.n) ? s : null;
}

/** Where the memory plan put the tensors, and what a node's kernel reads or writes. */
export interface HeadMemory {
  readonly slots: ReadonlyMap<TensorId, number>;
  readonly touchedBy: (node: OpNode) => readonly TensorId[];
}

/**
 * Whether the head's outputs share a memory slot with a tensor the recurrence's kernel touches. The plan
 * lets a tensor reuse the slot of one whose last use came before it (the previous layer's output, read
 * only by this recurrence, say), which is safe across dispatches but not inside one: a workgroup that
 * writes its logits early would overwrite rows another workgroup is still reading.
 */
function sharesSlot(node: OpNode, outputs: readonly TensorId[], mem: HeadMemory): boolean {
  const taken = new Set(mem.touchedBy(node).flatMap((t) => (mem.slots.has(t) ? [mem.slots.get(t)!] : [])));
  return outputs.some((t) => mem.slots.has(t) && taken.has(mem.slots.get(t)!));
}

/**
 * `program` with each recurrence → dense (→ softmax) run, the three consecutive in the program, replaced
 * by the recurrence carrying `head`. Only consecutive ops fuse, and only where the head's outputs have
 * memory of their own (sharesSlot). `copies` keeps one fused node per recurrence node, so that programs
 * that share it share its kernel.
 */
export function fuseHeads(g: Graph, program: readonly OpNode[], copies: Map<OpNode, OpNode>, mem: HeadMemory): OpNode[] {
  const out: OpNode[] = [];
  for (let i = 0; i < program.length; i++) {
    const node = program[i]!, op = node.op;
    const dense = op.kind === 'recurrent_seq' ? denseHead(g, op, program[i + 1]?.op) : null;
    const softmax = dense === null ? null : softmaxHead(dense, program[i + 2]?.op);
    if (op.kind !== 'recurrent_seq' || dense === null || sharesSlot(node, [dense.y, ...(softmax ? [softmax.y] : [])], mem)) {
      out.push(node);
      continue;
    }
    const head: RecurrentHead = softmax === null ? { dense } : { dense, softmax };
    if (!copies.has(node)) copies.set(node, { ...node, op: { ...op, head } });
    out.push(copies.get(node)!);
    i += softmax === null ? 1 : 2;
  }
  return out;
}
