// IR ops of the attentive seq2seq decoder (model.ts AttnDecoderNode). Each op is one looped sequence
// of dispatches, a few kernels per time step (loop body > 1), so the per-step dependencies (attention
// needs the whole previous state, the cell the whole context) are dispatch boundaries, not barriers.
// The embedding of the fed tokens, the key projection and the output projection of teacher forcing are
// ordinary ops around the loop (their gradients come from their own rules).
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { TensorId } from './graph.ts';

/** y[b, t] = first at t = 0, else x[b, t − 1] (the tokens a teacher-forced decoder is fed). */
export interface ShiftTokensOp {
  readonly kind: 'shift_tokens'; readonly x: TensorId; readonly y: TensorId;
  readonly batch: SizeExpr; readonly time: SizeExpr; readonly first: number;
}

/**
 * One decoder pass over `steps` steps. Per step t, with h_{t−1} (h0 or zeros at t = 0):
 *   additive: queryProj[b,t] = W_q h_{t−1} + b_q;  scores_j = u · tanh(queryProj + keyProj_j)
 *   dot:      scores_j = scale · h_{t−1} · memory_j
 *   context:  ctx[b,t] = Σ_j softmax_j(scores) memory_j over j < lengths[b]; stats[b,t] = (max, Σ exp)
 *   cell:     h_t = cell([e_t; ctx_t], h_{t−1}) (nn.GRUCell / nn.LSTMCell math), hc[b,t] = [h_t; ctx_t]
 * train: e_t = embedded[b,t]; saves hprevs (h_{t−1}), gates (GRU: r, z, n, W_hn h + b_hn; LSTM: i, f, g, o), cells.
 * greedy: e_t = emb[token fed at t] (sos, then the previous argmax), then per step the logits W_o hc + b_o and
 *   their argmax (first on ties) into tokens[b, t]; once a row has produced eos its later tokens are eos.
 */
export interface AttnDecoderOp {
  readonly kind: 'attn_decoder'; readonly stage: 'train' | 'greedy';
  readonly cell: 'gru' | 'lstm'; readonly hidden: number; readonly embedDim: number; readonly vocab: number;
  readonly memWidth: number; readonly units: number; readonly score: 'additive' | 'dot'; readonly scale: number;
  readonly sos: number; readonly eos: number;
  readonly batch: SizeExpr; readonly steps: SizeExpr; readonly memTime: SizeExpr;
  readonly wIh: TensorId; readonly wHh: TensorId; readonly bIh: TensorId; readonly bHh: TensorId;
  readonly wQuery?: TensorId; readonly bQuery?: TensorId; readonly u?: TensorId;
  readonly memory: TensorId; readonly keyProj?: TensorId; readonly lengths?: TensorId; readonly h0?: TensorId;
  readonly embedded?: TensorId; readonly embTable?: TensorId; readonly wOut?: TensorId; readonly bOut?: TensorId;
  readonly hc: TensorId; readonly ctx: TensorId; readonly stats: TensorId; readonly scores: TensorId;
  readonly queryProj?: TensorId; readonly hprevs?: TensorId; readonly gates?: TensorId; readonly cells?: TensorId;
  readonly tokens?: TensorId; readonly stepLogits?: TensorId;
}

/**
 * Backward of a teacher-forced AttnDecoderOp through time (latest step first). Per step: the cell's gate
 * gradients (dgi, and dgh where GRU's n gate differs; dh from dhc, the next step's recurrent and query
 * paths), d[e; ctx] = W_ihᵀ dgi (dembedded rows, dctx), then attention by recomputation from stats: ds,
 * and the memory, key-projection and score-vector gradients summed over steps; then d(query) for h_{t−1}.
 * After the loop: dh0. Weight gradients are matmuls over all steps, added by the rule.
 */
export interface AttnDecoderGradOp {
  readonly kind: 'attn_decoder_grad'; readonly fwd: AttnDecoderOp;
  readonly dhc: TensorId; readonly dembedded: TensorId; readonly dmemory: TensorId; readonly dkeyProj?: TensorId;
  readonly duPart?: TensorId; readonly dgi: TensorId; readonly dgh: TensorId; readonly dqp?: TensorId;
  readonly carry: TensorId; readonly dctx: TensorId; readonly dq: TensorId; readonly ds: TensorId; readonly dh0?: TensorId;
  readonly accumulateEmbedded: boolean; readonly accumulateMemory: boolean; readonly accumulateKeyProj: boolean;
  readonly accumulateH0: boolean;
}
