// Parameter initialisation from ParamDecl.init. Deterministic and independent of parameter order:
// each parameter draws from its own stream, RandomStream.forName(seed, param.name) (runtime/random.ts),
// filled in row-major order. Output is float64; callers round to f32 when they upload.
import type { Init, ParamDecl } from '../compiler/check/model.ts';
import { RandomStream } from './random.ts';

export function initParam(decl: Pick<ParamDecl, 'name' | 'shape' | 'init'>, seed: number): Float64Array {
  const shape = decl.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  const rng = RandomStream.forName(seed, decl.name);
  const init: Init = decl.init;
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = rng.uniformIn(-init.bound, init.bound);
      return out;
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = init.std * rng.normal();
      return out;
    case 'xavier_uniform': {
      const [fanIn, fanOut] = fans(decl.name, shape);
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = rng.uniformIn(-bound, bound);
      return out;
    }
    case 'orthogonal':
      return orthogonal(decl.name, shape, rng);
    case 'forget_bias': {
      const h = init.hidden;
      if (2 * h > n) throw new Error(`init ${decl.name}: forget_bias needs at least ${2 * h} elements, shape has ${n}`);
      for (let i = h; i < 2 * h; i++) out[i] = init.value;
      return out;
    }
  }
}

/** Every parameter of a model, by name. */
export function initParams(decls: readonly Pick<ParamDecl, 'name' | 'shape' | 'init'>[], seed: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const d of decls) out.set(d.name, initParam(d, seed));
  return out;
}

/**
 * torch.nn.init._calculate_fan_in_and_fan_out: for a weight [out, in, k...],
 * fan_in = in·prod(k), fan_out = out·prod(k). PyTorch refuses tensors with fewer than 2 dimensions.
 */
export function fans(name: string, shape: readonly number[]): [number, number] {
  if (shape.length < 2) throw new Error(`init ${name}: xavier_uniform needs at least 2 dimensions, shape is [${shape.join(', ')}]`);
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/**
 * torch.nn.init.orthogonal_ (gain 1): a Gaussian [rows, cols] matrix (cols = numel/rows), transposed
 * when rows < cols, factored A = QR, Q multiplied by sign(diag R), transposed back. The sign correction
 * makes Q the unique factor whose R has a positive diagonal, which is exactly what Gram–Schmidt yields,
 * so modified Gram–Schmidt (run twice per column for float64 orthogonality) gives PyTorch's Q for the same A.
 */
function orthogonal(name: string, shape: readonly number[], rng: RandomStream): Float64Array {
  if (shape.length < 2) throw new Error(`init ${name}: orthogonal needs at least 2 dimensions, shape is [${shape.join(', ')}]`);
  const rows = shape[0]!;
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const tall = rows >= cols;
  const m = tall ? rows : cols;          // the matrix we factor is m × k with m ≥ k
  const k = tall ? cols : rows;
  // Column j of the factored matrix, as a separate vector.
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = tall ? a[i * cols + j]! : a[j * cols + i]!;
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error(`init ${name}: orthogonal draw was rank-deficient`);
    for (let i = 0; i < m; i++) v[i]! /= norm;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < k; j++) {
    const v = q[j]!;
    for (let i = 0; i < m; i++) {
      if (tall) out[i * cols + j] = v[i]!;
      else out[j * cols + i] = v[i]!;
    }
  }
  return out;
}
