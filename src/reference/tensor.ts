// The reference computes in float64; integer inputs (class ids, token ids, lengths) stay int32.
// These are runtime/tensor.ts tensors narrowed to the two dtypes the reference holds.
import { sizeOf, type Tensor } from '../../runtime/tensor.ts';

export interface FTensor extends Tensor { readonly dtype: 'f64'; readonly data: Float64Array }
export interface ITensor extends Tensor { readonly dtype: 'i32'; readonly data: Int32Array }
export type RTensor = FTensor | ITensor;

export function ften(shape: readonly number[], data?: Float64Array): FTensor {
  const n = sizeOf(shape);
  const d = data ?? new Float64Array(n);
  if (d.length !== n) throw new Error(`internal: ${d.length} values for shape [${shape.join(', ')}]`);
  return { dtype: 'f64', shape: [...shape], data: d };
}

export function iten(shape: readonly number[], data?: Int32Array): ITensor {
  const n = sizeOf(shape);
  const d = data ?? new Int32Array(n);
  if (d.length !== n) throw new Error(`internal: ${d.length} values for shape [${shape.join(', ')}]`);
  return { dtype: 'i32', shape: [...shape], data: d };
}

/** Any host tensor as a reference tensor: floats widened to float64, i32 kept. */
export function asReference(t: Tensor): RTensor {
  if (t.dtype === 'i32') return iten(t.shape, Int32Array.from(t.data));
  return ften(t.shape, Float64Array.from(t.data));
}

/** Normalise a possibly negative axis against a rank (PyTorch style: -1 is the last axis). */
export function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Product of shape[from..to). */
export function span(shape: readonly number[], from: number, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}

export { sizeOf };
