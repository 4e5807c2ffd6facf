// The checked model graph: what the checker produces and every back end consumes
// (the CPU reference in src/reference/, the compiler's lowering in compiler/lower/).
// Plain data, JSON-serialisable, no methods: a model is a flat list of values and a
// topologically ordered list of nodes that read and write them (esbuild-style flat tables).

/** Byte offsets into the source text, end exclusive. Every node keeps the span it came from. */
export interface Span { readonly start: number; readonly end: number }

/** A dimension: a constant size, or a symbolic name (batch, time, ...) bound at run time. */
export type Dim = number | string;
export type Shape = readonly Dim[];
export type DType = 'f32' | 'i32';
export interface TensorType { readonly dtype: DType; readonly shape: Shape }

export type ValueId = number;

/** One tensor of the graph: an input, or an output of exactly one node. */
export interface Value {
  readonly id: ValueId;
  readonly type: TensorType;
  /** The name the model file binds it to, if any (inputs, `h = ...`, destructured outputs). */
  readonly name?: string;
  readonly span: Span;
}

/**
 * What an integer input holds, inferred from its uses, so that random inputs can be drawn
 * within range and runtime inputs can be validated: class ids below `classes`, token ids below
 * `vocab`, or per-sequence lengths in 1..size of `dim` (the time dimension they mask).
 */
export type InputRole =
  | { readonly kind: 'float' }
  | { readonly kind: 'index'; readonly bound: number }
  | { readonly kind: 'lengths'; readonly dim: Dim };

export interface InputDecl {
  readonly name: string;
  readonly value: ValueId;
  readonly role: InputRole;
  readonly span: Span;
}

export type Init =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly bound: number }          // U(-bound, bound)
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'xavier_uniform' }                            // Glorot: U(±sqrt(6/(fan_in+fan_out)))
  | { readonly kind: 'orthogonal' }                                // QR of a Gaussian matrix, sign-corrected
  /** A bias vector whose LSTM forget-gate slice [H, 2H) is `value` and the rest zeros. */
  | { readonly kind: 'forget_bias'; readonly value: number; readonly hidden: number };

/** A trainable parameter, named `<layer>.<PyTorch name>` (e.g. `enc.weight_ih_l0`), PyTorch's shape. */
export interface ParamDecl {
  readonly name: string;
  readonly layer: string;
  readonly shape: readonly number[];
  readonly init: Init;
  readonly span: Span;
}

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'gelu' | 'softmax' | 'log_softmax' | 'exp' | 'log' | 'neg';

/** Fields every node has. `layer` names the declared layer for parametric nodes. */
interface NodeBase { readonly id: number; readonly span: Span; readonly layer?: string }

/**
 * Simple RNN / LSTM / GRU, PyTorch math, gate order and parameter names:
 *   `<layer>.weight_ih_l{k}[_reverse]` [G·H, in], `weight_hh_l{k}[_reverse]` [G·H, H], `bias_ih_…`, `bias_hh_…` [G·H],
 *   G = 1 (rnn), 4 (lstm: i, f, g, o), 3 (gru: r, z, n).
 * x: [B, T, I]. With `lengths`, steps t ≥ lengths[b] are padding: outputs there are 0, the final state is
 * the state after step lengths[b]-1, and the reverse direction starts at lengths[b]-1 (packed-sequence semantics).
 * y: [B, T, D·H] (returnSequences) or [B, D·H] (last valid step; for the reverse direction its step 0 output).
 * hN, cN: [L·D, B, H], as PyTorch. h0, c0 likewise.
 */
export interface RecurrentNode extends NodeBase {
  readonly op: 'recurrent';
  readonly cell: 'rnn' | 'lstm' | 'gru';
  readonly nonlinearity: 'tanh' | 'relu';       // rnn only; 'tanh' for lstm/gru
  readonly hidden: number;
  readonly layers: number;
  readonly bidirectional: boolean;
  readonly dropout: number;                       // between stacked layers, training only
  readonly returnSequences: boolean;
  readonly x: ValueId; readonly lengths?: ValueId; readonly h0?: ValueId; readonly c0?: ValueId;
  readonly y: ValueId; readonly hN?: ValueId; readonly cN?: ValueId;
}

