// Encoded examples → one batch of model inputs ({data, shape} per input). Axes the model leaves symbolic
// (time, src_time, …) are padded with 0 to the longest example in the batch; lengths inputs say how much
// is real, so padding never reaches the loss of models that take lengths.
import type { Bundle } from '../../runtime/bundle.ts';
import type { EncodedExample, Value } from './encode.ts';

export interface BatchValue { readonly data: Float32Array | Int32Array; readonly shape: number[] }
export type Batch = Record<string, BatchValue>;

export function makeBatch(bundle: Bundle, examples: readonly EncodedExample[], names: readonly string[]): Batch {
  if (examples.length === 0) throw new Error('makeBatch: no examples');
  const batch: Batch = {};
  for (const name of names) {
    const input = bundle.inputs.find((i) => i.name === name)!;
    const tensor = bundle.tensors.find((t) => t.name === input.tensor)!;
    const values = examples.map((e) => {
      const v = e[name];
      if (!v) throw new Error(`example has no value for input '${name}'`);
      return v;
    });
    const axes = tensor.shape.slice(1);
    const shape = axes.map((a, k) => {
      const sizes = values.map((v) => v.shape[k] ?? 1);
      if (typeof a === 'number') {
        const bad = sizes.find((s) => s !== a);
        if (bad !== undefined) throw new Error(`input '${name}': axis ${k + 1} must be ${a} (the model fixes it), an example has ${bad}`);
        return a;
      }
      return Math.max(...sizes);
    });
    for (const v of values) {
      if (v.shape.length > axes.length) throw new Error(`input '${name}': an example has shape [${v.shape}], the model expects rank ${axes.length} per example`);
    }
    const Ctor = tensor.dtype === 'i32' ? Int32Array : Float32Array;
    const per = shape.reduce((a, b) => a * b, 1);
    const data = new Ctor(per * values.length);
    values.forEach((v, b) => padInto(data, b * per, shape, v));
    batch[name] = { data, shape: [values.length, ...shape] };
  }
  return batch;
}

/** Copies a row-major value into the top-left corner of a padded block of `shape`. */
function padInto(out: Float32Array | Int32Array, base: number, shape: readonly number[], v: Value): void {
  const src = [...v.shape];
  while (src.length < shape.length) src.push(1);
  const n = v.data.length;
  if (n === 0) return;
  const srcStrides = strides(src), dstStrides = strides(shape);
  for (let i = 0; i < n; i++) {
    let rest = i, off = base;
    for (let k = 0; k < src.length; k++) {
      const idx = Math.floor(rest / srcStrides[k]!);
      rest -= idx * srcStrides[k]!;
      off += idx * dstStrides[k]!;
    }
    out[off] = v.data[i]!;
  }
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

/** Splits examples into batches of `size` (the last may be smaller). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
