// Small tensor IR ops: strided copies (concat and its gradient), broadcasting binary arithmetic,
// constants, reductions over one axis, and layer normalisation.
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { TensorId } from './graph.ts';

/** y[yOffset + r·yld + c] (=|+=) x[xOffset + r·xld + c] for r < rows, c < cols (a block of columns). */
export interface Copy2dOp {
  readonly kind: 'copy2d';
  readonly x: TensorId; readonly y: TensorId; readonly rows: SizeExpr; readonly cols: SizeExpr;
  readonly xld: SizeExpr; readonly xOffset: SizeExpr; readonly yld: SizeExpr; readonly yOffset: SizeExpr;
  readonly accumulate: boolean;
}

export type BinaryFn = 'add' | 'sub' | 'mul' | 'div';

/**
 * y = a fn b with NumPy broadcasting. `shape` is y's; aShape and bShape are the operands' shapes padded
 * with leading 1s to y's rank (an axis of size 1 repeats).
 */
export interface BinaryOp {
  readonly kind: 'binary'; readonly fn: BinaryFn;
  readonly a: TensorId; readonly b: TensorId; readonly y: TensorId;
  readonly shape: readonly SizeExpr[]; readonly aShape: readonly SizeExpr[]; readonly bShape: readonly SizeExpr[];
}

/** The gradient of one operand (`wrt`) of a BinaryOp: dy's contributions summed over the axes it was repeated along. */
export interface BinaryGradOp extends Omit<BinaryOp, 'kind' | 'y'> {
  readonly kind: 'binary_grad'; readonly wrt: 'a' | 'b';
  readonly dy: TensorId; readonly dx: TensorId; readonly accumulate: boolean;
}

/** y[i] = value for every element. */
export interface FillOp { readonly kind: 'fill'; readonly y: TensorId; readonly value: number; readonly size: SizeExpr }

/**
 * x viewed as [outer, n, inner]: y[o, i] = scale · Σ_j x[o, j, i] (sum: scale 1, mean: 1/n).
 * grad: x holds dy [outer, inner] and y receives dx [outer, n, inner] (=|+=) scale · dy[o, i].
 */
export interface ReduceOp {
  readonly kind: 'reduce'; readonly grad: boolean;
  readonly x: TensorId; readonly y: TensorId;
  readonly outer: SizeExpr; readonly n: SizeExpr; readonly inner: SizeExpr; readonly scale: number | 'mean';
  readonly accumulate: boolean;
}

/**
 * Layer normalisation over the last axis (rows × cols), nn.LayerNorm with affine weight `gamma`, `beta`:
 *   forward: y = (x − μ)·r·gamma + beta, r = 1/sqrt(σ² + eps); saves stats [rows, 2] = (μ, r)
 *   dx:      dx (=|+=) r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·gamma (one thread per row)
 *   dparams: dgamma (=|+=) Σ_rows dy·x̂, dbeta (=|+=) Σ_rows dy (one thread per column)
 */
export interface LayerNormOp {
  readonly kind: 'layer_norm'; readonly stage: 'forward' | 'dx' | 'dparams';
  readonly x: TensorId; readonly gamma: TensorId; readonly beta: TensorId; readonly y: TensorId; readonly stats: TensorId;
  readonly dy?: TensorId; readonly dx?: TensorId; readonly dgamma?: TensorId; readonly dbeta?: TensorId;
  readonly rows: SizeExpr; readonly cols: number; readonly eps: number;
  readonly accumulate: boolean; readonly accumulateGamma?: boolean; readonly accumulateBeta?: boolean;
}
