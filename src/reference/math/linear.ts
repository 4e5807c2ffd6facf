// Dense linear algebra on row-major Float64Arrays, written as plain loops: the reference is read
// more often than it is run. W is [rows, cols]; vectors are passed with an offset so that callers
// can work on rows of a larger tensor without copying.

/** out[oo + r] += Σ_c W[r, c] · x[xo + c] */
export function matVecAdd(w: Float64Array, rows: number, cols: number, x: Float64Array, xo: number, out: Float64Array, oo: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) s += w[base + c]! * x[xo + c]!;
    out[oo + r]! += s;
  }
}

/** out[oo + c] += Σ_r W[r, c] · v[vo + r]   (Wᵀv: the input gradient of a linear map) */
export function matTVecAdd(w: Float64Array, rows: number, cols: number, v: Float64Array, vo: number, out: Float64Array, oo: number): void {
  for (let r = 0; r < rows; r++) {
    const a = v[vo + r]!;
    if (a === 0) continue;
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[oo + c]! += w[base + c]! * a;
  }
}

/** G[r, c] += u[uo + r] · x[xo + c]   (the weight gradient of a linear map) */
export function outerAdd(g: Float64Array, rows: number, cols: number, u: Float64Array, uo: number, x: Float64Array, xo: number): void {
  for (let r = 0; r < rows; r++) {
    const a = u[uo + r]!;
    if (a === 0) continue;
    const base = r * cols;
    for (let c = 0; c < cols; c++) g[base + c]! += a * x[xo + c]!;
  }
}

/** out[oo + i] += v[vo + i] for i < n */
export function addInto(out: Float64Array, oo: number, v: Float64Array, vo: number, n: number): void {
  for (let i = 0; i < n; i++) out[oo + i]! += v[vo + i]!;
}

export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
}
