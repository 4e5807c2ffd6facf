// NumPy broadcasting: shapes aligned at their trailing axes; an axis of size 1 (or a missing one)
// repeats. The gradient of a broadcast operand is the sum over the positions it was repeated to.

export function broadcastShape(a: readonly number[], b: readonly number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For every element of `out` (row-major), the index of the element of `src` it reads. */
export function broadcastIndex(src: readonly number[], out: readonly number[]): Int32Array {
  const n = out.reduce((p, d) => p * d, 1);
  const idx = new Int32Array(n);
  const rank = out.length;
  // Stride of each output axis in `src`, 0 where src repeats along it.
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = src.length - 1; i >= 0; i--) {
    const axis = rank - src.length + i;
    strides[axis] = src[i] === 1 ? 0 : s;
    s *= src[i]!;
  }
  const coord = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = at;
    for (let axis = rank - 1; axis >= 0; axis--) {
      coord[axis]!++;
      at += strides[axis]!;
      if (coord[axis]! < out[axis]!) break;
      at -= strides[axis]! * coord[axis]!;
      coord[axis] = 0;
    }
  }
  return idx;
}
