// A minimal host tensor: a typed array in row-major order plus its shape. Shared by the CPU
// reference, safetensors I/O and the WebGPU runtime's upload/readback, so it stays dependency-free.

export type TensorDType = 'f64' | 'f32' | 'i32';
export type TensorData = Float64Array | Float32Array | Int32Array;

export interface Tensor {
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isFloat(t: Tensor): boolean {
  return t.dtype !== 'i32';
}

export function tensor(dtype: TensorDType, shape: readonly number[], data?: TensorData | readonly number[]): Tensor {
  const n = sizeOf(shape);
  const Ctor = dtype === 'f64' ? Float64Array : dtype === 'f32' ? Float32Array : Int32Array;
  const out = data === undefined ? new Ctor(n) : Ctor.from(data as ArrayLike<number>);
  if (out.length !== n) throw new Error(`tensor: ${out.length} elements do not fill shape [${shape.join(', ')}]`);
  return { dtype, shape: [...shape], data: out };
}

/** A float64 copy of a float tensor (the CPU reference computes in float64). */
export function toF64(t: Tensor): Tensor {
  return { dtype: 'f64', shape: [...t.shape], data: Float64Array.from(t.data) };
}

/** The same values rounded to float32 (what a GPU stores). */
export function toF32(t: Tensor): Tensor {
  return { dtype: 'f32', shape: [...t.shape], data: Float32Array.from(t.data) };
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
