// The backward pass: replay the tape in reverse, handing each node the cotangents of its outputs.
// A node none of whose outputs received a cotangent is skipped: an unused output contributes nothing.
// Cotangents of i32 values are dropped (integers have none). Every parameter gets a gradient (zeros when
// it does not influence the differentiated outputs).
import type { CheckedModel, ValueId } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { evaluate, type EvalOptions, type Evaluation } from './evaluate.ts';
import type { GradSink } from './op.ts';
import { ften, type FTensor } from './tensor.ts';

export interface Gradients {
  /** ∂/∂ every parameter, by name. */
  readonly params: ReadonlyMap<string, FTensor>;
  /** ∂/∂ every float input, by name. */
  readonly inputs: ReadonlyMap<string, FTensor>;
  /** ∂/∂ every float value that received a cotangent. */
  readonly values: ReadonlyMap<ValueId, Float64Array>;
}

/**
 * Reverse mode from `cotangents` (value → ∂L/∂value), by default ∂loss/∂loss = 1.
 */
export function backward(ev: Evaluation, cotangents?: ReadonlyMap<ValueId, Float64Array>): Gradients {
  const { model } = ev;
  const grads = new Map<ValueId, Float64Array>();
  const seed = cotangents ?? defaultSeed(model);
  for (const [id, g] of seed) {
    const v = ev.values.get(id);
    if (!v || v.dtype !== 'f64') throw new Error(`cannot differentiate value ${id}: it is not a float value of this evaluation`);
    if (g.length !== v.data.length) throw new Error(`cotangent of value ${id} has ${g.length} elements, the value has ${v.data.length}`);
    grads.set(id, Float64Array.from(g));
  }
  const paramGrads = new Map<string, Float64Array>();
  for (const p of model.params) paramGrads.set(p.name, new Float64Array(p.shape.reduce((a, b) => a * b, 1)));

  const sink: GradSink = {
    out: (id) => grads.get(id),
    add(id, g) {
      const v = ev.values.get(id);
      if (!v) throw new Error(`internal: gradient for unknown value ${id}`);
      if (v.dtype !== 'f64') return;
      if (g.length !== v.data.length) throw new Error(`internal: gradient of value ${id} has ${g.length} elements, the value ${v.data.length}`);
      const acc = grads.get(id);
      if (acc) for (let i = 0; i < g.length; i++) acc[i]! += g[i]!;
      else grads.set(id, Float64Array.from(g));
    },
    param(name, g) {
      const acc = paramGrads.get(name);
      if (!acc || acc.length !== g.length) throw new Error(`internal: gradient for parameter ${name} does not match its declaration`);
      for (let i = 0; i < g.length; i++) acc[i]! += g[i]!;
    },
  };
  for (let k = ev.tape.length - 1; k >= 0; k--) {
    const { result } = ev.tape[k]!;
    if (!result.backward || !result.outputs.some(([id]) => grads.has(id))) continue;
    result.backward(sink);
  }
  const params = new Map<string, FTensor>();
  for (const p of model.params) params.set(p.name, ften(p.shape, paramGrads.get(p.name)!));
  const inputs = new Map<string, FTensor>();
  for (const decl of model.inputs) {
    const v = ev.values.get(decl.value)!;
    if (v.dtype === 'f64') inputs.set(decl.name, ften(v.shape, grads.get(decl.value) ?? new Float64Array(v.data.length)));
  }
  return { params, inputs, values: grads };
}

function defaultSeed(model: CheckedModel): Map<ValueId, Float64Array> {
  if (model.loss === undefined) throw new Error(`model ${model.name} has no loss: say which outputs to differentiate (cotangents)`);
  return new Map([[model.loss, Float64Array.of(1)]]);
}

/** evaluate + backward in one call. */
export function gradients(model: CheckedModel, params: ReadonlyMap<string, Tensor>, inputs: ReadonlyMap<string, Tensor>,
  opts: EvalOptions & { readonly cotangents?: ReadonlyMap<ValueId, Float64Array> } = {}): Gradients & { readonly evaluation: Evaluation } {
  const evaluation = evaluate(model, params, inputs, opts);
  return { evaluation, ...backward(evaluation, opts.cotangents) };
}
