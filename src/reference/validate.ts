// Checks of what a caller hands the reference (and the CLI): every parameter present with its declared
// shape, no unknown names, inputs of the declared dtype and shape, ids and lengths within their role.
// Messages name the tensor and the expected shape, because users read them.
import type { CheckedModel } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { resolveShape, showShape, type DimSizes } from './dims.ts';

export function checkParams(model: CheckedModel, params: ReadonlyMap<string, Tensor>): void {
  const declared = new Map(model.params.map((p) => [p.name, p]));
  for (const name of params.keys()) {
    if (!declared.has(name)) throw new Error(`unknown weight ${name}: model ${model.name} has no such parameter`);
  }
  for (const p of model.params) {
    const t = params.get(p.name);
    if (!t) throw new Error(`missing weight ${p.name} (expected shape ${showShape(p.shape)})`);
    if (t.dtype === 'i32') throw new Error(`weight ${p.name} must be a float tensor, got i32`);
    if (t.shape.join() !== p.shape.join() || t.shape.length !== p.shape.length) {
      throw new Error(`weight ${p.name}: expected shape ${showShape(p.shape)}, got ${showShape(t.shape)}`);
    }
  }
}

/** Run after bindDims, so every input's shape already matches its declaration. */
export function checkInputs(model: CheckedModel, inputs: ReadonlyMap<string, Tensor>, dims: DimSizes): void {
  const declared = new Set(model.inputs.map((i) => i.name));
  for (const name of inputs.keys()) {
    if (!declared.has(name)) throw new Error(`unknown input ${name}: model ${model.name} declares ${[...declared].join(', ') || 'no inputs'}`);
  }
  for (const decl of model.inputs) {
    const type = model.values[decl.value]!.type;
    const t = inputs.get(decl.name);
    const shape = showShape(resolveShape(type.shape, dims));
    if (!t) throw new Error(`missing input ${decl.name} (expected ${type.dtype} ${shape})`);
    if ((type.dtype === 'i32') !== (t.dtype === 'i32')) {
      throw new Error(`input ${decl.name}: expected ${type.dtype === 'i32' ? 'integer' : 'float'} ${shape}, got ${t.dtype}`);
    }
    const role = decl.role;
    if (role.kind === 'index') {
      t.data.forEach((v, i) => {
        if (v < 0 || v >= role.bound) throw new Error(`input ${decl.name}: element ${i} is ${v}, outside 0..${role.bound - 1}`);
      });
    } else if (role.kind === 'lengths') {
      const max = typeof role.dim === 'number' ? role.dim : dims.get(role.dim);
      t.data.forEach((v, i) => {
        if (v < 1 || (max !== undefined && v > max)) throw new Error(`input ${decl.name}: length ${v} at element ${i} is outside 1..${max ?? '?'}`);
      });
    }
  }
}
