// ConvLSTM over time, one looped dispatch per direction of the sweep. Thread (el, b) owns four adjacent
// pixels of one filter's row and all four gates there, so the gate math needs nothing from other threads
// and each weight load feeds four pixels; the recurrent convolution reads the whole previous state,
// written by the previous step's dispatch. Registers are explicit vec4s (gates, or the four pixels) and
// the pixel tile is unrolled: SwiftShader spills loops over private arrays (see matmul.ts).
// Layouts: xg, gates, dgates [B, T, 4F, H, W]; hs, hprev, cells [B, T, F, H, W]; h0/c0/hN/cN/dcCarry [B, F, H, W].
import type { ConvLstmGradOp, ConvLstmOp } from '../../ir/conv-ops.ts';
import { cdiv, mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const WG = 64, PX = 4;
const PIXELS = [0, 1, 2, 3];
const LANE = ['x', 'y', 'z', 'w'];

function header(w: KernelWriter, op: ConvLstmOp, t: string): string {
  const len = op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, 'b')}, 0, i32(T)))`;
  return `
let el = gid.x; let b = gid.y;
let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)};
let C = ${op.channels}u; let F = ${op.filters}u; let H = ${wgslSize(op.height)}; let W = ${wgslSize(op.width)}; let K = ${op.k}u;
let HW = H * W; let S = F * HW; let WB = (W + ${PX - 1}u) / ${PX}u;
if (el >= F * H * WB || b >= B) { return; }
let f = el / (H * WB); let r = (el / WB) % H; let col0 = (el % WB) * ${PX}u;
let t = ${t};
let len = ${len};
let e0 = (f * H + r) * W + col0;         // element (f, r, col0) of one state tensor
let st = (b * T + t) * S + e0;           // … of the state tensors at (b, t)
let gb = (b * T + t) * 4u * S + e0;      // gate 0 there; gate g at gb + g·S
let wb = ${w.base(op.wt).base};
let gs = F * (C + F) * K * K;            // weight distance between gates (output channels g·F + f)
let pad = ${(op.k - 1) / 2};`;
}

/** Pixel i of the tile, guarded: the statements run only inside the image. */
const each = (body: (i: number) => string) => PIXELS.map((i) => `if (col0 + ${i}u < W) {${body(i)}}`).join('\n');

/** `v{i}` = row element at column c + i (zero outside the image), for the four pixels. */
const rowLoads = (load: (idx: string) => string, c: string) => PIXELS.map((i) =>
  `let v${i} = select(0.0, ${load(`u32(clamp(${c} + ${i}, 0, i32(W) - 1))`)}, ${c} + ${i} >= 0 && ${c} + ${i} < i32(W));`).join(' ');

export function convLstmKernel(w: KernelWriter, op: ConvLstmOp): KernelPlan {
  w.helper('sigmoid', 'tanh_');
  const hs = w.base(op.hs, true).base;
  const h0 = op.h0 === undefined ? null : w.base(op.h0).base;
  const c0 = (i: number) => (op.c0 === undefined ? '0.0' : w.load(op.c0, `b * S + e0 + ${i}u`));
  const gate = (i: number, g: number) => `${w.load(op.xg, `gb + ${g}u * S + ${i}u`)} + acc${i}.${LANE[g]}`;
  const cell = (i: number) => `
  var cp = ${c0(i)};
  if (!first) { cp = ${w.load(op.cells, `st - S + ${i}u`)}; }
  let ig = sigmoid(${gate(i, 0)}); let fg = sigmoid(${gate(i, 1)});
  let gg = tanh_(${gate(i, 2)}); let og = sigmoid(${gate(i, 3)});
  let cn = fg * cp + ig * gg;
  let h = og * tanh_(cn);
  arena[${hs} + st + ${i}u] = h;
  ${w.store(op.hprev, `st + ${i}u`, `hp.${LANE[i]}`)}
  ${w.store(op.cells, `st + ${i}u`, 'cn')}
  ${w.store(op.gates, `gb + ${i}u`, 'ig')} ${w.store(op.gates, `gb + S + ${i}u`, 'fg')}
  ${w.store(op.gates, `gb + 2u * S + ${i}u`, 'gg')} ${w.store(op.gates, `gb + 3u * S + ${i}u`, 'og')}
  if (t == len - 1u) {
    ${op.hN === undefined ? '' : w.store(op.hN, `b * S + e0 + ${i}u`, 'h')}
    ${op.cN === undefined ? '' : w.store(op.cN, `b * S + e0 + ${i}u`, 'cn')}
  }
`;
  const body = `${header(w, op, 'step.t')}
