// Liveness-based memory plan: arena tensors whose live ranges (first write to last use, over the
// training program's op order) never overlap share a slot. Sizes are symbolic, so the compiler only
// groups tensors; the runtime sizes each slot as its largest member at the actual dimensions.
import type { Graph, Op, TensorId } from '../ir/graph.ts';
import { writesOfExtra } from './writes-extra.ts';

/** Tensor ids an op reads or writes (every TensorId-valued field, including nested forward fields). */
export function tensorsOf(op: Op): TensorId[] {
  const out: TensorId[] = [];
  const visit = (o: object): void => {
    for (const [k, v] of Object.entries(o)) {
      if (NESTED.has(k) && typeof v === 'object' && v) { visit(v); continue; }
      if (typeof v === 'number' && TENSOR_FIELDS.has(k)) out.push(v);
      else if (Array.isArray(v) && TENSOR_LIST_FIELDS.has(k)) for (const x of v) out.push(x as TensorId);
    }
  };
  visit(op);
  return out;
}
// Fields holding a nested op or part of one (a recurrence's fused head holds a dense op and a softmax).
const NESTED = new Set(['fwd', 'select', 'input', 'head', 'dense', 'softmax']);
const TENSOR_FIELDS = new Set(['a', 'b', 'bias', 'y', 'x', 'x2', 'xproj', 'lengths', 'h0', 'c0', 'hprev', 'gates', 'cells',
  'hN', 'cN', 'dy', 'dhN', 'dcN', 'dxproj', 'dhproj', 'dcCarry', 'dh0', 'dc0', 'idx', 'table', 'pred', 'target', 'dx',
  's', 'u', 'e', 'weights', 'de', 'ds', 'du', 'dtarget', 'biasGrad', 'fusedGrad', 'dySelect',
  'wt', 'dwt', 'dbias', 'xg', 'hs', 'dhs', 'dgates', 'stats', 'gamma', 'beta', 'dgamma', 'dbeta', 'query', 'keys', 'values',
  'dquery', 'dkeys', 'dvalues', 'dweights', 'delta', 'duPart',
  'wIh', 'wHh', 'bIh', 'bHh', 'wQuery', 'bQuery', 'memory', 'keyProj', 'embedded', 'embTable', 'wOut', 'bOut', 'hc', 'ctx', 'scores',
  'queryProj', 'hprevs', 'tokens', 'stepLogits', 'dhc', 'dembedded', 'dmemory', 'dkeyProj', 'dgi', 'dgh', 'dqp', 'carry', 'dctx',
  'dq']);
const TENSOR_LIST_FIELDS = new Set(['whh', 'bhh', 'wih', 'bih']);

/** Field names of forward ops' outputs, for op kinds writesOf does not list (extensions add theirs here). */
export const WRITES = new Set(['y', 'hprev', 'gates', 'cells', 'hN', 'cN', 'e', 'weights']);

/** The tensors an op writes. */
export function writesOf(op: Op): TensorId[] {
  const defined = (xs: (TensorId | undefined)[]) => xs.filter((x): x is TensorId => x !== undefined);
  switch (op.kind) {
    case 'embedding': return [op.grad ? op.table : op.y];
    case 'recurrent_seq': return defined([op.y, op.hprev, op.gates, op.cells, op.hN, op.cN, op.select?.y, op.head?.dense.y, op.head?.softmax?.y]);
    case 'recurrent_seq_grad': return defined([op.dxproj, op.dhproj, op.dcCarry, op.dh0, op.dc0]);
    case 'time_pool': return [op.dx ?? op.y];
    case 'softmax': return [op.grad ? op.dx! : op.y];
    case 'attention_pool':
      return op.stage === 'scores' ? [op.e] : op.stage === 'pool' ? [op.y, op.weights]
        : op.stage === 'pool_grad' ? defined([op.de, op.dx]) : defined([op.ds, op.du]);
    case 'optimizer': return [];
    case 'loss': return [op.y, ...(op.dtarget === undefined ? [] : [op.dtarget]), ...(op.fusedGrad === undefined ? [] : [op.fusedGrad])];
    case 'transpose': return [op.y];
    case 'matmul': return op.biasGrad === undefined ? [op.y] : [op.y, op.biasGrad];
    case 'colsum': case 'time_select': case 'repeat': case 'pointwise': return [op.y];
    case 'conv': case 'pool': case 'conv_lstm': case 'conv_lstm_grad': case 'copy2d': case 'binary': case 'binary_grad':
    case 'fill': case 'reduce': case 'layer_norm': case 'attention': case 'shift_tokens': case 'attn_decoder':
    case 'attn_decoder_grad': return writesOfExtra(op);
    default:
      return Object.entries(op as object).filter(([k, v]) => WRITES.has(k) && typeof v === 'number').map(([, v]) => v as TensorId);
  }
}

export interface MemoryPlan { readonly slots: ReadonlyMap<TensorId, number>; readonly slotCount: number }

/** `pinned` tensors (inputs, outputs, the loss, streaming state) live for the whole program. */
export function planMemory(g: Graph, pinned: ReadonlySet<TensorId>): MemoryPlan {
  const first = new Map<TensorId, number>(), last = new Map<TensorId, number>();
  g.ops.forEach((node, i) => {
    for (const t of tensorsOf(node.op)) {
      if (!first.has(t)) first.set(t, i);
      last.set(t, i);
    }
  });
  const end = g.ops.length;
  const arenaTensors = g.tensors.filter((t) => (t.storage.kind === 'arena' || t.storage.kind === 'ints') && (first.has(t.id) || pinned.has(t.id)));
  const range = (id: TensorId): [number, number] =>
    pinned.has(id) || g.tensors[id]!.persistent ? [-1, end] : [first.get(id)!, last.get(id)!];
  const order = [...arenaTensors].sort((a, b) => range(a.id)[0] - range(b.id)[0] || a.id - b.id);
  const slotEnd: number[] = [], slotKind: string[] = [];
  const slots = new Map<TensorId, number>();
  for (const t of order) {
    const [s, e] = range(t.id);
    const shareable = !(pinned.has(t.id) || t.persistent);
    let slot = shareable ? slotEnd.findIndex((se, i) => se < s && slotKind[i] === t.storage.kind) : -1;
    if (slot < 0) { slot = slotEnd.length; slotEnd.push(e); slotKind.push(shareable ? t.storage.kind : 'pinned'); }
    else slotEnd[slot] = e;
    slots.set(t.id, slot);
  }
  return { slots, slotCount: slotEnd.length };
}
