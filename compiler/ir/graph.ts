// The tensor IR: one flat, topologically ordered list of ops over tensors with symbolic shapes.
// Ops are coarse (a matmul with its epilogue, a whole recurrent sequence, a fused loss) because each
// maps to one kernel family; autodiff appends the backward ops by per-op rules (compiler/autodiff/).
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { Span } from '../check/model.ts';
import type { AttentionOp } from './attention-ops.ts';
import type { ConvLstmGradOp, ConvLstmOp, ConvOp, PoolOp } from './conv-ops.ts';
import type { AttnDecoderGradOp, AttnDecoderOp, ShiftTokensOp } from './decoder-ops.ts';
import type { BinaryGradOp, BinaryOp, Copy2dOp, FillOp, LayerNormOp, ReduceOp } from './tensor-ops.ts';

export type TensorId = number;

/**
 * Where a tensor lives: a parameter or its gradient (fixed element offset in the params/grads buffers),
 * or an arena tensor (f32 `arena`, i32 `ints`) whose offset the runtime chooses and passes in the Run uniform.
 */
export type Storage =
  | { readonly kind: 'param' | 'grad'; readonly offset: number }
  | { readonly kind: 'arena' | 'ints' };

export interface Tensor {
  readonly id: TensorId;
  readonly name: string;
  readonly shape: readonly SizeExpr[];
  readonly storage: Storage;
  /** Streaming state: kept between stream_step calls, never shares memory. */
  readonly persistent?: boolean;
}

export type Act = 'none' | 'relu' | 'tanh' | 'sigmoid' | 'gelu' | 'exp' | 'log' | 'neg';
/** Activations whose derivative needs the input rather than the output. */
export const GRAD_FROM_INPUT: ReadonlySet<Act> = new Set<Act>(['gelu', 'log']);
export type Cell = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
export type Phase = 'forward' | 'backward' | 'update' | 'stream';

/** Y[M,N] (=|+=) act(opA(A)[M,K] · opB(B)[K,N] + bias[N]). opB(B) = Bᵀ when transB (B stored [N,K], a weight). */
export interface MatmulOp {
  readonly kind: 'matmul';
  readonly a: TensorId; readonly b: TensorId; readonly bias?: TensorId; readonly y: TensorId;
  readonly m: SizeExpr; readonly n: SizeExpr; readonly k: SizeExpr;
  readonly transA: boolean; readonly transB: boolean; readonly act: Act; readonly accumulate: boolean;
  /** Element strides and offsets for batched views (e.g. one direction's slice); 0 = dense default. */
  readonly aOffset?: SizeExpr; readonly bOffset?: SizeExpr; readonly yOffset?: SizeExpr;
  readonly lda?: SizeExpr; readonly ldy?: SizeExpr;
  /**
   * Weight-gradient form only: also write the bias gradient, biasGrad[r] (=|+=) Σ_k opA(A)[r, k], summed
   * in the same loop over k as the product, so the bias costs no dispatch of its own.
   */
  readonly biasGrad?: TensorId; readonly biasAccumulate?: boolean;
}

/** y[yOffset + c·rows + r] = x[r·cols + c]: a [rows, cols] parameter transposed into an arena tensor. */
export interface TransposeOp {
  readonly kind: 'transpose'; readonly x: TensorId; readonly y: TensorId;
  readonly rows: number; readonly cols: number; readonly yOffset: number;
}

/** Column sums: y[n] (=|+=) Σ_m x[m, n] (bias gradients). */
export interface ColSumOp {
  readonly kind: 'colsum'; readonly x: TensorId; readonly y: TensorId;
  readonly m: SizeExpr; readonly n: SizeExpr; readonly ld: SizeExpr; readonly xOffset: SizeExpr; readonly accumulate: boolean;
}

/** One dispatch per time step, or one for the whole sequence with the state in workgroup memory. */
export type RecurrentSchedule = 'per_step' | 'persistent';

/** How a recurrence runs, chosen once per op by compiler/schedule/recurrent.ts and recorded in the bundle. */
export interface RecurrentScheduleChoice {
  readonly schedule: RecurrentSchedule;
  /** Sequences a persistent workgroup carries: backward, and forward (whose workgroup memory holds less). */
  readonly slice: number; readonly forwardSlice: number;
  readonly reason: string;
}

/**
 * A whole recurrent layer (one or two directions) over time, given the input projections of every step
 * (`xproj` [D, B, T, G·H], input bias added; the recurrent bias `bhh` is added here because GRU's n gate
 * needs it apart). Writes y [B, T, D·H] (zeros at padded steps), and for the backward pass the state each
 * step started from (`hprev` [D, B, T, H]), the gate activations (`gates`) and cell states (`cells`, LSTM).
 */
