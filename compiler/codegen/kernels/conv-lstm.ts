// ConvLSTM over time, one looped dispatch per direction of the sweep. Thread (el, b) owns four adjacent
// pixels of NF filters' rows and all four gates there, so the gate math needs nothing from other threads,
// each weight load feeds four pixels and each state load NF filters; the recurrent convolution reads the whole previous state,
// written by the previous step's dispatch. Registers are explicit vec4s (gates, or the four pixels) and
// the pixel tile is unrolled: SwiftShader spills loops over private arrays (see matmul.ts).
// Layouts: xg, gates, dgates [B, T, 4F, H, W]; hs, hprev, cells [B, T, F, H, W]; h0/c0/hN/cN/dcCarry [B, F, H, W].
import type { ConvLstmGradOp, ConvLstmOp } from '../../ir/conv-ops.ts';
import { cdiv, mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const WG = 64, PX = 4;
/** Filters per thread (both passes): loaded words are shared across them. */
const NF = 4;
const PIXELS = [0, 1, 2, 3];
const LANE = ['x', 'y', 'z', 'w'];

/** Names every variant shares; a thread covers `nf` filters starting at f (f = filter block × nf). */
function header(w: KernelWriter, op: ConvLstmOp, t: string, nf = 1): string {
  const len = op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, 'b')}, 0, i32(T)))`;
  return `
let el = gid.x; let b = gid.y;
let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)};
let C = ${op.channels}u; let F = ${op.filters}u; let H = ${wgslSize(op.height)}; let W = ${wgslSize(op.width)}; let K = ${op.k}u;
let HW = H * W; let S = F * HW; let WB = (W + ${PX - 1}u) / ${PX}u;
let FB = (F + ${nf - 1}u) / ${nf}u;
if (el >= FB * H * WB || b >= B) { return; }
let f = (el / (H * WB)) * ${nf}u; let r = (el / WB) % H; let col0 = (el % WB) * ${PX}u;
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

/**
 * Forward, one step per dispatch. A thread owns four adjacent pixels of NF filters' rows: each loaded
 * state word of the recurrent convolution feeds the four gates of NF filters (16·NF multiply-adds for
 * 4 + 4·NF loads, where one filter made 16 for 8).
 */
