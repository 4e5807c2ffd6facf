// Random inputs for a model, deterministic from a seed, so any two back ends can be fed the same batch.
//   symbolic dims: the given size, else 2..5 from RandomStream.forName(seed, `dim:${name}`)
//   float inputs:  N(0, 1); 0/1 draws (p = ½) where the input is a binary_cross_entropy target
//   index inputs:  uniform in 0..bound−1
//   lengths:       uniform in 1..T, then one row (drawn) set to T so the batch has a full-length sequence
// Each input draws from RandomStream.forName(seed, `input:${name}`) in row-major order.
import type { CheckedModel } from '../../compiler/check/model.ts';
import { RandomStream } from '../../runtime/random.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { showShape } from './dims.ts';
import { ften, iten, sizeOf } from './tensor.ts';

export function randomDims(model: CheckedModel, seed: number, given: Readonly<Record<string, number>> = {}): Map<string, number> {
  const dims = new Map<string, number>(Object.entries(given));
  for (const name of model.dims) {
    if (!dims.has(name)) dims.set(name, 2 + RandomStream.forName(seed, `dim:${name}`).below(4));
  }
  return dims;
}

export function randomInputs(model: CheckedModel, seed: number, given: Readonly<Record<string, number>> = {})
  : { inputs: Map<string, Tensor>; dims: Map<string, number> } {
  const dims = randomDims(model, seed, given);
  const binaryTargets = new Set(model.nodes.flatMap((n) => (n.op === 'loss' && n.fn === 'binary_cross_entropy' ? [n.target] : [])));
  const inputs = new Map<string, Tensor>();
  for (const decl of model.inputs) {
    const type = model.values[decl.value]!.type;
    const shape = type.shape.map((d) => {
      const size = typeof d === 'number' ? d : dims.get(d);
      if (size === undefined) throw new Error(`input ${decl.name} ${showShape(type.shape)}: dimension ${d} has no size`);
      return size;
    });
    const rng = RandomStream.forName(seed, `input:${decl.name}`);
    const n = sizeOf(shape);
    const role = decl.role;
    if (type.dtype === 'f32') {
      const data = new Float64Array(n);
      const bernoulli = binaryTargets.has(decl.value);
      for (let i = 0; i < n; i++) data[i] = bernoulli ? (rng.uniform() < 0.5 ? 0 : 1) : rng.normal();
      inputs.set(decl.name, ften(shape, data));
    } else if (role.kind === 'lengths') {
      const t = typeof role.dim === 'number' ? role.dim : dims.get(role.dim);
      if (t === undefined) throw new Error(`input ${decl.name}: the length dimension ${role.dim} has no size`);
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = 1 + rng.below(t);
      if (n > 0) data[rng.below(n)] = t;
      inputs.set(decl.name, iten(shape, data));
    } else {
      const bound = role.kind === 'index' ? role.bound : 2;
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = rng.below(bound);
      inputs.set(decl.name, iten(shape, data));
    }
  }
  return { inputs, dims };
}
