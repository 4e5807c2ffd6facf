// Shapes with symbolic dimensions: printing, comparing, broadcasting.
import type { Dim, Shape, TensorType } from './model.ts';

export const showShape = (s: Shape): string => `[${s.join(', ')}]`;
export const showType = (t: TensorType): string => `${t.dtype}${showShape(t.shape)}`;

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** NumPy broadcasting, trailing axes aligned; a constant 1 stretches to any size. Undefined if incompatible. */
export function broadcastShapes(a: Shape, b: Shape): Dim[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return undefined;
  }
  return out;
}

export const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** Output length of a convolution or pooling window along one axis. */
export const windowOut = (n: number, kernel: number, stride: number, pad: number): number =>
  Math.floor((n + 2 * pad - kernel) / stride) + 1;

/** Normalise a possibly negative axis; undefined if out of range. */
export function normaliseAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}