/**
 * ConvLSTM (Shi et al. 2015, without peepholes): gates = conv2d(concat(x_t, h_{t-1}), W) + b,
 * W: `<layer>.weight` [4F, C+F, k, k], `<layer>.bias` [4F], gate order i, f, g, o, same padding.
 * x: [B, T, C, H, W]; y: [B, T, F, H, W] or [B, F, H, W]; hN, cN: [B, F, H, W].
 */
export interface ConvLstmNode extends NodeBase {
  readonly op: 'conv_lstm';
  readonly filters: number; readonly kernel: number; readonly returnSequences: boolean;
  readonly x: ValueId; readonly lengths?: ValueId;
  readonly y: ValueId; readonly hN?: ValueId; readonly cN?: ValueId;
}

/** `<layer>.weight` [vocab, dim]; rows equal to paddingIdx output zeros and get no gradient. */
export interface EmbeddingNode extends NodeBase {
  readonly op: 'embedding';
  readonly vocab: number; readonly dim: number; readonly paddingIdx?: number;
  readonly x: ValueId; readonly y: ValueId;
}

/** y = act(x W^T + b) over the last axis; leading axes are mapped (time-distributed). */
export interface DenseNode extends NodeBase {
  readonly op: 'dense';
  readonly units: number; readonly bias: boolean; readonly activation?: Activation;
  readonly x: ValueId; readonly y: ValueId;
}

/**
 * conv1d: over the time axis of [B, T, C] (channels last), weight [F, C, k], bias [F] → [B, T', F].
 * conv2d: over [..., C, H, W] (channels first, leading axes mapped: per frame), weight [F, C, k, k] → [..., F, H', W'].
 * T' (or H', W') = floor((n + 2·pad − k) / stride) + 1, pad = (k−1)/2 for 'same' (stride 1), 0 for 'valid'.
 */
export interface ConvNode extends NodeBase {
  readonly op: 'conv1d' | 'conv2d';
  readonly filters: number; readonly kernel: number; readonly stride: number;
  readonly padding: 'same' | 'valid'; readonly bias: boolean; readonly activation?: Activation;
  readonly x: ValueId; readonly y: ValueId;
}

/** max/avg pooling, same axes as ConvNode, no padding. */
export interface PoolNode extends NodeBase {
  readonly op: 'pool1d' | 'pool2d';
  readonly mode: 'max' | 'avg'; readonly kernel: number; readonly stride: number;
  readonly x: ValueId; readonly y: ValueId;
}

/** Merge the last `axes` axes into one ([..., C, H, W] → [..., C·H·W] for axes = 3). */
export interface FlattenNode extends NodeBase { readonly op: 'flatten'; readonly axes: number; readonly x: ValueId; readonly y: ValueId }

/** Over the last axis; `<layer>.weight` [D] (ones), `<layer>.bias` [D] (zeros). */
export interface LayerNormNode extends NodeBase {
  readonly op: 'layer_norm'; readonly eps: number; readonly x: ValueId; readonly y: ValueId;
}

/**
 * Inverted dropout: training keeps an element with probability 1−p and scales it by 1/(1−p); identity at inference.
 * The mask is deterministic so that every back end draws the same one: element i (row-major index) of dropout
 * site s at training step n is kept iff dropoutUniform(seed, s, n, i) ≥ p (runtime/random.ts). The site of a
 * dropout node is 64·node.id; the dropout after layer k of a stacked recurrent node is 64·node.id + k.
 */
export interface DropoutNode extends NodeBase { readonly op: 'dropout'; readonly p: number; readonly x: ValueId; readonly y: ValueId }

/** Element-wise (softmax and log_softmax: over the last axis). */
export interface ActivationNode extends NodeBase { readonly op: 'activation'; readonly fn: Activation; readonly x: ValueId; readonly y: ValueId }

/** Element-wise with NumPy broadcasting (trailing axes aligned). */
export interface BinaryNode extends NodeBase {
  readonly op: 'binary'; readonly fn: 'add' | 'sub' | 'mul' | 'div';
  readonly a: ValueId; readonly b: ValueId; readonly y: ValueId;
}

/** A scalar constant (shape []). */
export interface ConstNode extends NodeBase { readonly op: 'const'; readonly value: number; readonly y: ValueId }

