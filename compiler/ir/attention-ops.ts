// The fused attention core: scores, mask, softmax and the weighted sum in one pass per query row with
// an online softmax, so nothing of size Tq·Tk is stored (except the optional `weights` output).
// Projections (additive W_q q + b and W_k k, multi-head in/out projections) are matmul ops around it.
import type { SizeExpr } from '../../runtime/bundle.ts';
import type { TensorId } from './graph.ts';

/**
 * How q, k, v (and their gradients) are read: element (b, t, c) of head h at off + (b·T + t)·ld + h·width + c,
 * so self-attention's q, k and v can be column blocks of one [B, T, 3E] projection.
 */
export interface AttnLayout {
  readonly qOff: number; readonly qLd: number; readonly kOff: number; readonly kLd: number;
  readonly vOff: number; readonly vLd: number;
}

/**
 * Scores of query row i and key j (per head):
 *   dot:      s = scale · q_i · k_j                 (`dk` columns per head)
 *   additive: s = u · tanh(q_i + k_j)               (q, k: the projections W_q q + b and W_k k; `dk` = units)
 * Key j is visible when j < lengths[b] and, if causal, j ≤ i. a = softmax over visible keys,
 * context y_i = Σ_j a_ij v_j (`dv` columns per head), written to y [B, Tq, heads·dv].
 *   forward: y, stats [B, heads, Tq, 2] = (row max m, Σ exp(s − m)), weights [B, Tq, Tk] when asked (heads = 1)
 *   dq:      delta [B, heads, Tq] = Σ_j a_ij dA_ij (= dy_i · y_i, plus dweights), and dquery_i (=|+=) Σ_j ds_ij ∂s_ij/∂q_i,
 *            dA_ij = dy_i · v_j (+ dweights_ij), ds_ij = a_ij (dA_ij − delta_i), a recomputed from stats
 *   dkv:     dkeys_j, dvalues_j (=|+=) sums over the queries that see key j;
 *            additive: duPart [B, Tk, units] = Σ_i ds_ij tanh(q_i + k_j) (summed over rows by a colsum)
 * dquery/dkeys/dvalues use the layout of query/keys/values.
 */
export interface AttentionOp extends AttnLayout {
  readonly kind: 'attention'; readonly stage: 'forward' | 'dq' | 'dkv';
  readonly score: 'dot' | 'additive'; readonly scale: number; readonly heads: number; readonly causal: boolean;
  readonly query: TensorId; readonly keys: TensorId; readonly values: TensorId; readonly u?: TensorId;
  readonly dk: number; readonly dv: number;
  readonly lengths?: TensorId; readonly batch: SizeExpr; readonly tq: SizeExpr; readonly tk: SizeExpr;
  readonly y: TensorId; readonly stats: TensorId; readonly weights?: TensorId;
  readonly dy?: TensorId; readonly dweights?: TensorId; readonly delta?: TensorId;
  readonly dquery?: TensorId; readonly dkeys?: TensorId; readonly dvalues?: TensorId; readonly duPart?: TensorId;
  readonly accumulateQ?: boolean; readonly accumulateK?: boolean; readonly accumulateV?: boolean;
}
