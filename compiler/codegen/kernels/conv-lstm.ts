// ConvLSTM over time, one looped dispatch per direction of the sweep. Thread (el = (f, pixel), b)
// owns the four gates of one state element, so the gate math needs nothing from other threads; the
// recurrent convolution reads the whole previous state, written by the previous step's dispatch.
// Layouts: xg, gates, dgates [B, T, 4F, H, W]; hs, hprev, cells [B, T, F, H, W]; h0/c0/hN/cN/dcCarry [B, F, H, W].
import type { ConvLstmGradOp, ConvLstmOp } from '../../ir/conv-ops.ts';
import { cdiv } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const WG = 64;

function header(w: KernelWriter, op: ConvLstmOp, t: string): string {
  const len = op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, 'b')}, 0, i32(T)))`;
  return `
let el = gid.x; let b = gid.y;
let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)};
let C = ${op.channels}u; let F = ${op.filters}u; let H = ${op.height}u; let W = ${op.width}u; let K = ${op.k}u;
let HW = H * W; let S = F * HW;
if (el >= S || b >= B) { return; }
let f = el / HW; let r = (el % HW) / W; let col = el % W;
let t = ${t};
let len = ${len};
let st = (b * T + t) * S + el;          // (b, t, f, pixel) of the state tensors
let gb = (b * T + t) * 4u * S + el;     // gate 0 of the same element; gate g at gb + g·S
let wb = ${w.base(op.wt).base};
let pad = ${(op.k - 1) / 2};`;
}

/** Index of weight element (output channel o, recurrent input channel c, p, q): the h part starts at channel C. */
const wIdx = (o: string, c: string) => `wb + ((${o} * (C + F) + C + ${c}) * K + p) * K + q`;

export function convLstmKernel(w: KernelWriter, op: ConvLstmOp): KernelPlan {
  w.helper('sigmoid', 'tanh_');
  const hs = w.base(op.hs, true).base;
  const h0 = op.h0 === undefined ? null : w.base(op.h0).base;
  const c0 = op.c0 === undefined ? '0.0' : w.load(op.c0, 'b * S + el');
  const body = `${header(w, op, 'step.t')}
if (t >= len) {
  arena[${hs} + st] = 0.0;
  ${w.store(op.hprev, 'st', '0.0')}
  return;
}
let first = t == 0u;
// The state this step starts from: h0 (or zeros) at the first step, else hs of the previous step.
var src = ${hs} + (b * T + t - 1u) * S;
var have = true;
if (first) { ${h0 === null ? 'have = false;' : `src = ${h0} + b * S;`} }
var acc = array<f32, 4>();
var hp = 0.0;
if (have) {
  hp = arena[src + el];
  for (var c = 0u; c < F; c++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + p) - pad;
      if (ri < 0 || ri >= i32(H)) { continue; }
      for (var q = 0u; q < K; q++) {
        let ci = i32(col + q) - pad;
        if (ci < 0 || ci >= i32(W)) { continue; }
        let hv = arena[src + (c * H + u32(ri)) * W + u32(ci)];
        for (var g = 0u; g < 4u; g++) { acc[g] += params[${wIdx('(g * F + f)', 'c')}] * hv; }
      }
    }
  }
}
var cp = ${c0};
if (!first) { cp = ${w.load(op.cells, 'st - S')}; }
let ig = sigmoid(${w.load(op.xg, 'gb')} + acc[0]);
let fg = sigmoid(${w.load(op.xg, 'gb + S')} + acc[1]);
let gg = tanh_(${w.load(op.xg, 'gb + 2u * S')} + acc[2]);
let og = sigmoid(${w.load(op.xg, 'gb + 3u * S')} + acc[3]);
let cn = fg * cp + ig * gg;
let h = og * tanh_(cn);
arena[${hs} + st] = h;
${w.store(op.hprev, 'st', 'hp')}
${w.store(op.cells, 'st', 'cn')}
${w.store(op.gates, 'gb', 'ig')}
${w.store(op.gates, 'gb + S', 'fg')}
${w.store(op.gates, 'gb + 2u * S', 'gg')}
${w.store(op.gates, 'gb + 3u * S', 'og')}
if (t == len - 1u) {
  ${op.hN === undefined ? '' : w.store(op.hN, 'b * S + el', 'h')}
  ${op.cN === undefined ? '' : w.store(op.cN, 'b * S + el', 'cn')}
}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.filters * op.height * op.width, WG), op.batch, 1], loop: op.time };
}

export function convLstmGradKernel(w: KernelWriter, g: ConvLstmGradOp): KernelPlan {
  const op = g.fwd;
  w.helper('tanh_');
  const dg = w.base(g.dgates, true).base;
  const carry = w.base(g.dcCarry, true).base;
  const c0 = op.c0 === undefined ? '0.0' : w.load(op.c0, 'b * S + el');
  const body = `${header(w, op, 'T - 1u - step.t')}
if (t >= len) {
  for (var k = 0u; k < 4u; k++) { arena[${dg} + gb + k * S] = 0.0; }
  return;
}
var dh = ${g.dhs === undefined ? '0.0' : w.load(g.dhs, 'st')};
var dc = 0.0;
if (t == len - 1u) {
  ${g.dhN === undefined ? '' : `dh += ${w.load(g.dhN, 'b * S + el')};`}
  ${g.dcN === undefined ? '' : `dc = ${w.load(g.dcN, 'b * S + el')};`}
} else {
  dc = arena[${carry} + b * S + el];
  // The transposed recurrent convolution of the next step's gate gradients.
  let nb = ${dg} + (b * T + t + 1u) * 4u * S;
  for (var o = 0u; o < 4u * F; o++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + u32(pad)) - i32(p);
      if (ri < 0 || ri >= i32(H)) { continue; }
      for (var q = 0u; q < K; q++) {
        let ci = i32(col + u32(pad)) - i32(q);
        if (ci < 0 || ci >= i32(W)) { continue; }
        dh += arena[nb + (o * H + u32(ri)) * W + u32(ci)] * params[${wIdx('o', 'f')}];
      }
    }
  }
}
let ig = ${w.load(op.gates, 'gb')}; let fg = ${w.load(op.gates, 'gb + S')};
let gg = ${w.load(op.gates, 'gb + 2u * S')}; let og = ${w.load(op.gates, 'gb + 3u * S')};
let tc = tanh_(${w.load(op.cells, 'st')});
var cp = ${c0};
if (t > 0u) { cp = ${w.load(op.cells, 'st - S')}; }
dc += dh * og * (1.0 - tc * tc);
arena[${carry} + b * S + el] = dc * fg;
arena[${dg} + gb] = dc * gg * ig * (1.0 - ig);
arena[${dg} + gb + S] = dc * cp * fg * (1.0 - fg);
arena[${dg} + gb + 2u * S] = dc * ig * (1.0 - gg * gg);
arena[${dg} + gb + 3u * S] = dh * tc * og * (1.0 - og);`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.filters * op.height * op.width, WG), op.batch, 1], loop: op.time };
}