if (t >= len) {
  ${each((i) => ` arena[${hs} + st + ${i}u] = 0.0; ${w.store(op.hprev, `st + ${i}u`, '0.0')} `)}
  return;
}
let first = t == 0u;
// The state this step starts from: h0 (or zeros) at the first step, else hs of the previous step.
var src = ${hs} + (b * T + t - 1u) * S;
var have = true;
if (first) { ${h0 === null ? 'have = false;' : `src = ${h0} + b * S;`} }
var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
var hp = vec4<f32>();
if (have) {
  ${rowLoads((idx) => `arena[src + (f * H + r) * W + ${idx}]`, 'i32(col0)')}
  hp = vec4<f32>(v0, v1, v2, v3);
  for (var c = 0u; c < F; c++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + p) - pad;
      if (ri < 0 || ri >= i32(H)) { continue; }
      let hrow = src + (c * H + u32(ri)) * W;
      let wrow = wb + ((f * (C + F) + C + c) * K + p) * K;
      for (var q = 0u; q < K; q++) {
        let wv = vec4<f32>(params[wrow + q], params[wrow + gs + q], params[wrow + 2u * gs + q], params[wrow + 3u * gs + q]);
        let cq = i32(col0 + q) - pad;
        ${rowLoads((idx) => `arena[hrow + ${idx}]`, 'cq')}
        acc0 += wv * v0; acc1 += wv * v1; acc2 += wv * v2; acc3 += wv * v3;
      }
    }
  }
}
${each(cell)}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(mul(op.filters, op.height, cdiv(op.width, PX)), WG), op.batch, 1], loop: op.time };
}

export function convLstmGradKernel(w: KernelWriter, g: ConvLstmGradOp): KernelPlan {
  const op = g.fwd;
  w.helper('tanh_');
  const dg = w.base(g.dgates, true).base;
  const carry = w.base(g.dcCarry, true).base;
  const c0 = (i: number) => (op.c0 === undefined ? '0.0' : w.load(op.c0, `b * S + e0 + ${i}u`));
  const cell = (i: number) => `
  var dc = dcv.${LANE[i]};
  let dh = dhv.${LANE[i]};
  let ig = ${w.load(op.gates, `gb + ${i}u`)}; let fg = ${w.load(op.gates, `gb + S + ${i}u`)};
  let gg = ${w.load(op.gates, `gb + 2u * S + ${i}u`)}; let og = ${w.load(op.gates, `gb + 3u * S + ${i}u`)};
  let tc = tanh_(${w.load(op.cells, `st + ${i}u`)});
  var cp = ${c0(i)};
  if (t > 0u) { cp = ${w.load(op.cells, `st - S + ${i}u`)}; }
  dc += dh * og * (1.0 - tc * tc);
  arena[${carry} + b * S + e0 + ${i}u] = dc * fg;
  arena[${dg} + gb + ${i}u] = dc * gg * ig * (1.0 - ig);
  arena[${dg} + gb + S + ${i}u] = dc * cp * fg * (1.0 - fg);
  arena[${dg} + gb + 2u * S + ${i}u] = dc * ig * (1.0 - gg * gg);
  arena[${dg} + gb + 3u * S + ${i}u] = dh * tc * og * (1.0 - og);
`;
  const state = (t: number | undefined, at: string) => (t === undefined ? 'vec4<f32>()'
    : `vec4<f32>(${PIXELS.map((i) => w.load(t, `${at} + min(${i}u, W - 1u - col0)`)).join(', ')})`);
  const body = `${header(w, op, 'T - 1u - step.t')}
if (t >= len) {
  ${each((i) => ` for (var k = 0u; k < 4u; k++) { arena[${dg} + gb + k * S + ${i}u] = 0.0; } `)}
  return;
}
var dhv = ${state(g.dhs, 'st')};
var dcv = vec4<f32>();
if (t == len - 1u) {
  ${g.dhN === undefined ? '' : `dhv += ${state(g.dhN, 'b * S + e0')};`}
  ${g.dcN === undefined ? '' : `dcv = ${state(g.dcN, 'b * S + e0')};`}
} else {
  dcv = vec4<f32>(${PIXELS.map((i) => `arena[${carry} + b * S + e0 + min(${i}u, W - 1u - col0)]`).join(', ')});
  // The transposed recurrent convolution of the next step's gate gradients.
  let nb = ${dg} + (b * T + t + 1u) * 4u * S;
  for (var o = 0u; o < 4u * F; o++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + u32(pad)) - i32(p);
      if (ri < 0 || ri >= i32(H)) { continue; }
      let drow = nb + (o * H + u32(ri)) * W;
      let wrow = wb + ((o * (C + F) + C + f) * K + p) * K;
      for (var q = 0u; q < K; q++) {
        let cq = i32(col0 + u32(pad)) - i32(q);
        ${rowLoads((idx) => `arena[drow + ${idx}]`, 'cq')}
        dhv += params[wrow + q] * vec4<f32>(v0, v1, v2, v3);
      }
    }
  }
}
${each(cell)}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(mul(op.filters, op.height, cdiv(op.width, PX)), WG), op.batch, 1], loop: op.time };
}
