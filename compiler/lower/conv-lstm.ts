// ConvLSTM: the input-to-gates convolution of every step at once (one conv op over B·T frames with the
// x part of the weight, bias added), then one looped conv_lstm op for the recurrence (h part and gates).
// Streaming carries h and c in persistent tensors and runs one step per call (the program fixes time = 1).
import type { ConvLstmNode } from '../check/model.ts';
import { mul } from '../ir/builder.ts';
import type { LowerCtx } from './context.ts';

export function lowerConvLstm(ctx: LowerCtx, n: ConvLstmNode): void {
  const { b } = ctx;
  const name = n.layer ?? `conv_lstm${n.id}`;
  const [batch, time, C, H, W] = ctx.shape(n.x) as [string | number, string | number, number, string | number, string | number];
  const F = n.filters, k = n.kernel;
  const stream = ctx.stream !== undefined;
  const x = ctx.tensorOf(n.x);
  const wt = ctx.param(`${name}.weight`).tensor, bias = ctx.param(`${name}.bias`).tensor;
  const state = [batch, F, H, W];
  const xg = b.tensor(`${name}.xgates`, [batch, time, 4 * F, H, W]);
  b.add({ kind: 'conv', stage: 'forward', layout: 'nchw', frames: mul(batch, time), cin: C, cout: 4 * F, height: H, width: W,
          outHeight: H, outWidth: W, kh: k, kw: k, stride: 1, padH: (k - 1) / 2, padW: (k - 1) / 2, wcin: C + F, wcOffset: 0,
          x, wt, bias, y: xg, act: 'none', accumulate: false }, `${name} input convolution`);

  const hState = stream ? b.tensor(`${name}.h_state`, state, { kind: 'arena' }, true) : undefined;
  const cState = stream ? b.tensor(`${name}.c_state`, state, { kind: 'arena' }, true) : undefined;
  const seq = [batch, time, F, H, W];
  const hs = n.returnSequences ? ctx.define(n.y, `${name}.y`) : b.tensor(`${name}.hs`, seq);
  // Without return_sequences the output is the final state itself.
  const hN = !n.returnSequences ? ctx.define(n.y, `${name}.y`)
    : n.hN !== undefined ? ctx.define(n.hN, `${name}.h_n`) : stream ? b.tensor(`${name}.h_next`, state) : undefined;
  const cN = n.cN !== undefined ? ctx.define(n.cN, `${name}.c_n`) : stream ? b.tensor(`${name}.c_next`, state) : undefined;
  // The activated gates overwrite xg in place: each thread reads the four pre-activations it then writes.
  b.add({ kind: 'conv_lstm', x, bias, xg, wt, lengths: n.lengths === undefined || stream ? undefined : ctx.tensorOf(n.lengths),
          h0: hState, c0: cState, hs, hprev: b.tensor(`${name}.hprev`, seq), gates: xg,
          cells: b.tensor(`${name}.cells`, seq), hN, cN, batch, time, channels: C, filters: F, height: H, width: W, k },
        `${name} conv_lstm recurrence`);
  if (!n.returnSequences && n.hN !== undefined && hN !== undefined) {
    const size = mul(...state);
    b.add({ kind: 'copy2d', x: hN, y: ctx.define(n.hN, `${name}.h_n`), rows: 1, cols: size, xld: size, xOffset: 0, yld: size, yOffset: 0,
            accumulate: false }, `${name} final state`);
  }
  for (const [from, to] of [[hN, hState], [cN, cState]] as const) {
    if (from === undefined || to === undefined) continue;
    const size = mul(...state);
    ctx.stateUpdates.push(() => b.add({ kind: 'copy2d', x: from, y: to, rows: 1, cols: size, xld: size, xOffset: 0, yld: size,
                                        yOffset: 0, accumulate: false }, `${name} carry state`));
  }
}