/** sum/mean over one axis (removed) or over all axes (→ shape []). */
export interface ReduceNode extends NodeBase {
  readonly op: 'reduce'; readonly fn: 'sum' | 'mean'; readonly axis: number | 'all';
  readonly x: ValueId; readonly y: ValueId;
}

export interface ConcatNode extends NodeBase { readonly op: 'concat'; readonly axis: number; readonly xs: readonly ValueId[]; readonly y: ValueId }

/** [B, T, ...] → [B, ...]: step 0, or the last valid step (lengths[b]−1, else T−1). */
export interface TimeSelectNode extends NodeBase {
  readonly op: 'time_select'; readonly which: 'first' | 'last';
  readonly x: ValueId; readonly lengths?: ValueId; readonly y: ValueId;
}

/** [B, T, D] → [B, D]: mean or max over the valid steps only. */
export interface TimePoolNode extends NodeBase {
  readonly op: 'time_pool'; readonly mode: 'mean' | 'max';
  readonly x: ValueId; readonly lengths?: ValueId; readonly y: ValueId;
}

/** [B, D] → [B, steps, D] (autoencoder decoders). */
export interface RepeatNode extends NodeBase { readonly op: 'repeat'; readonly steps: Dim; readonly x: ValueId; readonly y: ValueId }

/**
 * Attention of queries [B, Tq, Dq] over keys [B, Tk, Dk] and values [B, Tk, Dv] (values default to keys);
 * keys at steps ≥ lengths[b] are masked out. Scores:
 *   additive:   v · tanh(W_q q + W_k k + b)   params `<layer>.w_query` [A, Dq], `w_key` [A, Dk], `bias` [A], `v` [A]
 *   dot:        q · k                         (Dq = Dk, no params)
 *   scaled_dot: q · k / sqrt(Dk)
 * context: [B, Tq, Dv]; weights: [B, Tq, Tk] (softmax over Tk).
 */
export interface AttentionNode extends NodeBase {
  readonly op: 'attention';
  readonly score: 'additive' | 'dot' | 'scaled_dot'; readonly units?: number;
  readonly query: ValueId; readonly keys: ValueId; readonly values?: ValueId; readonly lengths?: ValueId;
  readonly context: ValueId; readonly weights?: ValueId;
}

/**
 * Multi-head self-attention, PyTorch nn.MultiheadAttention (batch_first) math and names:
 * `<layer>.in_proj_weight` [3E, E], `in_proj_bias` [3E], `out_proj.weight` [E, E], `out_proj.bias` [E].
 * x: [B, T, E] → y: [B, T, E]; optional causal mask and key padding from lengths.
 */
export interface SelfAttentionNode extends NodeBase {
  readonly op: 'self_attention';
  readonly heads: number; readonly causal: boolean;
  readonly x: ValueId; readonly lengths?: ValueId; readonly y: ValueId;
}

/**
 * Attention pooling: s_t = u · tanh(W h_t + b), a = softmax over valid t, y = Σ a_t h_t.
 * `<layer>.weight` [A, D], `<layer>.bias` [A], `<layer>.context` [A]. x: [B, T, D] → y [B, D], weights [B, T].
 */
export interface AttentionPoolNode extends NodeBase {
  readonly op: 'attention_pool'; readonly units: number;
  readonly x: ValueId; readonly lengths?: ValueId; readonly y: ValueId; readonly weights?: ValueId;
}

/**
 * Attentive seq2seq decoder (Bahdanau style). At step t, with previous token y_{t-1} (sos at t = 0):
 *   e_t = E[y_{t-1}];  c_t = attention(h_{t-1}, memory);  h_t = cell([e_t; c_t], h_{t-1});  logits_t = W_o [h_t; c_t] + b_o
 * Training feeds the targets (teacher forcing): `logits` [B, T, V] from `targets` [B, T].
 * Inference decodes greedily from sos for maxLen steps (or until every row has produced eos):
 * `tokens` [B, maxLen], positions after a row's eos hold eos.
 * Params: `<layer>.embedding.weight` [V, Demb]; `<layer>.cell.weight_ih` [G·H, Demb+E], `cell.weight_hh` [G·H, H],
 * `cell.bias_ih`, `cell.bias_hh` [G·H]; attention params as AttentionNode under `<layer>.attention.` (Dq = H, Dk = E);
 * `<layer>.out.weight` [V, H+E], `<layer>.out.bias` [V].
 */