export function convLstmKernel(w: KernelWriter, op: ConvLstmOp): KernelPlan {
  w.helper('sigmoid', 'tanh_');
  const hs = w.base(op.hs, true).base;
  const h0 = op.h0 === undefined ? null : w.base(op.h0).base;
  const filters = [...Array(NF).keys()];
  const c0 = (k: number, i: number) => (op.c0 === undefined ? '0.0' : w.load(op.c0, `b * S + e0_${k} + ${i}u`));
  const gate = (k: number, i: number, g: number) => `${w.load(op.xg, `gb_${k} + ${g}u * S + ${i}u`)} + acc${k}_${i}.${LANE[g]}`;
  const cell = (k: number) => (i: number) => `
  var cp = ${c0(k, i)};
  if (!first) { cp = ${w.load(op.cells, `st_${k} - S + ${i}u`)}; }
  let ig = sigmoid(${gate(k, i, 0)}); let fg = sigmoid(${gate(k, i, 1)});
  let gg = tanh_(${gate(k, i, 2)}); let og = sigmoid(${gate(k, i, 3)});
  let cn = fg * cp + ig * gg;
  let h = og * tanh_(cn);
  arena[${hs} + st_${k} + ${i}u] = h;
  ${w.store(op.hprev, `st_${k} + ${i}u`, `hp${k}.${LANE[i]}`)}
  ${w.store(op.cells, `st_${k} + ${i}u`, 'cn')}
  ${w.store(op.gates, `gb_${k} + ${i}u`, 'ig')} ${w.store(op.gates, `gb_${k} + S + ${i}u`, 'fg')}
  ${w.store(op.gates, `gb_${k} + 2u * S + ${i}u`, 'gg')} ${w.store(op.gates, `gb_${k} + 3u * S + ${i}u`, 'og')}
  if (t == len - 1u) {
    ${op.hN === undefined ? '' : w.store(op.hN, `b * S + e0_${k} + ${i}u`, 'h')}
    ${op.cN === undefined ? '' : w.store(op.cN, `b * S + e0_${k} + ${i}u`, 'cn')}
  }
`;
  const perFilter = filters.map((k) => `let e0_${k} = e0 + ${k}u * HW; let st_${k} = st + ${k}u * HW; let gb_${k} = gb + ${k}u * HW; let has${k} = f + ${k}u < F;`).join('\n');
  const body = `${header(w, op, 'step.t', NF)}
${perFilter}
if (t >= len) {
  ${filters.map((k) => `if (has${k}) { ${each((i) => ` arena[${hs} + st_${k} + ${i}u] = 0.0; ${w.store(op.hprev, `st_${k} + ${i}u`, '0.0')} `)} }`).join('\n  ')}
  return;
}
let first = t == 0u;
// The state this step starts from: h0 (or zeros) at the first step, else hs of the previous step.
var src = ${hs} + (b * T + t - 1u) * S;
var have = true;
if (first) { ${h0 === null ? 'have = false;' : `src = ${h0} + b * S;`} }
${filters.map((k) => `${PIXELS.map((i) => `var acc${k}_${i} = vec4<f32>();`).join(' ')} var hp${k} = vec4<f32>();`).join('\n')}
if (have) {
  ${filters.map((k) => `{
    let fk = min(f + ${k}u, F - 1u);
    ${rowLoads((idx) => `arena[src + (fk * H + r) * W + ${idx}]`, 'i32(col0)')}
    hp${k} = vec4<f32>(v0, v1, v2, v3);
  }`).join('\n  ')}
  for (var c = 0u; c < F; c++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + p) - pad;
      if (ri < 0 || ri >= i32(H)) { continue; }
      let hrow = src + (c * H + u32(ri)) * W;
      ${filters.map((k) => `let wrow${k} = wb + ((min(f + ${k}u, F - 1u) * (C + F) + C + c) * K + p) * K;`).join(' ')}
      for (var q = 0u; q < K; q++) {
        let cq = i32(col0 + q) - pad;
        ${rowLoads((idx) => `arena[hrow + ${idx}]`, 'cq')}
        ${filters.map((k) => `{
          let wv = vec4<f32>(params[wrow${k} + q], params[wrow${k} + gs + q], params[wrow${k} + 2u * gs + q], params[wrow${k} + 3u * gs + q]);
          acc${k}_0 += wv * v0; acc${k}_1 += wv * v1; acc${k}_2 += wv * v2; acc${k}_3 += wv * v3;
        }`).join('\n        ')}
      }
    }
  }
}
${filters.map((k) => `if (has${k}) {
${each(cell(k))}
}`).join('\n')}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(mul(cdiv(op.filters, NF), op.height, cdiv(op.width, PX)), WG), op.batch, 1], loop: op.time };
}

/**
 * Backward through time. A thread owns four adjacent pixels of NF filters' rows (f … f + NF − 1): each
 * gate-gradient word of the transposed recurrent convolution is loaded once for the NF filters (it was
 * loaded per filter, 0.8 multiply-adds per load, the worst ratio of M5 in issue #8).
 */

export function convLstmGradKernel(w: KernelWriter, g: ConvLstmGradOp): KernelPlan {
  const op = g.fwd;
  w.helper('tanh_');
  const dg = w.base(g.dgates, true).base;
  const carry = w.base(g.dcCarry, true).base;
  const filters = [...Array(NF).keys()];
  const c0 = (k: number, i: number) => (op.c0 === undefined ? '0.0' : w.load(op.c0, `b * S + e0_${k} + ${i}u`));
  const cell = (k: number) => (i: number) => `
  var dc = dcv${k}.${LANE[i]};
  let dh = dhv${k}.${LANE[i]};
  let ig = ${w.load(op.gates, `gb_${k} + ${i}u`)}; let fg = ${w.load(op.gates, `gb_${k} + S + ${i}u`)};
  let gg = ${w.load(op.gates, `gb_${k} + 2u * S + ${i}u`)}; let og = ${w.load(op.gates, `gb_${k} + 3u * S + ${i}u`)};
  let tc = tanh_(${w.load(op.cells, `st_${k} + ${i}u`)});
  var cp = ${c0(k, i)};
  if (t > 0u) { cp = ${w.load(op.cells, `st_${k} - S + ${i}u`)}; }
  dc += dh * og * (1.0 - tc * tc);
  arena[${carry} + b * S + e0_${k} + ${i}u] = dc * fg;
  arena[${dg} + gb_${k} + ${i}u] = dc * gg * ig * (1.0 - ig);
  arena[${dg} + gb_${k} + S + ${i}u] = dc * cp * fg * (1.0 - fg);
  arena[${dg} + gb_${k} + 2u * S + ${i}u] = dc * ig * (1.0 - gg * gg);
  arena[${dg} + gb_${k} + 3u * S + ${i}u] = dh * tc * og * (1.0 - og);
`;
  const state = (t: number | undefined, at: string) => (t === undefined ? 'vec4<f32>()'
    : `vec4<f32>(${PIXELS.map((i) => w.load(t, `${at} + min(${i}u, W - 1u - col0)`)).join(', ')})`);
  // Filter f0 + k: its element, state and gate bases (k·HW past filter f0's), and whether it exists.
  const perFilter = filters.map((k) => `let e0_${k} = e0 + ${k}u * HW; let st_${k} = st + ${k}u * HW; let gb_${k} = gb + ${k}u * HW; let has${k} = f + ${k}u < F;`).join('\n');
  const body = `${header(w, op, 'T - 1u - step.t', NF)}
${perFilter}
if (t >= len) {
  ${filters.map((k) => `if (has${k}) { ${each((i) => ` for (var g = 0u; g < 4u; g++) { arena[${dg} + gb_${k} + g * S + ${i}u] = 0.0; } `)} }`).join('\n  ')}
  return;
}
${filters.map((k) => `var dhv${k} = vec4<f32>(); var dcv${k} = vec4<f32>();`).join(' ')}
${filters.map((k) => `if (has${k}) {
  dhv${k} = ${state(g.dhs, `st_${k}`)};
  if (t == len - 1u) {
    ${g.dhN === undefined ? '' : `dhv${k} += ${state(g.dhN, `b * S + e0_${k}`)};`}
    ${g.dcN === undefined ? '' : `dcv${k} = ${state(g.dcN, `b * S + e0_${k}`)};`}
  } else {
    dcv${k} = vec4<f32>(${PIXELS.map((i) => `arena[${carry} + b * S + e0_${k} + min(${i}u, W - 1u - col0)]`).join(', ')});
  }
}`).join('\n')}
if (t != len - 1u) {
  // The transposed recurrent convolution of the next step's gate gradients, for the NF filters at once.
  let nb = ${dg} + (b * T + t + 1u) * 4u * S;
  for (var o = 0u; o < 4u * F; o++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + u32(pad)) - i32(p);
      if (ri < 0 || ri >= i32(H)) { continue; }
      let drow = nb + (o * H + u32(ri)) * W;
      ${filters.map((k) => `let wrow${k} = wb + ((o * (C + F) + C + min(f + ${k}u, F - 1u)) * K + p) * K;`).join(' ')}
      for (var q = 0u; q < K; q++) {
        let cq = i32(col0 + u32(pad)) - i32(q);
        ${rowLoads((idx) => `arena[drow + ${idx}]`, 'cq')}
        let dv = vec4<f32>(v0, v1, v2, v3);
        ${filters.map((k) => `dhv${k} += params[wrow${k} + q] * dv;`).join(' ')}
      }
    }
  }
}
${filters.map((k) => `if (has${k}) {
${each(cell(k))}
}`).join('\n')}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(mul(cdiv(op.filters, NF), op.height, cdiv(op.width, PX)), WG), op.batch, 1], loop: op.time };
}
