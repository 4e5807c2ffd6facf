// recurrent: nn.RNN / nn.LSTM / nn.GRU (batch_first), stacked and optionally bidirectional, with
// packed-sequence semantics for `lengths` and backpropagation through time.
//
// Each batch row is an independent sequence, so the reference runs row by row: row b of direction d of
// layer l processes steps 0..len−1 (forward) or len−1..0 (reverse) of its input, starting from
// h0[l·D + d, b] (zeros if absent). Outputs at padding steps t ≥ len are 0, and the final state of each
// direction is simply its state after its last processed step (for reverse, after step 0).
// Layer l > 0 reads layer l−1's [B, T, D·H] output, through inverted dropout in training (site 64·id + l−1).
// y = the last layer's output sequence, or [B, D·H] = (forward state after step len−1, reverse output at step 0).
import type { RecurrentNode } from '../../../compiler/check/model.ts';
import { validLengths } from '../lengths.ts';
import { layerOf, outOrZeros, type OpImpl } from '../op.ts';
import { ften, type RTensor } from '../tensor.ts';
import { cellBackward, cellForward, cellGrads, GATES, type CellKind, type CellStep, type CellWeights } from './cells.ts';
import { dropoutScale } from './dropout.ts';

export const recurrentOp: OpImpl<RecurrentNode> = (node, env) => {
  const x = env.float(node.x);
  if (x.shape.length !== 3) throw new Error(`recurrent ${node.layer}: input must be [B, T, I], got [${x.shape.join(', ')}]`);
  const [B, T, I] = x.shape as [number, number, number];
  const H = node.hidden;
  const L = node.layers;
  const D = node.bidirectional ? 2 : 1;
  const DH = D * H;
  const kind: CellKind = node.cell === 'rnn' ? (node.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh') : node.cell;
  const lstm = kind === 'lstm';
  const layer = layerOf(node);
  const lengths = validLengths(env, node.lengths, B, T, `recurrent ${layer}`);
  const state = (id: number | undefined, what: string): Float64Array | undefined => {
    if (id === undefined) return undefined;
    const s = env.float(id);
    if (s.shape.join() !== [L * D, B, H].join()) throw new Error(`recurrent ${layer}: ${what} must be [${L * D}, ${B}, ${H}], got [${s.shape.join(', ')}]`);
    return s.data;
  };
  const h0 = state(node.h0, 'h0');
  const c0 = lstm ? state(node.c0, 'c0') : undefined;

  const names = (l: number, d: number): string[] => {
    const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((p) => `${layer}.${p}${sfx}`);
  };
  const weights: CellWeights[][] = [];
  for (let l = 0; l < L; l++) {
    const input = l === 0 ? I : DH;
    const G = GATES[kind] * H;
    weights.push([...Array(D).keys()].map((d) => {
      const [ih, hh, bi, bh] = names(l, d) as [string, string, string, string];
      return {
        kind, hidden: H, input,
        wih: env.param(ih, [G, input]).data, whh: env.param(hh, [G, H]).data,
        bih: env.param(bi, [G]).data, bhh: env.param(bh, [G]).data,
      };
    }));
  }

  // steps[l][d][b][k]: the k-th processed step (in processing order) of row b.
  const steps: CellStep[][][][] = [];
  const hN = new Float64Array(L * D * B * H);
  const cN = new Float64Array(lstm ? L * D * B * H : 0);
  const scales: (Float64Array | undefined)[] = [];   // dropout applied to layer l's output, l < L−1
  let input = x.data;
  let out = new Float64Array(0);
  for (let l = 0; l < L; l++) {
    const inDim = l === 0 ? I : DH;
    out = new Float64Array(B * T * DH);
    steps.push([]);
    for (let d = 0; d < D; d++) {
      const w = weights[l]![d]!;
      steps[l]!.push([]);
      for (let b = 0; b < B; b++) {
        const len = lengths[b]!;
        const so = ((l * D + d) * B + b) * H;
        let h: Float64Array = h0 ? h0.slice(so, so + H) : new Float64Array(H);
        let c: Float64Array = lstm ? (c0 ? c0.slice(so, so + H) : new Float64Array(H)) : new Float64Array(0);
        const row: CellStep[] = [];
        for (let k = 0; k < len; k++) {
          const t = d === 0 ? k : len - 1 - k;
          const s = cellForward(w, input.slice((b * T + t) * inDim, (b * T + t + 1) * inDim), h, c);
          out.set(s.hNext, (b * T + t) * DH + d * H);
          row.push(s);
          h = s.hNext;
          c = s.cNext;
        }
        steps[l]![d]!.push(row);
        hN.set(h, so);
        if (lstm) cN.set(c, so);
      }
    }
    let scale: Float64Array | undefined;
    if (l < L - 1 && env.training && node.dropout > 0) {
      scale = dropoutScale(node.dropout, env.seed, 64 * node.id + l, env.step, out.length);
      input = out.map((v, i) => v * scale![i]!);
    } else {
      input = out;
    }
    scales.push(scale);
  }

  // y for returnSequences = false: forward half from step len−1, reverse half from step 0.
  const pickRow = (b: number, d: number): number => (b * T + (d === 0 ? lengths[b]! - 1 : 0)) * DH + d * H;
  let y: Float64Array;
  if (node.returnSequences) {
    y = out;
  } else {
    y = new Float64Array(B * DH);
    for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) y.set(out.subarray(pickRow(b, d), pickRow(b, d) + H), b * DH + d * H);
  }
  const outputs: [number, RTensor][] = [[node.y, ften(node.returnSequences ? [B, T, DH] : [B, DH], y)]];
  if (node.hN !== undefined) outputs.push([node.hN, ften([L * D, B, H], hN)]);
  if (node.cN !== undefined) outputs.push([node.cN, ften([L * D, B, H], cN)]);

  return {
    outputs,
    backward(g) {
      const dy = g.out(node.y);
      let dOut = new Float64Array(B * T * DH);
      if (dy && node.returnSequences) dOut.set(dy);
      else if (dy) for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) dOut.set(dy.subarray(b * DH + d * H, b * DH + (d + 1) * H), pickRow(b, d));
      const dhN = outOrZeros(g, node.hN, hN.length);
      const dcN = outOrZeros(g, node.cN, cN.length);
      const dh0 = new Float64Array(L * D * B * H);
      const dc0 = new Float64Array(lstm ? L * D * B * H : 0);
      for (let l = L - 1; l >= 0; l--) {
        const inDim = l === 0 ? I : DH;
        const dIn = new Float64Array(B * T * inDim);
        for (let d = 0; d < D; d++) {
          const w = weights[l]![d]!;
          const grads = cellGrads(w);
          for (let b = 0; b < B; b++) {
            const len = lengths[b]!;
            const so = ((l * D + d) * B + b) * H;
            let dh: Float64Array = dhN.slice(so, so + H);
            let dc: Float64Array = lstm ? dcN.slice(so, so + H) : new Float64Array(0);
            for (let k = len - 1; k >= 0; k--) {
              const t = d === 0 ? k : len - 1 - k;
              const o = (b * T + t) * DH + d * H;
              for (let j = 0; j < H; j++) dh[j]! += dOut[o + j]!;
              const r = cellBackward(w, grads, steps[l]![d]![b]![k]!, dh, dc);
              const io = (b * T + t) * inDim;
              for (let j = 0; j < inDim; j++) dIn[io + j]! += r.dx[j]!;
              dh = r.dh;
              dc = r.dc;
            }
            dh0.set(dh, so);
            if (lstm) dc0.set(dc, so);
          }
          const [ih, hh, bi, bh] = names(l, d) as [string, string, string, string];
          g.param(ih, grads.wih);
          g.param(hh, grads.whh);
          g.param(bi, grads.bih);
          g.param(bh, grads.bhh);
        }
        const scale = l > 0 ? scales[l - 1] : undefined;
        dOut = scale ? dIn.map((v, i) => v * scale[i]!) : dIn;
      }
      g.add(node.x, dOut);
      if (node.h0 !== undefined) g.add(node.h0, dh0);
      if (node.c0 !== undefined && lstm) g.add(node.c0, dc0);
    },
  };
};