export interface AttnDecoderNode extends NodeBase {
  readonly op: 'attn_decoder';
  readonly cell: 'gru' | 'lstm'; readonly hidden: number; readonly vocab: number; readonly embedDim: number;
  readonly score: 'additive' | 'dot' | 'scaled_dot'; readonly units?: number;
  readonly sos: number; readonly eos: number; readonly maxLen: number;
  readonly memory: ValueId; readonly memoryLengths?: ValueId; readonly targets?: ValueId; readonly h0?: ValueId;
  readonly logits?: ValueId; readonly tokens: ValueId;
}

/**
 * Losses. `reduction` 'mean' gives a scalar (mean over valid elements), 'sum' a scalar sum,
 * 'none' one value per batch element [B] (mean over its valid elements; e.g. a reconstruction error output).
 *   cross_entropy: logits [B, C] + class ids [B], or [B, T, C] + [B, T] with optional lengths
 *   binary_cross_entropy: logits and 0/1 targets of the same shape (computed from logits, stably)
 *   mse: prediction and target of the same shape; with lengths, [B, T, ...] steps ≥ length are excluded
 */
export interface LossNode extends NodeBase {
  readonly op: 'loss';
  readonly fn: 'cross_entropy' | 'binary_cross_entropy' | 'mse';
  readonly reduction: 'mean' | 'sum' | 'none';
  readonly pred: ValueId; readonly target: ValueId; readonly lengths?: ValueId; readonly y: ValueId;
}

export type Node =
  | RecurrentNode | ConvLstmNode | EmbeddingNode | DenseNode | ConvNode | PoolNode | FlattenNode
  | LayerNormNode | DropoutNode | ActivationNode | BinaryNode | ConstNode | ReduceNode | ConcatNode
  | TimeSelectNode | TimePoolNode | RepeatNode | AttentionNode | SelfAttentionNode | AttentionPoolNode
  | AttnDecoderNode | LossNode;
export type OpKind = Node['op'];

export type Optimizer =
  | { readonly kind: 'sgd'; readonly lr: number; readonly momentum: number; readonly nesterov: boolean }
  | { readonly kind: 'adam' | 'adamw'; readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number };

/**
 * lr(step), step counted from 0: linear warmup lr·(step+1)/warmup for step < warmup, then
 * constant: lr; cosine: minLr + (lr−minLr)·(1+cos(π·s/S))/2; linear: lr + (minLr−lr)·s/S,
 * with s = step − warmup, S = max(1, totalSteps − warmup), s clamped to S.
 * totalSteps defaults to epochs × batches per epoch, known when training starts.
 */
export interface Schedule {
  readonly kind: 'constant' | 'cosine' | 'linear';
  readonly warmup: number; readonly minLr: number; readonly totalSteps?: number;
}

export interface Training {
  readonly optimizer: Optimizer;
  readonly schedule: Schedule;
  /** PyTorch semantics: L2 added to the gradient for sgd/adam, decoupled (lr·wd·θ) for adamw. */
  readonly weightDecay: number;
  /** Global-norm clipping before the update, PyTorch clip_grad_norm_: g ← g·min(1, clip/(‖g‖+1e-6)). */
  readonly clipNorm?: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
}

export interface CheckedModel {
  readonly name: string;
  readonly span: Span;
  /** Symbolic dimension names, in order of first appearance. */
  readonly dims: readonly string[];
  readonly values: readonly Value[];          // indexed by ValueId
  readonly inputs: readonly InputDecl[];
  readonly params: readonly ParamDecl[];
  readonly nodes: readonly Node[];            // topological order
  readonly outputs: readonly { readonly name: string; readonly value: ValueId; readonly span: Span }[];
  /** A scalar f32 value, when the model declares a loss. */
  readonly loss?: ValueId;
  readonly training?: Training;
}

export interface CheckedFile {
  readonly file: string;
  readonly source: string;
  readonly models: readonly CheckedModel[];
}
