// One step of a recurrent cell for one sequence, PyTorch's math and gate order, with its backward.
// Shared by `recurrent` (nn.RNN/LSTM/GRU) and `attn_decoder` (nn.GRUCell/LSTMCell).
//   gi = W_ih x + b_ih, gh = W_hh h + b_hh       (each [G·H])
//   rnn:  h' = act(gi + gh)                                         G = 1
//   lstm: i, f, g, o = σ, σ, tanh, σ of (gi + gh) chunks;  c' = f·c + i·g;  h' = o·tanh(c')    G = 4
//   gru:  r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n);  h' = (1 − z)·n + z·h   G = 3
import { sigmoid } from '../math/activations.ts';
import { matTVecAdd, matVecAdd, outerAdd } from '../math/linear.ts';

export type CellKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

export const GATES: Record<CellKind, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

export interface CellWeights {
  readonly kind: CellKind;
  readonly hidden: number;
  readonly input: number;
  readonly wih: Float64Array; readonly whh: Float64Array; readonly bih: Float64Array; readonly bhh: Float64Array;
}

export interface CellGrads { readonly wih: Float64Array; readonly whh: Float64Array; readonly bih: Float64Array; readonly bhh: Float64Array }

/** What one step keeps for its backward. `c`/`cNext` are empty for rnn and gru. */
export interface CellStep {
  readonly x: Float64Array; readonly h: Float64Array; readonly c: Float64Array;
  readonly hNext: Float64Array; readonly cNext: Float64Array;
  /** Activated gates: rnn [h'], lstm [i, f, g, o], gru [r, z, n]. */
  readonly gates: Float64Array;
  /** gru only: gh_n = (W_hh h + b_hh) n-chunk, the term r multiplies. */
  readonly ghn: Float64Array;
}

export function cellGrads(w: CellWeights): CellGrads {
  return { wih: new Float64Array(w.wih.length), whh: new Float64Array(w.whh.length), bih: new Float64Array(w.bih.length), bhh: new Float64Array(w.bhh.length) };
}

export function cellForward(w: CellWeights, x: Float64Array, h: Float64Array, c: Float64Array): CellStep {
  const H = w.hidden;
  const G = GATES[w.kind] * H;
  const gi = Float64Array.from(w.bih);
  const gh = Float64Array.from(w.bhh);
  matVecAdd(w.wih, G, w.input, x, 0, gi, 0);
  matVecAdd(w.whh, G, H, h, 0, gh, 0);
  const gates = new Float64Array(G);
  const hNext = new Float64Array(H);
  let cNext = new Float64Array(0);
  let ghn = new Float64Array(0);
  switch (w.kind) {
    case 'rnn_tanh':
    case 'rnn_relu':
      for (let j = 0; j < H; j++) {
        const a = gi[j]! + gh[j]!;
        hNext[j] = w.kind === 'rnn_tanh' ? Math.tanh(a) : Math.max(a, 0);
        gates[j] = hNext[j]!;
      }
      break;
    case 'lstm':
      cNext = new Float64Array(H);
      for (let j = 0; j < G; j++) {
        const a = gi[j]! + gh[j]!;
        gates[j] = j >= 2 * H && j < 3 * H ? Math.tanh(a) : sigmoid(a);
      }
      for (let j = 0; j < H; j++) {
        cNext[j] = gates[H + j]! * c[j]! + gates[j]! * gates[2 * H + j]!;
        hNext[j] = gates[3 * H + j]! * Math.tanh(cNext[j]!);
      }
      break;
    case 'gru':
      ghn = gh.slice(2 * H, 3 * H);
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gi[j]! + gh[j]!);
        const z = sigmoid(gi[H + j]! + gh[H + j]!);
        const n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
        gates[j] = r;
        gates[H + j] = z;
        gates[2 * H + j] = n;
        hNext[j] = (1 - z) * n + z * h[j]!;
      }
      break;
  }
  return { x, h, c, hNext, cNext, gates, ghn };
}

/**
 * Given dh' and dc' (the cotangents of the step's outputs), accumulate weight gradients into `g` and
 * return dx, dh, dc (the cotangents of the step's inputs).
 */
export function cellBackward(w: CellWeights, g: CellGrads, s: CellStep, dhNext: Float64Array, dcNext: Float64Array)
  : { dx: Float64Array; dh: Float64Array; dc: Float64Array } {
  const H = w.hidden;
  const G = GATES[w.kind] * H;
  const dgi = new Float64Array(G);   // cotangent of gi (= of the pre-activations, for the x path)
  const dgh = new Float64Array(G);   // cotangent of gh (differs from dgi for gru's n gate)
  const dh = new Float64Array(H);
  const dc = new Float64Array(s.c.length);
  const a = s.gates;
  switch (w.kind) {
    case 'rnn_tanh':
    case 'rnn_relu':
      for (let j = 0; j < H; j++) {
        const d = w.kind === 'rnn_tanh' ? dhNext[j]! * (1 - a[j]! * a[j]!) : a[j]! > 0 ? dhNext[j]! : 0;
        dgi[j] = d;
        dgh[j] = d;
      }
      break;
    case 'lstm':
      for (let j = 0; j < H; j++) {
        const [i, f, gg, o] = [a[j]!, a[H + j]!, a[2 * H + j]!, a[3 * H + j]!];
        const tc = Math.tanh(s.cNext[j]!);
        const dct = dcNext[j]! + dhNext[j]! * o * (1 - tc * tc);
        dgi[j] = dct * gg * i * (1 - i);
        dgi[H + j] = dct * s.c[j]! * f * (1 - f);
        dgi[2 * H + j] = dct * i * (1 - gg * gg);
        dgi[3 * H + j] = dhNext[j]! * tc * o * (1 - o);
        dc[j] = dct * f;
      }
      dgh.set(dgi);
      break;
    case 'gru':
      for (let j = 0; j < H; j++) {
        const [r, z, n] = [a[j]!, a[H + j]!, a[2 * H + j]!];
        const d = dhNext[j]!;
        const dan = d * (1 - z) * (1 - n * n);          // through n = tanh(·)
        const dar = dan * s.ghn[j]! * r * (1 - r);      // n's argument has r·gh_n
        const daz = d * (s.h[j]! - n) * z * (1 - z);    // h' = n + z·(h − n)
        dgi[j] = dar; dgh[j] = dar;
        dgi[H + j] = daz; dgh[H + j] = daz;
        dgi[2 * H + j] = dan; dgh[2 * H + j] = dan * r;
        dh[j] = d * z;
      }
      break;
  }
  outerAdd(g.wih, G, w.input, dgi, 0, s.x, 0);
  outerAdd(g.whh, G, H, dgh, 0, s.h, 0);
  for (let j = 0; j < G; j++) {
    g.bih[j]! += dgi[j]!;
    g.bhh[j]! += dgh[j]!;
  }
  const dx = new Float64Array(w.input);
  matTVecAdd(w.wih, G, w.input, dgi, 0, dx, 0);
  matTVecAdd(w.whh, G, H, dgh, 0, dh, 0);
  return { dx, dh, dc };
}
