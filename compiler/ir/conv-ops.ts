// IR ops of the convolutional front ends: one convolution family (conv1d, conv2d and ConvLSTM's
// input and recurrent convolutions) and pooling. Both work on frames, so leading axes are mapped.
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { Act, TensorId } from './graph.ts';

/**
 * Where a convolution's tensors sit: `nchw` frames [N, C, H, W] (conv2d, channels first) or `nwc`
 * frames [N, W, C] (conv1d over time, channels last; H = 1, kh = 1). Output sizes are given, not derived.
 */
export interface ConvGeom {
  readonly layout: 'nchw' | 'nwc';
  readonly frames: SizeExpr;
  readonly cin: number; readonly cout: number;
  readonly height: SizeExpr; readonly width: SizeExpr; readonly outHeight: SizeExpr; readonly outWidth: SizeExpr;
  readonly kh: number; readonly kw: number; readonly stride: number; readonly padH: number; readonly padW: number;
  /** The weight is [cout, wcin, kh, kw]; x's channels are its input channels wcOffset … wcOffset + cin − 1. */
  readonly wcin: number; readonly wcOffset: number;
}

/**
 * Cross-correlation, implicit GEMM (no im2col buffer):
 *   forward: y[n, f, i, j] = act(bias[f] + Σ_{c,p,q} wt[f, wcOffset + c, p, q] · x[n, c, i·s + p − padH, j·s + q − padW])
 *   dx:      dx (=|+=) the transposed convolution of dy with the same weight view
 *   dw:      dwt[f, wcOffset + c, p, q] (=|+=) Σ_{n,i,j} dy[n, f, i, j] · X[n, c, …], X = x then x2 (cin2 more
 *            channels, in the same frames: ConvLSTM's h part); dbias[f] (=|+=) Σ_{n,i,j} dy[n, f, i, j]
 * Zero padding outside the input.
 */
export interface ConvOp extends ConvGeom {
  readonly kind: 'conv'; readonly stage: 'forward' | 'dx' | 'dw';
  readonly x: TensorId; readonly wt: TensorId; readonly bias?: TensorId; readonly y: TensorId; readonly act: Act;
  readonly x2?: TensorId; readonly cin2?: number;
  readonly dy?: TensorId; readonly dx?: TensorId; readonly dwt?: TensorId; readonly dbias?: TensorId;
  readonly accumulate: boolean; readonly accumulateBias?: boolean;
}

/** Max or average pooling without padding, same layouts as ConvGeom (nchw: each channel plane on its own). */
export interface PoolOp {
  readonly kind: 'pool'; readonly mode: 'max' | 'avg'; readonly grad: boolean;
  readonly layout: 'nchw' | 'nwc'; readonly frames: SizeExpr; readonly channels: number;
  readonly height: SizeExpr; readonly width: SizeExpr; readonly outHeight: SizeExpr; readonly outWidth: SizeExpr;
  readonly kh: number; readonly kw: number; readonly stride: number;
  /** Backward: dx (=|+=) the window gradients of dy (max: to the first maximal element, as the reference). */
  readonly x: TensorId; readonly y: TensorId; readonly dy?: TensorId; readonly dx?: TensorId; readonly accumulate: boolean;
}

/**
 * ConvLSTM recurrence over time, given the input convolution of every step (`xg` [B, T, 4F, H, W], bias
 * added). Per step: gates = xg + conv(h_{t−1}, wt[:, C:]), i f g o, c = f·c + i·g, h = o·tanh(c).
 * Writes hs [B, T, F, H, W] (zeros at padded steps), and for the backward pass hprev (the state each
 * step started from), the activated gates (may be xg itself, updated in place) and the cell states;
 * hN/cN after step lengths[b] − 1.
 */
export interface ConvLstmOp {
  readonly kind: 'conv_lstm';
  /** The input [B, T, C, H, W] and bias behind xg, for the backward pass's weight and input gradients. */
  readonly x: TensorId; readonly bias: TensorId;
  readonly xg: TensorId; readonly wt: TensorId; readonly lengths?: TensorId; readonly h0?: TensorId; readonly c0?: TensorId;
  readonly hs: TensorId; readonly hprev: TensorId; readonly gates: TensorId; readonly cells: TensorId;
  readonly hN?: TensorId; readonly cN?: TensorId;
  readonly batch: SizeExpr; readonly time: SizeExpr; readonly channels: number; readonly filters: number;
  readonly height: SizeExpr; readonly width: SizeExpr; readonly k: number;
  /** Set on the copy that programs without a backward pass run (bundle/assemble.ts): it stores neither
   *  hprev nor the activated gates, which only the backward pass reads. */
  readonly forwardOnly?: boolean;
}

/**
 * Backward of ConvLstmOp through time (one looped dispatch, latest step first): the pre-activation gate
 * gradients `dgates` [B, T, 4F, H, W] (zeros at padded steps), with dh from dhs, dhN and the transposed
 * recurrent convolution of the next step's dgates, and dc carried in `dcCarry` [B, F, H, W].
 */
export interface ConvLstmGradOp {
  readonly kind: 'conv_lstm_grad'; readonly fwd: ConvLstmOp;
  readonly dhs?: TensorId; readonly dhN?: TensorId; readonly dcN?: TensorId;
  readonly dgates: TensorId; readonly dcCarry: TensorId;
}
