// attn_decoder: an attentive seq2seq decoder (Bahdanau style). Per row, at step t with previous token
// p_t (sos at t = 0, then targets[t−1] under teacher forcing, or the previous argmax when greedy):
//   e_t = E[p_t];  c_t = attend(h_{t−1}, memory);  h_t = cell([e_t; c_t], h_{t−1});  logits_t = W_o [h_t; c_t] + b_o
// Parameters: `<layer>.embedding.weight` [V, Demb]; `<layer>.cell.{weight_ih [G·H, Demb+E], weight_hh [G·H, H],
// bias_ih, bias_hh}` (nn.GRUCell / nn.LSTMCell, c0 = 0); `<layer>.attention.*` as the attention node (Dq = H, Dk = E);
// `<layer>.out.weight` [V, H+E], `<layer>.out.bias` [V]. h0: [B, H] (or [1, B, H]), zeros if absent.
//
// `logits` [B, T, V] is teacher-forced from `targets` [B, T] (in training and at inference alike, so a
// validation loss can be computed); without targets it holds the greedy path's logits [B, maxLen, V].
// `tokens` [B, maxLen] is always the greedy decode from sos: argmax (first on ties) fed back, positions
// after a row's eos hold eos, and decoding stops early once every row has produced eos.
import type { AttnDecoderNode } from '../../../compiler/check/model.ts';
import { matTVecAdd, matVecAdd, outerAdd } from '../math/linear.ts';
import { validLengths } from '../lengths.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften, iten, type RTensor } from '../tensor.ts';
import { additiveParams } from './attention.ts';
import { attend, attendBackward, finishMemoryBackward, makeMemory, memoryGrads, type Attended, type Memory } from './attend.ts';
import { cellBackward, cellForward, cellGrads, GATES, type CellStep, type CellWeights } from './cells.ts';

interface Step { readonly prev: number; readonly hPrev: Float64Array; readonly att: Attended; readonly cell: CellStep; readonly hc: Float64Array }

