// fuse-input-projection: a persistent recurrence computes its input projections itself, step by step,
// instead of reading them from one matmul over all steps (xproj = x · W_ihᵀ + b_ih, [D, B, T, G·H],
// written by one dispatch and read back by the next). The matmul goes; the kernel reads W_ih and b_ih
// from the parameters, as it reads W_hh, and xproj is never materialised.
//
// Why: in the persistent kernel each loaded weight feeds every sequence of the workgroup's slice and each
// loaded input word every unit the thread owns (the same reuse as the recurrent dot products), where the
// matmul's 8×8 tiles reuse each word 8 times and then store every result; on SwiftShader, where a load
// or store costs 10-15 multiply-adds, that made the projection twice as costly per multiply-add as the
// recurrence (issue #8). The price is serial work: the projection then runs inside the recurrence's few
// workgroups, so it is fused only where it adds at most as much as the recurrence already does (width ≤ H).
//
// Runs after autodiff: the backward pass still differentiates the matmul (its weight, bias and input
// gradients read dxproj, which the backward through time writes); only the forward value moves.
import type { Graph, MatmulOp, OpNode, RecurrentSeqOp, TensorId } from '../ir/graph.ts';
import { mul } from '../ir/builder.ts';
import { gatesOf, scheduleOf } from '../schedule/recurrent.ts';
import { tensorsOf, writesOf } from './plan-memory.ts';

/** Two size formulas are the same (an absent offset or stride is 0, its default). */
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? 0) === JSON.stringify(b ?? 0);

/** The D matmuls that write op.xproj, in direction order, when they have the plain projection form. */
function projections(g: Graph, op: RecurrentSeqOp): OpNode[] | null {
  const GH = gatesOf(op) * op.hidden;
  const writers = g.ops.filter((o) => op.xproj !== undefined && writesOf(o.op).includes(op.xproj));
  if (writers.length !== op.dirs) return null;
  const byDir: OpNode[] = [];
  for (let d = 0; d < op.dirs; d++) {
    const node = writers.find((o) => o.op.kind === 'matmul' && same(o.op.yOffset, mul(d, op.batch, op.time, GH)));
    const m = node?.op as MatmulOp | undefined;
    // The kernel reads W_ih and b_ih in the params buffer (as vec4 rows, parameters being 16-byte aligned).
    const isParam = (t: TensorId | undefined) => t !== undefined && g.tensors[t]?.storage.kind === 'param';
    if (!node || !m || !isParam(m.b) || !isParam(m.bias) || m.transA || !m.transB || m.act !== 'none' || m.accumulate ||
        typeof m.k !== 'number' || m.n !== GH || !same(m.m, mul(op.batch, op.time)) ||
        !same(m.aOffset, 0) || !same(m.bOffset, 0) || !same(m.lda, 0) || !same(m.ldy, 0) ||
        (byDir[0] !== undefined && (byDir[0].op as MatmulOp).a !== m.a)) return null;
    byDir.push(node);
  }
  return byDir;
}

export function fuseInputProjection(g: Graph): Graph {
  const replaced = new Map<OpNode, OpNode[]>();   // node → what takes its place
  const fused = new Map<TensorId, RecurrentSeqOp>();   // y of the recurrence → its fused op
  for (const node of g.ops) {
    const op = node.op;
    if (op.kind !== 'recurrent_seq' || op.xproj === undefined || op.input !== undefined) continue;
    if (scheduleOf(op).schedule !== 'persistent') continue;
    const mms = projections(g, op);
    if (mms === null) continue;
    const first = mms[0]!.op as MatmulOp, width = first.k as number;
    if (width > op.hidden) continue;
    // Nothing but the projections, this recurrence and its backward may touch xproj.
    const xproj = op.xproj;
    const others = g.ops.filter((o) => !mms.includes(o) && o !== node && !(o.op.kind === 'recurrent_seq_grad' && o.op.fwd.y === op.y));
    if (others.some((o) => tensorsOf(o.op).includes(xproj))) continue;
    for (const mm of mms) replaced.set(mm, []);
    const { xproj: _gone, ...rest } = op;
    const weights = mms.map((mm) => mm.op as MatmulOp);
    const withInput: RecurrentSeqOp = { ...rest, input: { x: first.a, wih: weights.map((m) => m.b), bih: weights.map((m) => m.bias!), width } };
    replaced.set(node, [{ ...node, op: withInput }]);
    fused.set(op.y, withInput);
  }
  const ops = g.ops.flatMap((node) => {
    const op = node.op;
    if (op.kind === 'recurrent_seq_grad' && fused.has(op.fwd.y)) return [{ ...node, op: { ...op, fwd: fused.get(op.fwd.y)! } }];
    return replaced.get(node) ?? [node];
  });
  return { tensors: g.tensors, ops };
}
