// The epilogue of a persistent forward recurrence that carries a fused head (passes/fuse-head.ts): after
// the last step, the workgroup computes the dense layer on its slice's selected states (select.y, which
// its own threads stored) and then the softmax of those rows, the same sums in the same order as the
// matmul and softmax kernels it replaces (codegen/kernels/matmul.ts, softmax.ts).
import type { RecurrentSeqOp } from '../../ir/graph.ts';
import { actExpr, indentAfterFirst, type KernelWriter, wgslSize } from '../wgsl.ts';
import { softmaxRow } from './softmax.ts';

/** WGSL run after the time loop, in uniform control flow; `b0` is the slice's first sequence, `P` the threads. */
export function headEpilogue(w: KernelWriter, op: RecurrentSeqOp, slice: number, P: number): string {
  const { dense, softmax } = op.head!;
  const K = op.hidden;
  // opB(B)[k, o]: the weight as the dense op reads it.
  const weight = (k: string, o: string) => w.load(dense.b, dense.transB ? `${o} * ${K}u + ${k}` : `${k} * N + ${o}`);
  const bias = dense.bias === undefined ? '' : ` + ${w.load(dense.bias, 'o')}`;
  const softmaxRows = softmax === undefined ? '' : `
storageBarrier();   // every logit of the slice is stored
for (var r = lid.x; r < ${slice}u; r += ${P}u) {
  let b = b0 + r;
  if (b < B) {
    let base = b * N; let C = N;
    ${indentAfterFirst(softmaxRow(w, softmax), 4)}
  }
}`;
  return `
// The fused head: this workgroup's rows of the dense layer (and its softmax).
storageBarrier();   // the slice's select.y, stored by every thread at its selected step, is visible
{
let N = ${wgslSize(dense.n)};
for (var e = lid.x; e < ${slice}u * N; e += ${P}u) {
  let b = b0 + e / N; let o = e % N;
  if (b < B) {
    var acc = 0.0;
    for (var k = 0u; k < ${K}u; k++) { acc += ${w.load(op.select!.y, `b * ${K}u + k`)} * ${weight('k', 'o')}; }
    ${w.store(dense.y, 'b * N + o', actExpr(w, dense.act, `(acc${bias})`))}
  }
}${softmaxRows}
}`;
}
