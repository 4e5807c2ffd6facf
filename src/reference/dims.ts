// Symbolic dimensions (batch, time, ...) are bound at run time: from explicit sizes, then from the
// shapes of the inputs as given. Every binding must agree with every other.
import type { CheckedModel, Dim, Shape } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';

export type DimSizes = ReadonlyMap<string, number>;

export function showShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The shape with every bound name replaced by its size (unbound names stay symbolic). */
export function resolveShape(shape: Shape, dims: DimSizes): Dim[] {
  return shape.map((d) => (typeof d === 'string' ? dims.get(d) ?? d : d));
}

export function bindDims(model: CheckedModel, inputs: ReadonlyMap<string, Tensor>, given?: Readonly<Record<string, number>>): Map<string, number> {
  const dims = new Map<string, number>();
  for (const [name, size] of Object.entries(given ?? {})) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`dimension ${name} = ${size} must be a positive integer`);
    dims.set(name, size);
  }
  for (const decl of model.inputs) {
    const t = inputs.get(decl.name);
    if (!t) continue;
    const want = model.values[decl.value]!.type.shape;
    if (t.shape.length !== want.length) {
      throw new Error(`input ${decl.name}: expected shape ${showShape(resolveShape(want, dims))}, got [${t.shape.join(', ')}]`);
    }
    want.forEach((d, i) => {
      const got = t.shape[i]!;
      const expect = typeof d === 'number' ? d : dims.get(d);
      if (expect === undefined) {
        if (got < 1) throw new Error(`input ${decl.name}: axis ${i} (${d as string}) has size ${got}; dimension ${d as string} must be at least 1`);
        dims.set(d as string, got);
      }
      else if (expect !== got) {
        throw new Error(`input ${decl.name}: expected shape ${showShape(resolveShape(want, dims))}, got [${t.shape.join(', ')}]` +
          (typeof d === 'string' ? ` (${d} = ${expect})` : ''));
      }
    });
  }
  return dims;
}