export interface RecurrentSeqOp {
  readonly kind: 'recurrent_seq';
  readonly cell: Cell; readonly hidden: number; readonly dirs: 1 | 2;
  /** Absent once fuse-input-projection has moved the projection into the kernel (`input`). */
  readonly xproj?: TensorId; readonly whh: readonly TensorId[]; readonly bhh: readonly TensorId[];
  readonly lengths?: TensorId; readonly h0?: TensorId; readonly c0?: TensorId; readonly stateIndex: number; readonly stateCount: number;
  readonly y: TensorId; readonly hprev: TensorId; readonly gates: TensorId; readonly cells?: TensorId;
  readonly hN?: TensorId; readonly cN?: TensorId;
  readonly batch: SizeExpr; readonly time: SizeExpr;
  /** After fuse-time-select: also write one step of y, [B, D·H], chosen as a TimeSelectOp chooses it. */
  readonly select?: { readonly which: 'first' | 'last' | 'bidir_last'; readonly y: TensorId };
  /**
   * After fuse-input-projection: the kernel computes the input projections itself, step by step, from
   * the layer input x [B, T, width], the parameters W_ih [G·H, width] and b_ih of each direction (instead
   * of reading xproj).
   */
  readonly input?: { readonly x: TensorId; readonly wih: readonly TensorId[]; readonly bih: readonly TensorId[]; readonly width: number };
  /**
   * Set by the bundle assembler on the copy that programs without a backward pass run (infer,
   * stream_step), persistent schedule only: the kernel leaves out the stores only the backward pass
   * reads (hprev, gates, cells).
   */
  readonly forwardOnly?: boolean;
  /**
   * Set by the bundle assembler on a forward-only copy whose program reads no step of `y` (its one
   * consumer, a last-step selection, was fused into `select`) and has not `y` as an output: the kernel
   * leaves out the stores of y.
   */
  readonly yUnread?: boolean;
  /** Set by the schedule pass (scheduleRecurrences), which runs before any pass or kernel that depends on it. */
  readonly scheduled?: RecurrentScheduleChoice;
  /**
   * Set by fuse-head on a forward-only copy (one direction, `select` set): the dense layer that reads
   * `select.y`, and its softmax, run in this kernel after the last step (passes/fuse-head.ts).
   */
  readonly head?: RecurrentHead;
}

/** A recurrence's fused epilogue: dense.a is the recurrence's select.y; softmax.x (if any) is dense.y. */
export interface RecurrentHead { readonly dense: MatmulOp; readonly softmax?: SoftmaxOp }

/**
 * Backward of RecurrentSeqOp through time. Produces the pre-activation gradients for the input side
 * (`dxproj` [D, B, T, G·H]) and the recurrent side (`dhproj`, differs only for GRU's n gate),
 * and the initial-state gradients.
 */
export interface RecurrentSeqGradOp {
  readonly kind: 'recurrent_seq_grad';
  readonly fwd: RecurrentSeqOp;
  readonly dy?: TensorId; readonly dhN?: TensorId; readonly dcN?: TensorId;
  readonly dxproj: TensorId; readonly dhproj: TensorId; readonly dcCarry?: TensorId;
  readonly dh0?: TensorId; readonly dc0?: TensorId;
  /** The gradient of the fused selected step (fwd.select.y), added to dh at that step. */
  readonly dySelect?: TensorId;
}

/** [B, T, C] → [B, C]: the last valid step (lengths[b]−1) for the first C/dirs columns… see lower/recurrent. */
export interface TimeSelectOp {
  readonly kind: 'time_select'; readonly which: 'first' | 'last' | 'bidir_last';
  readonly x: TensorId; readonly lengths?: TensorId; readonly y: TensorId;
  readonly batch: SizeExpr; readonly time: SizeExpr; readonly width: SizeExpr; readonly dirs: 1 | 2;
  /** Backward: scatter dy into dx (zeros elsewhere) instead of gathering. */
  readonly grad: boolean; readonly accumulate: boolean;
}

/** [B, T, C] → [B, C] mean or max over valid steps (backward when grad). */
export interface TimePoolOp {
  readonly kind: 'time_pool'; readonly mode: 'mean' | 'max';
  readonly x: TensorId; readonly lengths?: TensorId; readonly y: TensorId; readonly dy?: TensorId; readonly dx?: TensorId;
  readonly batch: SizeExpr; readonly time: SizeExpr; readonly width: SizeExpr; readonly accumulate: boolean;
}

/** y[n, :] = W[idx[n], :] (zeros for the padding index); grad: dW[v, :] (=|+=) Σ_{idx[n] = v} dy[n, :]. */
export interface EmbeddingOp {
  readonly kind: 'embedding'; readonly grad: boolean;
  readonly idx: TensorId; readonly table: TensorId; readonly y: TensorId;
  readonly count: SizeExpr; readonly vocab: number; readonly dim: number; readonly paddingIdx: number | null; readonly accumulate: boolean;
}