export const attnDecoderOp: OpImpl<AttnDecoderNode> = (node, env) => {
  const mem = env.float(node.memory);
  const [B, Tm, E] = mem.shape as [number, number, number];
  const { hidden: H, vocab: V, embedDim: Demb } = node;
  const layer = layerOf(node);
  const G = GATES[node.cell] * H;
  const emb = env.param(`${layer}.embedding.weight`, [V, Demb]).data;
  const cell: CellWeights = {
    kind: node.cell, hidden: H, input: Demb + E,
    wih: env.param(`${layer}.cell.weight_ih`, [G, Demb + E]).data, whh: env.param(`${layer}.cell.weight_hh`, [G, H]).data,
    bih: env.param(`${layer}.cell.bias_ih`, [G]).data, bhh: env.param(`${layer}.cell.bias_hh`, [G]).data,
  };
  const wo = env.param(`${layer}.out.weight`, [V, H + E]).data;
  const bo = env.param(`${layer}.out.bias`, [V]).data;
  const attPrefix = `${layer}.attention.`;
  if (node.score !== 'additive' && H !== E) throw new Error(`attn_decoder ${layer}: ${node.score} attention needs hidden (${H}) = memory size (${E})`);
  const attParams = node.score === 'additive' ? additiveParams(env, attPrefix, node.units, H, E) : undefined;
  const lengths = validLengths(env, node.memoryLengths, B, Tm, `attn_decoder ${layer}`);
  let h0: Float64Array | undefined;
  if (node.h0 !== undefined) {
    const t = env.float(node.h0);
    if (t.data.length !== B * H) throw new Error(`attn_decoder ${layer}: h0 must be [${B}, ${H}], got [${t.shape.join(', ')}]`);
    h0 = t.data;
  }
  const memories: Memory[] = [];
  for (let b = 0; b < B; b++) {
    const m = mem.data.slice(b * Tm * E, (b + 1) * Tm * E);
    memories.push(makeMemory(node.score, attParams, { dq: H, dk: E, dv: E }, lengths[b]!, m, m));
  }

  const step = (b: number, prev: number, h: Float64Array, c: Float64Array, logits: Float64Array, lo: number): Step => {
    if (prev < 0 || prev >= V) throw new Error(`attn_decoder ${layer}: token ${prev} is outside 0..${V - 1}`);
    const att = attend(memories[b]!, h);
    const x = new Float64Array(Demb + E);
    x.set(emb.subarray(prev * Demb, (prev + 1) * Demb));
    x.set(att.context, Demb);
    const s = cellForward(cell, x, h, c);
    const hc = new Float64Array(H + E);
    hc.set(s.hNext);
    hc.set(att.context, H);
    logits.set(bo, lo);
    matVecAdd(wo, V, H + E, hc, 0, logits, lo);
    return { prev, hPrev: h, att, cell: s, hc };
  };
  const initial = (b: number): [Float64Array, Float64Array] =>
    [h0 ? h0.slice(b * H, (b + 1) * H) : new Float64Array(H), new Float64Array(node.cell === 'lstm' ? H : 0)];

  // Greedy decoding (tokens, and logits when there are no targets).
  const L = node.maxLen;
  const tokens = new Int32Array(B * L).fill(node.eos);
  const greedyLogits = new Float64Array(B * L * V);
  const greedySteps: Step[][] = [];
  {
    const state = [...Array(B).keys()].map(initial);
    const prev = new Int32Array(B).fill(node.sos);
    const done = new Uint8Array(B);
    for (let b = 0; b < B; b++) greedySteps.push([]);
    for (let t = 0; t < L && !done.every((v) => v === 1); t++) {
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const [h, c] = state[b]!;
        const s = step(b, prev[b]!, h, c, greedyLogits, (b * L + t) * V);
        greedySteps[b]!.push(s);
        state[b] = [s.cell.hNext, s.cell.cNext];
        let best = 0;
        for (let v = 1; v < V; v++) if (greedyLogits[(b * L + t) * V + v]! > greedyLogits[(b * L + t) * V + best]!) best = v;
        tokens[b * L + t] = best;
        prev[b] = best;
        if (best === node.eos) done[b] = 1;
      }
    }
  }

  // Teacher forcing.
  let logits = greedyLogits;
  let steps = greedySteps;
  let T = L;
  if (node.targets !== undefined) {
    const tg = env.int(node.targets);
    if (tg.shape.length !== 2 || tg.shape[0] !== B) throw new Error(`attn_decoder ${layer}: targets must be [${B}, T], got [${tg.shape.join(', ')}]`);
    T = tg.shape[1]!;
    logits = new Float64Array(B * T * V);
    steps = [];
    for (let b = 0; b < B; b++) {
      let [h, c] = initial(b);
      const row: Step[] = [];
      for (let t = 0; t < T; t++) {
        const s = step(b, t === 0 ? node.sos : tg.data[b * T + t - 1]!, h, c, logits, (b * T + t) * V);
        row.push(s);
        [h, c] = [s.cell.hNext, s.cell.cNext];
      }
      steps.push(row);
    }
  }

  const outputs: [number, RTensor][] = [[node.tokens, iten([B, L], tokens)]];
  if (node.logits !== undefined) outputs.push([node.logits, ften([B, T, V], logits)]);
  return {
    outputs,
    backward(g) {
      const dl = node.logits === undefined ? undefined : g.out(node.logits);
      if (!dl) return;
      const demb = new Float64Array(emb.length);
      const dwo = new Float64Array(wo.length);
      const dbo = new Float64Array(V);
      const dcell = cellGrads(cell);
      const dmem = new Float64Array(mem.data.length);
      const dh0 = new Float64Array(B * H);
      const datt = { wq: new Float64Array(attParams?.wq.length ?? 0), wk: new Float64Array(attParams?.wk.length ?? 0), b: new Float64Array(attParams?.b.length ?? 0), v: new Float64Array(attParams?.v.length ?? 0) };
      for (let b = 0; b < B; b++) {
        const m = memories[b]!;
        const mg = memoryGrads(m);
        const row = steps[b]!;
        let dh: Float64Array = new Float64Array(H);
        let dc: Float64Array = new Float64Array(node.cell === 'lstm' ? H : 0);
        for (let t = row.length - 1; t >= 0; t--) {
          const s = row[t]!;
          const lo = (b * T + t) * V;
          const dhc = new Float64Array(H + E);
          outerAdd(dwo, V, H + E, dl, lo, s.hc, 0);
          matTVecAdd(wo, V, H + E, dl, lo, dhc, 0);
          for (let v = 0; v < V; v++) dbo[v]! += dl[lo + v]!;
          for (let j = 0; j < H; j++) dh[j]! += dhc[j]!;
          const r = cellBackward(cell, dcell, s.cell, dh, dc);
          for (let j = 0; j < Demb; j++) demb[s.prev * Demb + j]! += r.dx[j]!;
          const dctx = new Float64Array(E);
          for (let j = 0; j < E; j++) dctx[j] = dhc[H + j]! + r.dx[Demb + j]!;
          const dq = attendBackward(m, s.hPrev, s.att, mg, dctx, undefined);
          dh = r.dh;
          for (let j = 0; j < H; j++) dh[j]! += dq[j]!;
          dc = r.dc;
        }
        dh0.set(dh, b * H);
        finishMemoryBackward(m, mg);
        for (let i = 0; i < Tm * E; i++) dmem[b * Tm * E + i] = mg.keys[i]! + mg.values[i]!;
        for (const key of ['wq', 'wk', 'b', 'v'] as const) for (let i = 0; i < datt[key].length; i++) datt[key][i]! += mg[key][i]!;
      }
      g.add(node.memory, dmem);
      if (node.h0 !== undefined) g.add(node.h0, dh0);
      g.param(`${layer}.embedding.weight`, demb);
      g.param(`${layer}.cell.weight_ih`, dcell.wih);
      g.param(`${layer}.cell.weight_hh`, dcell.whh);
      g.param(`${layer}.cell.bias_ih`, dcell.bih);
      g.param(`${layer}.cell.bias_hh`, dcell.bhh);
      g.param(`${layer}.out.weight`, dwo);
      g.param(`${layer}.out.bias`, dbo);
      if (attParams) {
        g.param(`${attPrefix}w_query`, datt.wq);
        g.param(`${attPrefix}w_key`, datt.wk);
        g.param(`${attPrefix}bias`, datt.b);
        g.param(`${attPrefix}v`, datt.v);
      }
    },
  };
};
