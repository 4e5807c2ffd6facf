// Builds a Graph incrementally. Lowering and autodiff both append through it; passes after them
// return new graphs and never mutate one they were given.
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { Span } from '../check/model.ts';
import type { Graph, Op, OpNode, Phase, Storage, Tensor, TensorId } from './graph.ts';

export class GraphBuilder {
  readonly tensors: Tensor[] = [];
  readonly ops: OpNode[] = [];
  phase: Phase = 'forward';
  span: Span = { start: 0, end: 0 };

  constructor(from?: Graph) {
    if (from) { this.tensors.push(...from.tensors); this.ops.push(...from.ops); }
  }

  tensor(name: string, shape: readonly SizeExpr[], storage: Storage = { kind: 'arena' }, persistent = false): TensorId {
    const id = this.tensors.length;
    this.tensors.push({ id, name, shape, storage, ...(persistent ? { persistent } : {}) });
    return id;
  }

  get(id: TensorId): Tensor {
    const t = this.tensors[id];
    if (!t) throw new Error(`internal error: no tensor ${id}`);
    return t;
  }

  add(op: Op, label: string): void {
    this.ops.push({ op, phase: this.phase, span: this.span, label });
  }

  build(): Graph { return { tensors: [...this.tensors], ops: [...this.ops] }; }
}

/** Number of elements of a shape, as a size formula (constants folded). */
export function numel(shape: readonly SizeExpr[]): SizeExpr {
  return mul(...shape);
}

export function mul(...xs: SizeExpr[]): SizeExpr {
  let c = 1;
  const syms: SizeExpr[] = [];
  for (const x of xs) {
    if (typeof x === 'number') c *= x;
    else syms.push(x);
  }
  if (syms.length === 0 || c === 0) return c;   // 0 · anything is 0, symbolic or not
  if (c === 1 && syms.length === 1) return syms[0]!;
  return c === 1 ? ['*', ...syms] : ['*', ...syms, c];
}

export function add(...xs: SizeExpr[]): SizeExpr {
  let c = 0;
  const syms: SizeExpr[] = [];
  for (const x of xs) {
    if (typeof x === 'number') c += x;
    else syms.push(x);
  }
  if (syms.length === 0) return c;
  if (c === 0 && syms.length === 1) return syms[0]!;
  return c === 0 ? ['+', ...syms] : ['+', ...syms, c];
}

export const cdiv = (a: SizeExpr, b: number): SizeExpr =>
  typeof a === 'number' ? Math.ceil(a / b) : b === 1 ? a : ['cdiv', a, b];