/** Element-wise map: y = f(x) or the activation's derivative product (dx = dy · f'(…)). */
export interface PointwiseOp {
  readonly kind: 'pointwise';
  readonly fn: 'act' | 'act_grad' | 'copy' | 'scale' | 'dropout' | 'dropout_grad' | 'add' | 'zero';
  readonly act?: Act; readonly scale?: number; readonly p?: number; readonly site?: number;
  readonly x: TensorId; readonly x2?: TensorId; readonly y: TensorId; readonly size: SizeExpr; readonly accumulate: boolean;
}

/**
 * A fused loss over rows: cross-entropy (logits [N, C], ids [N]), mse or bce (pred/target [N, C]),
 * optionally masked by lengths (row n is time step n mod T of sequence ⌊n / T⌋). Forward writes the scalar
 * (mean/sum over valid elements) or per-sequence values; the grad form writes dpred scaled by dloss.
 */
export interface LossOp {
  readonly kind: 'loss'; readonly fn: 'cross_entropy' | 'binary_cross_entropy' | 'mse';
  readonly reduction: 'mean' | 'sum' | 'none'; readonly grad: boolean;
  readonly pred: TensorId; readonly target: TensorId; readonly lengths?: TensorId;
  readonly rows: SizeExpr; readonly cols: SizeExpr; readonly time: SizeExpr | null; readonly batch: SizeExpr;
  readonly y: TensorId; readonly dy?: TensorId;
  /** Grad form, mse/bce: also write d(loss)/d(target) here (float targets are differentiable). */
  readonly dtarget?: TensorId;
  /** Forward form, after fuse-loss: also write d(loss)/d(pred) (the loss being the model's loss). */
  readonly fusedGrad?: TensorId;
}

/** Softmax over the last axis (rows × cols); the grad form computes dx = y ⊙ (dy − Σ dy ⊙ y). */
export interface SoftmaxOp {
  readonly kind: 'softmax'; readonly grad: boolean;
  /** log_softmax: y = x − max − log Σ exp(x − max); grad dx = dy − exp(y) Σ dy. */
  readonly log?: boolean;
  readonly x: TensorId; readonly y: TensorId; readonly dy?: TensorId; readonly dx?: TensorId;
  readonly rows: SizeExpr; readonly cols: SizeExpr; readonly accumulate: boolean;
}

/** [B, W] → [B, T, W] by copying over time; the grad form sums dy over time into dx [B, W]. */
export interface RepeatOp {
  readonly kind: 'repeat'; readonly grad: boolean;
  readonly x: TensorId; readonly y: TensorId; readonly batch: SizeExpr; readonly time: SizeExpr; readonly width: SizeExpr;
  readonly accumulate: boolean;
}

/**
 * Attention pooling over time, after the score projection s = tanh(x Wᵀ + b) (a matmul op):
 *   scores:      e[b,t] = u · s[b,t,:]
 *   pool:        a = softmax over valid t of e; y[b,:] = Σ_t a[b,t] x[b,t,:]; weights = a (zeros at padding)
 *   pool_grad:   de[b,t] = a (dα − Σ a dα) with dα[b,t] = dy[b,:] · x[b,t,:]; dx (=|+=) a ⊗ dy
 *   scores_grad: ds[b,t,:] = de[b,t] u; du (=|+=) Σ_{b,t} de[b,t] s[b,t,:]
 */
export interface AttentionPoolOp {
  readonly kind: 'attention_pool'; readonly stage: 'scores' | 'pool' | 'pool_grad' | 'scores_grad';
  readonly x: TensorId; readonly s: TensorId; readonly u: TensorId; readonly e: TensorId; readonly weights: TensorId;
  readonly lengths?: TensorId; readonly y: TensorId; readonly dy?: TensorId; readonly de?: TensorId;
  readonly dx?: TensorId; readonly ds?: TensorId; readonly du?: TensorId;
  readonly batch: SizeExpr; readonly time: SizeExpr; readonly width: SizeExpr; readonly units: number;
  readonly accumulate: boolean; readonly accumulateU?: boolean;
}

/** The optimizer: global gradient norm partials, then the fused clip + weight decay + update of all params. */
export interface OptimizerOp {
  readonly kind: 'optimizer'; readonly stage: 'norm' | 'update'; readonly count: number;
}

export type Op =
  | MatmulOp | TransposeOp | ColSumOp | RecurrentSeqOp | RecurrentSeqGradOp | TimeSelectOp | TimePoolOp | EmbeddingOp
  | PointwiseOp | LossOp | SoftmaxOp | RepeatOp | AttentionPoolOp | OptimizerOp
  | ConvOp | PoolOp | ConvLstmOp | ConvLstmGradOp | Copy2dOp | BinaryOp | BinaryGradOp | FillOp | ReduceOp | LayerNormOp
  | AttentionOp | ShiftTokensOp | AttnDecoderOp | AttnDecoderGradOp;

export interface OpNode { readonly op: Op; readonly phase: Phase; readonly span: Span; readonly label: string }

export interface Graph {
  readonly tensors: readonly Tensor[];
  readonly ops: readonly OpNode[];
}
