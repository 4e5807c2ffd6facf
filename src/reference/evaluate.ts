// The forward pass: bind the symbolic dimensions, check parameters and inputs, then run every node in
// model order. Each node's outputs are checked against the types the checker declared, so a checker or
// reference bug shows up at the node that caused it rather than as a wrong number later.
import type { CheckedModel, Node, ValueId } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { bindDims, resolveShape, showShape } from './dims.ts';
import type { OpEnv, OpResult } from './op.ts';
import { runNode } from './ops.ts';
import { asReference, type FTensor, type ITensor, type RTensor } from './tensor.ts';
import { checkInputs, checkParams } from './validate.ts';

export interface EvalOptions {
  /** Training mode: dropout active. Default false. */
  readonly training?: boolean;
  /** Seed of the dropout masks (runtime/random.ts dropoutUniform). Default 0. */
  readonly seed?: number;
  /** Training step n of the dropout masks. Default 0. */
  readonly step?: number;
  /** Sizes of symbolic dimensions that the inputs do not fix. */
  readonly dims?: Readonly<Record<string, number>>;
}

export interface Evaluation {
  readonly model: CheckedModel;
  readonly dims: ReadonlyMap<string, number>;
  readonly values: ReadonlyMap<ValueId, RTensor>;
  /** By declared output name. */
  readonly outputs: ReadonlyMap<string, RTensor>;
  readonly loss?: number;
  /** Per node, in model order: the results whose backward closures backward() replays in reverse. */
  readonly tape: readonly { readonly node: Node; readonly result: OpResult }[];
}

export function evaluate(model: CheckedModel, params: ReadonlyMap<string, Tensor>, inputs: ReadonlyMap<string, Tensor>,
  opts: EvalOptions = {}): Evaluation {
  const dims = bindDims(model, inputs, opts.dims);
  checkInputs(model, inputs, dims);
  checkParams(model, params);
  const values = new Map<ValueId, RTensor>();
  for (const decl of model.inputs) values.set(decl.value, asReference(inputs.get(decl.name)!));
  const weights = new Map<string, FTensor>();
  for (const [name, t] of params) weights.set(name, asReference(t) as FTensor);

  const get = (id: ValueId): RTensor => {
    const v = values.get(id);
    if (!v) throw new Error(`internal: value ${id} is read before it is computed`);
    return v;
  };
  const env: OpEnv = {
    training: opts.training ?? false,
    seed: opts.seed ?? 0,
    step: opts.step ?? 0,
    float(id) {
      const v = get(id);
      if (v.dtype !== 'f64') throw new Error(`internal: value ${id} is ${v.dtype} where a float is needed`);
      return v;
    },
    int(id) {
      const v = get(id);
      if (v.dtype !== 'i32') throw new Error(`internal: value ${id} is ${v.dtype} where integers are needed`);
      return v as ITensor;
    },
    param(name, shape) {
      const p = weights.get(name);
      if (!p) throw new Error(`internal: node reads parameter ${name}, which the model does not declare`);
      if (shape && p.shape.join() !== shape.join()) {
        throw new Error(`parameter ${name} has shape [${p.shape.join(', ')}] but its layer needs [${shape.join(', ')}]`);
      }
      return p;
    },
    dim(d) {
      if (typeof d === 'number') return d;
      const size = dims.get(d);
      if (size === undefined) throw new Error(`dimension ${d} is not bound: give its size (--dim ${d}=N)`);
      return size;
    },
  };

  const tape: { node: Node; result: OpResult }[] = [];
  for (const node of model.nodes) {
    const result = runNode(node, env);
    for (const [id, t] of result.outputs) {
      checkDeclared(model, node, id, t, dims);
      values.set(id, t);
    }
    tape.push({ node, result });
  }
  const outputs = new Map<string, RTensor>();
  for (const o of model.outputs) outputs.set(o.name, get(o.value));
  const loss = model.loss === undefined ? undefined : get(model.loss).data[0];
  return { model, dims, values, outputs, loss, tape };
}

/** The output must have the declared dtype and rank, and every size that is known. Binds unbound names. */
function checkDeclared(model: CheckedModel, node: Node, id: ValueId, t: RTensor, dims: Map<string, number>): void {
  const value = model.values[id];
  if (!value) throw new Error(`internal: ${node.op} node ${node.id} wrote value ${id}, which the model does not declare`);
  const want = value.type;
  const bad = (): never => {
    throw new Error(`internal: ${node.op} node ${node.id}${node.layer ? ` (${node.layer})` : ''} produced ` +
      `${t.dtype === 'i32' ? 'i32' : 'f32'} [${t.shape.join(', ')}] for value ${id}${value.name ? ` (${value.name})` : ''}, ` +
      `declared ${want.dtype} ${showShape(resolveShape(want.shape, dims))}`);
  };
  if ((want.dtype === 'i32') !== (t.dtype === 'i32') || want.shape.length !== t.shape.length) bad();
  want.shape.forEach((d, i) => {
    const size = typeof d === 'number' ? d : dims.get(d);
    if (size === undefined) dims.set(d as string, t.shape[i]!);
    else if (size !== t.shape[i]) bad();
  });
}
