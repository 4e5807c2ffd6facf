// conv_lstm (Shi et al. 2015, no peepholes), per row b and valid step t < len:
//   z = conv2d([x_t; h], W, same padding) + b          W: `<layer>.weight` [4F, C+F, k, k], b: `<layer>.bias` [4F]
//   i, f, g, o = σ, σ, tanh, σ of z's four F-channel chunks
//   c' = f·c + i·g;  h' = o·tanh(c')                  (h0 = c0 = 0)
// x: [B, T, C, H, W] → y: [B, T, F, H, W] (zeros at padding steps) or [B, F, H, W] (state after step len−1);
// hN, cN: [B, F, H, W], the state after step len−1.
import type { ConvLstmNode } from '../../../compiler/check/model.ts';
import { sigmoid } from '../math/activations.ts';
import { conv2dFrame, conv2dFrameBackward, convGeometry, type Conv2dShape } from '../math/conv2d.ts';
import { validLengths } from '../lengths.ts';
import { layerOf, outOrZeros, type OpImpl } from '../op.ts';
import { ften, type RTensor } from '../tensor.ts';

interface Step { readonly inp: Float64Array; readonly c: Float64Array; readonly cNext: Float64Array; readonly gates: Float64Array }

export const convLstmOp: OpImpl<ConvLstmNode> = (node, env) => {
  const x = env.float(node.x);
  if (x.shape.length !== 5) throw new Error(`conv_lstm ${node.layer}: input must be [B, T, C, H, W], got [${x.shape.join(', ')}]`);
  const [B, T, C, Hh, Ww] = x.shape as [number, number, number, number, number];
  const { filters: F, kernel: k } = node;
  const layer = layerOf(node);
  const w = env.param(`${layer}.weight`, [4 * F, C + F, k, k]).data;
  const bias = env.param(`${layer}.bias`, [4 * F]).data;
  const lengths = validLengths(env, node.lengths, B, T, `conv_lstm ${layer}`);
  const { before } = convGeometry(Hh, k, 1, 'same');
  const geo: Conv2dShape = { c: C + F, h: Hh, w: Ww, f: 4 * F, k, stride: 1, pad: before, ho: Hh, wo: Ww };
  const plane = Hh * Ww;
  const S = F * plane;          // one state tensor [F, H, W]
  const X = C * plane;          // one input frame [C, H, W]

  const y = new Float64Array(B * T * S);
  const hN = new Float64Array(B * S);
  const cN = new Float64Array(B * S);
  const steps: Step[][] = [];
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(S);
    let c = new Float64Array(S);
    const row: Step[] = [];
    for (let t = 0; t < lengths[b]!; t++) {
      const inp = new Float64Array(X + S);
      inp.set(x.data.subarray((b * T + t) * X, (b * T + t + 1) * X));
      inp.set(h, X);
      const gates = new Float64Array(4 * S);
      for (let ch = 0; ch < 4 * F; ch++) gates.fill(bias[ch]!, ch * plane, (ch + 1) * plane);
      conv2dFrame(geo, inp, 0, w, gates, 0);
      for (let j = 0; j < 4 * S; j++) gates[j] = j >= 2 * S && j < 3 * S ? Math.tanh(gates[j]!) : sigmoid(gates[j]!);
      const cNext = new Float64Array(S);
      const hNext = new Float64Array(S);
      for (let j = 0; j < S; j++) {
        cNext[j] = gates[S + j]! * c[j]! + gates[j]! * gates[2 * S + j]!;
        hNext[j] = gates[3 * S + j]! * Math.tanh(cNext[j]!);
      }
      row.push({ inp, c, cNext, gates });
      y.set(hNext, (b * T + t) * S);
      h = hNext;
      c = cNext;
    }
    steps.push(row);
    hN.set(h, b * S);
    cN.set(c, b * S);
  }
  const yOut = node.returnSequences ? y : hN.slice();
  const outputs: [number, RTensor][] = [[node.y, ften(node.returnSequences ? [B, T, F, Hh, Ww] : [B, F, Hh, Ww], yOut)]];
  if (node.hN !== undefined) outputs.push([node.hN, ften([B, F, Hh, Ww], hN)]);
  if (node.cN !== undefined) outputs.push([node.cN, ften([B, F, Hh, Ww], cN)]);

  return {
    outputs,
    backward(g) {
      const dy = g.out(node.y);
      const dhN = outOrZeros(g, node.hN, hN.length);
      const dcN = outOrZeros(g, node.cN, cN.length);
      const dx = new Float64Array(x.data.length);
      const dw = new Float64Array(w.length);
      const db = new Float64Array(4 * F);
      for (let b = 0; b < B; b++) {
        const len = lengths[b]!;
        const dh = dhN.slice(b * S, (b + 1) * S);
        let dc = dcN.slice(b * S, (b + 1) * S);
        if (dy && !node.returnSequences) for (let j = 0; j < S; j++) dh[j]! += dy[b * S + j]!;
        for (let t = len - 1; t >= 0; t--) {
          const s = steps[b]![t]!;
          if (dy && node.returnSequences) for (let j = 0; j < S; j++) dh[j]! += dy[(b * T + t) * S + j]!;
          const a = s.gates;
          const dz = new Float64Array(4 * S);
          const dcPrev = new Float64Array(S);
          for (let j = 0; j < S; j++) {
            const [i, f, gg, o] = [a[j]!, a[S + j]!, a[2 * S + j]!, a[3 * S + j]!];
            const tc = Math.tanh(s.cNext[j]!);
            const dct = dc[j]! + dh[j]! * o * (1 - tc * tc);
            dz[j] = dct * gg * i * (1 - i);
            dz[S + j] = dct * s.c[j]! * f * (1 - f);
            dz[2 * S + j] = dct * i * (1 - gg * gg);
            dz[3 * S + j] = dh[j]! * tc * o * (1 - o);
            dcPrev[j] = dct * f;
          }
          for (let ch = 0; ch < 4 * F; ch++) for (let p = 0; p < plane; p++) db[ch]! += dz[ch * plane + p]!;
          const dinp = new Float64Array(X + S);
          conv2dFrameBackward(geo, s.inp, 0, w, dz, 0, dinp, dw);
          for (let j = 0; j < X; j++) dx[(b * T + t) * X + j]! += dinp[j]!;
          dh.set(dinp.subarray(X));
          dc = dcPrev;
        }
      }
      g.add(node.x, dx);
      g.param(`${layer}.weight`, dw);
      g.param(`${layer}.bias`, db);
    },
  };
};
