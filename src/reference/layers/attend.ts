// One query attending over one sequence of keys and values; shared by attention and attn_decoder.
//   additive:   s_j = v · tanh(W_q q + W_k k_j + b)
//   dot:        s_j = q · k_j
//   scaled_dot: s_j = q · k_j / sqrt(Dk)
//   a = softmax over the valid keys j < len (a_j = 0 beyond), context = Σ_j a_j·v_j
import { dot, matTVecAdd, matVecAdd, outerAdd } from '../math/linear.ts';

export type Score = 'additive' | 'dot' | 'scaled_dot';

/** Additive scoring parameters: wq [A, Dq], wk [A, Dk], b [A], v [A]. */
export interface AdditiveParams { readonly units: number; readonly wq: Float64Array; readonly wk: Float64Array; readonly b: Float64Array; readonly v: Float64Array }

/** The keys and values of one sequence: k [Tk, Dk], v [Tk, Dv], `len` of them valid. */
export interface Memory {
  readonly score: Score;
  readonly params?: AdditiveParams;
  readonly dq: number; readonly dk: number; readonly dv: number;
  readonly len: number; readonly keys: Float64Array; readonly values: Float64Array;
  /** additive: W_k k_j for every key, [Tk, A], computed once per sequence. */
  readonly keyProj: Float64Array;
}

export interface Attended { readonly context: Float64Array; readonly weights: Float64Array; readonly hidden: Float64Array }

/** Gradient accumulators for one sequence; keyProj is folded into keys and wk by finishMemoryBackward. */
export interface MemoryGrads {
  readonly keys: Float64Array; readonly values: Float64Array; readonly keyProj: Float64Array;
  readonly wq: Float64Array; readonly wk: Float64Array; readonly b: Float64Array; readonly v: Float64Array;
}

export function makeMemory(score: Score, params: AdditiveParams | undefined, dims: { dq: number; dk: number; dv: number },
  len: number, keys: Float64Array, values: Float64Array): Memory {
  const tk = keys.length / dims.dk;
  const a = params?.units ?? 0;
  const keyProj = new Float64Array(tk * a);
  if (params) for (let j = 0; j < len; j++) matVecAdd(params.wk, a, dims.dk, keys, j * dims.dk, keyProj, j * a);
  return { score, params, ...dims, len, keys, values, keyProj };
}

export function memoryGrads(m: Memory): MemoryGrads {
  const p = m.params;
  return {
    keys: new Float64Array(m.keys.length), values: new Float64Array(m.values.length), keyProj: new Float64Array(m.keyProj.length),
    wq: new Float64Array(p?.wq.length ?? 0), wk: new Float64Array(p?.wk.length ?? 0),
    b: new Float64Array(p?.b.length ?? 0), v: new Float64Array(p?.v.length ?? 0),
  };
}

export function attend(m: Memory, q: Float64Array): Attended {
  const tk = m.keys.length / m.dk;
  const a = m.params?.units ?? 0;
  const scores = new Float64Array(m.len);
  const hidden = new Float64Array(m.len * a);      // additive: tanh(W_q q + W_k k_j + b)
  if (m.params) {
    const p = m.params;
    const qp = Float64Array.from(p.b);
    matVecAdd(p.wq, a, m.dq, q, 0, qp, 0);
    for (let j = 0; j < m.len; j++) {
      for (let u = 0; u < a; u++) hidden[j * a + u] = Math.tanh(qp[u]! + m.keyProj[j * a + u]!);
      scores[j] = dot(p.v, 0, hidden, j * a, a);
    }
  } else {
    const scale = m.score === 'scaled_dot' ? 1 / Math.sqrt(m.dk) : 1;
    for (let j = 0; j < m.len; j++) scores[j] = scale * dot(q, 0, m.keys, j * m.dk, m.dk);
  }
  let max = -Infinity;
  for (let j = 0; j < m.len; j++) max = Math.max(max, scores[j]!);
  let sum = 0;
  for (let j = 0; j < m.len; j++) sum += Math.exp(scores[j]! - max);
  const weights = new Float64Array(tk);
  for (let j = 0; j < m.len; j++) weights[j] = Math.exp(scores[j]! - max) / sum;
  const context = new Float64Array(m.dv);
  for (let j = 0; j < m.len; j++) for (let c = 0; c < m.dv; c++) context[c]! += weights[j]! * m.values[j * m.dv + c]!;
  return { context, weights, hidden };
}

/** Accumulates into g and returns dq, for cotangents of the context and (optionally) of the weights. */
export function attendBackward(m: Memory, q: Float64Array, r: Attended, g: MemoryGrads, dContext: Float64Array | undefined,
  dWeights: Float64Array | undefined, dwOffset = 0): Float64Array {
  const a = m.params?.units ?? 0;
  const da = new Float64Array(m.len);
  for (let j = 0; j < m.len; j++) {
    if (dContext) {
      da[j] = dot(dContext, 0, m.values, j * m.dv, m.dv);
      for (let c = 0; c < m.dv; c++) g.values[j * m.dv + c]! += r.weights[j]! * dContext[c]!;
    }
    if (dWeights) da[j]! += dWeights[dwOffset + j]!;
  }
  // Softmax backward: ds_j = a_j·(da_j − Σ_k a_k·da_k).
  let s = 0;
  for (let j = 0; j < m.len; j++) s += r.weights[j]! * da[j]!;
  const dq = new Float64Array(m.dq);
  if (m.params) {
    const p = m.params;
    const dqp = new Float64Array(a);
    for (let j = 0; j < m.len; j++) {
      const ds = r.weights[j]! * (da[j]! - s);
      for (let u = 0; u < a; u++) {
        const hu = r.hidden[j * a + u]!;
        g.v[u]! += ds * hu;
        const dpre = ds * p.v[u]! * (1 - hu * hu);
        dqp[u]! += dpre;
        g.keyProj[j * a + u]! += dpre;
      }
    }
    for (let u = 0; u < a; u++) g.b[u]! += dqp[u]!;
    outerAdd(g.wq, a, m.dq, dqp, 0, q, 0);
    matTVecAdd(p.wq, a, m.dq, dqp, 0, dq, 0);
  } else {
    const scale = m.score === 'scaled_dot' ? 1 / Math.sqrt(m.dk) : 1;
    for (let j = 0; j < m.len; j++) {
      const ds = scale * r.weights[j]! * (da[j]! - s);
      for (let c = 0; c < m.dk; c++) {
        dq[c]! += ds * m.keys[j * m.dk + c]!;
        g.keys[j * m.dk + c]! += ds * q[c]!;
      }
    }
  }
  return dq;
}

/** Fold the key-projection gradient into the keys and W_k (additive scoring), once per sequence. */
export function finishMemoryBackward(m: Memory, g: MemoryGrads): void {
  if (!m.params) return;
  const a = m.params.units;
  for (let j = 0; j < m.len; j++) {
    outerAdd(g.wk, a, m.dk, g.keyProj, j * a, m.keys, j * m.dk);
    matTVecAdd(m.params.wk, a, m.dk, g.keyProj, j * a, g.keys, j * m.dk);
  }
}
