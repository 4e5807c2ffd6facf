// Shared state of one lowering: the graph being built and the maps from checked values and
// parameters to IR tensors. Each construct's lowering lives in its own file beside this one.
import type { CheckedModel, Node, ParamDecl, ValueId } from '../check/model.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { TensorId } from '../ir/graph.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';
import { alignUp } from '../../runtime/arena.ts';

/** Parameters start at multiples of this many floats (16 bytes: one vec4). */
export const PARAM_ALIGN = 4;

export interface LoweredParam { readonly decl: ParamDecl; readonly offset: number; readonly tensor: TensorId; readonly grad: TensorId }

/** A construct the WebGPU back end does not lower yet: a user-facing error, not a compiler bug. */
export class UnsupportedError extends Error {
  constructor(readonly node: Node, what: string) {
    super(`${what} is not supported by the WebGPU back end yet`);
  }
}

/**
 * Lowering for `stream_step`: one time step with the recurrent states carried in persistent tensors.
 * Inputs and outputs reuse the main graph's tensors (same names for the host); parameters are shared.
 */
export interface StreamLowering {
  readonly builder: GraphBuilder;
  readonly params: ReadonlyMap<string, LoweredParam>;
  readonly reuse: ReadonlyMap<ValueId, TensorId>;
}

export class LowerCtx {
  readonly b: GraphBuilder;
  readonly values = new Map<ValueId, TensorId>();
  readonly params = new Map<string, LoweredParam>();
  /** Tensors that autodiff must not differentiate through (integer inputs, lengths). */
  readonly nonDiff = new Set<TensorId>();
  /** Copies of final states into the carried state, run after everything else in stream_step. */
  readonly stateUpdates: (() => void)[] = [];

  constructor(readonly model: CheckedModel, readonly stream?: StreamLowering) {
    this.b = stream?.builder ?? new GraphBuilder();
    if (stream) {
      for (const [k, v] of stream.params) this.params.set(k, v);
      for (const [k, v] of stream.reuse) this.values.set(k, v);
      return;
    }
    // Every parameter starts at a multiple of PARAM_ALIGN floats (16 bytes), so that kernels may read
    // the params buffer as vec4 (the persistent recurrences load 4 weights of a row at once). The gaps
    // stay zero: nothing writes them, their gradients are zero, and the optimizer keeps them so.
    let offset = 0;
    for (const decl of model.params) {
      const count = decl.shape.reduce((a, c) => a * c, 1);
      const tensor = this.b.tensor(decl.name, decl.shape, { kind: 'param', offset });
      const grad = this.b.tensor(`grad.${decl.name}`, decl.shape, { kind: 'grad', offset });
      this.params.set(decl.name, { decl, offset, tensor, grad });
      offset = alignUp(offset + count, PARAM_ALIGN);
    }
    this.paramCount = offset;
  }

  /** Floats in the params buffer: every parameter and the gaps that align the next. */
  readonly paramCount: number = 0;

  shape(v: ValueId): readonly SizeExpr[] {
    const value = this.model.values[v];
    if (!value) throw new Error(`internal error: no value ${v}`);
    return value.type.shape;
  }

  tensorOf(v: ValueId): TensorId {
    const t = this.values.get(v);
    if (t === undefined) throw new Error(`internal error: value ${v} used before it was lowered`);
    return t;
  }

  /** A fresh arena tensor for a checked value (named after it when the model names it). */
  define(v: ValueId, fallback: string): TensorId {
    const reused = this.stream?.reuse.get(v);
    if (reused !== undefined) { this.values.set(v, reused); return reused; }
    const value = this.model.values[v];
    if (!value) throw new Error(`internal error: no value ${v}`);
    const ints = value.type.dtype === 'i32';
    const name = `${value.name ?? fallback}${this.stream ? '.stream' : ''}`;
    const t = this.b.tensor(name, value.type.shape, { kind: ints ? 'ints' : 'arena' });
    if (ints) this.nonDiff.add(t);
    this.values.set(v, t);
    return t;
  }

  param(name: string): LoweredParam {
    const p = this.params.get(name);
    if (!p) throw new Error(`internal error: no parameter ${name}`);
    return p;
  }
}
