// ConvLSTM over time, one looped dispatch per direction of the sweep. Thread (el, b) owns PX adjacent
// pixels of NF filters' rows and all four gates there, so the gate math needs nothing from other threads.
// The recurrent convolution reads the whole previous state, written by the previous step's dispatch.
// On SwiftShader every load with a computed index is a per-lane gather costing ~15 multiply-adds
// (spec/performance.md), so the kernels are shaped for reuse: per kernel row (c, p) a thread loads the
// PX + K − 1 columns its PX pixels touch once for all K taps, and each weight word feeds PX pixels.
// Everything per pixel is a named scalar (or a vec4 over the four gates) and the taps are unrolled:
// SwiftShader spills dynamically indexed private arrays (see matmul.ts).
// Layouts: xg, gates, dgates [B, T, 4F, H, W]; hs, hprev, cells [B, T, F, H, W]; h0/c0/hN/cN/dcCarry [B, F, H, W].
import type { ConvLstmGradOp, ConvLstmOp } from '../../ir/conv-ops.ts';
import type { TensorId } from '../../ir/graph.ts';
import { cdiv, mul } from '../../ir/builder.ts';
import { type KernelWriter, range, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const WG = 64;
/**
 * Tile per thread, filters × adjacent pixels of one row, for each pass. Measured on M5 (issue #8, Node A/B
 * alternating variants): 4 × 8 both ways ran the training step in 2.0-2.2 s where 4 × 4 without the
 * shared row window took 3.1-3.4 s; 2 × 8, 1 × 16, 2 × 16 and 8 × 8 were within the noise of 4 × 8.
 */
const FORWARD = { nf: 4, px: 8 };
const BACKWARD = { nf: 4, px: 8 };
const LANE = ['x', 'y', 'z', 'w'];

/** Names every variant shares; a thread covers filters f … f + nf − 1 at columns col0 … col0 + px − 1 of row r. */
function header(w: KernelWriter, op: ConvLstmOp, t: string, nf: number, px: number): string {
  const len = op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, 'b')}, 0, i32(T)))`;
  return `
let el = gid.x; let b = gid.y;
let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)};
let C = ${op.channels}u; let F = ${op.filters}u; let H = ${wgslSize(op.height)}; let W = ${wgslSize(op.width)}; let K = ${op.k}u;
let HW = H * W; let S = F * HW; let WB = (W + ${px - 1}u) / ${px}u;
let FB = (F + ${nf - 1}u) / ${nf}u;
if (el >= FB * H * WB || b >= B) { return; }
let f = (el / (H * WB)) * ${nf}u; let r = (el / WB) % H; let col0 = (el % WB) * ${px}u;
let t = ${t};
let len = ${len};
let e0 = (f * H + r) * W + col0;         // element (f, r, col0) of one state tensor
let st = (b * T + t) * S + e0;           // … of the state tensors at (b, t)
let gb = (b * T + t) * 4u * S + e0;      // gate 0 there; gate g at gb + g·S
let wb = ${w.base(op.wt).base};
let gs = F * (C + F) * K * K;            // weight distance between gates (output channels g·F + f)
let pad = ${(op.k - 1) / 2};
${range(nf).map((k) => `let e0_${k} = e0 + ${k}u * HW; let st_${k} = st + ${k}u * HW; let gb_${k} = gb + ${k}u * HW; let has${k} = f + ${k}u < F;`).join('\n')}`;
}

/** Pixel i of the tile, guarded: the statements run only inside the image. */
const each = (px: number, body: (i: number) => string) => range(px).map((i) => `if (col0 + ${i}u < W) {${body(i)}}`).join('\n');

/** `v{j}` = row element at column c0 + j for j < n (zero outside the image). */
const rowWindow = (load: (idx: string) => string, c0: string, n: number) => range(n).map((j) =>
  `let v${j} = select(0.0, ${load(`u32(clamp(${c0} + ${j}, 0, i32(W) - 1))`)}, ${c0} + ${j} >= 0 && ${c0} + ${j} < i32(W));`).join(' ');

/** Grid of either pass: one thread per (filter block, row, pixel block), per sequence. */
const grid = (op: ConvLstmOp, nf: number, px: number): KernelPlan['grid'] =>
  [cdiv(mul(cdiv(op.filters, nf), op.height, cdiv(op.width, px)), WG), op.batch, 1];

/**
 * Forward, one step per dispatch. Per kernel row (c, p): PX + K − 1 state loads and 4·NF·K weight loads
 * feed 4·NF·K·PX multiply-adds (4 filters × 8 pixels, K = 3: 58 loads per 384, where 4 × 4 with a load
 * per tap took 60 per 192).
 */
export function convLstmKernel(w: KernelWriter, op: ConvLstmOp): KernelPlan {
  const { nf, px } = FORWARD;
  w.helper('sigmoid', 'tanh_');
  // What only the backward pass reads (hprev, the activated gates): left out of a forward-only copy.
  const saved = (t: TensorId, index: string, value: string) => (op.forwardOnly ? '' : w.store(t, index, value));
  const hs = w.base(op.hs, true).base;
  const h0 = op.h0 === undefined ? null : w.base(op.h0).base;
  const filters = range(nf), pixels = range(px), taps = range(op.k);
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
  ${saved(op.hprev, `st_${k} + ${i}u`, `hp${k}_${i}`)}
  ${w.store(op.cells, `st_${k} + ${i}u`, 'cn')}
  ${saved(op.gates, `gb_${k} + ${i}u`, 'ig')} ${saved(op.gates, `gb_${k} + S + ${i}u`, 'fg')}
  ${saved(op.gates, `gb_${k} + 2u * S + ${i}u`, 'gg')} ${saved(op.gates, `gb_${k} + 3u * S + ${i}u`, 'og')}
  if (t == len - 1u) {
    ${op.hN === undefined ? '' : w.store(op.hN, `b * S + e0_${k} + ${i}u`, 'h')}
    ${op.cN === undefined ? '' : w.store(op.cN, `b * S + e0_${k} + ${i}u`, 'cn')}
  }
`;
  const body = `${header(w, op, 'step.t', nf, px)}
if (t >= len) {
  ${filters.map((k) => `if (has${k}) { ${each(px, (i) => ` arena[${hs} + st_${k} + ${i}u] = 0.0; ${saved(op.hprev, `st_${k} + ${i}u`, '0.0')} `)} }`).join('\n  ')}
  return;
}
let first = t == 0u;
// The state this step starts from: h0 (or zeros) at the first step, else hs of the previous step.
var src = ${hs} + (b * T + t - 1u) * S;
var have = true;
if (first) { ${h0 === null ? 'have = false;' : `src = ${h0} + b * S;`} }
${filters.map((k) => `${pixels.map((i) => `var acc${k}_${i} = vec4<f32>(); var hp${k}_${i} = 0.0;`).join(' ')}`).join('\n')}
if (have) {
  ${filters.map((k) => `{
    let fk = min(f + ${k}u, F - 1u);
    ${rowWindow((idx) => `arena[src + (fk * H + r) * W + ${idx}]`, 'i32(col0)', px)}
    ${pixels.map((i) => `hp${k}_${i} = v${i};`).join(' ')}
  }`).join('\n  ')}
  for (var c = 0u; c < F; c++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + p) - pad;
      if (ri < 0 || ri >= i32(H)) { continue; }
      let hrow = src + (c * H + u32(ri)) * W;
      ${rowWindow((idx) => `arena[hrow + ${idx}]`, 'i32(col0) - pad', px + op.k - 1)}
      ${filters.map((k) => `let wrow${k} = wb + ((min(f + ${k}u, F - 1u) * (C + F) + C + c) * K + p) * K;`).join(' ')}
      ${taps.map((q) => filters.map((k) => `{
        let wv = vec4<f32>(params[wrow${k} + ${q}u], params[wrow${k} + gs + ${q}u], params[wrow${k} + 2u * gs + ${q}u], params[wrow${k} + 3u * gs + ${q}u]);
        ${pixels.map((i) => `acc${k}_${i} += wv * v${q + i};`).join(' ')}
      }`).join('\n      ')).join('\n      ')}
    }
  }
}
${filters.map((k) => `if (has${k}) {
${each(px, cell(k))}
}`).join('\n')}`;
  return { body, workgroupSize: [WG, 1, 1], grid: grid(op, nf, px), loop: op.time };
}

/**
 * Backward through time, latest step first. Per (gate channel o, kernel row p) of the transposed recurrent
 * convolution: PX + K − 1 gate-gradient loads and NF·K weight loads feed NF·K·PX multiply-adds (4 filters
 * × 8 pixels, K = 3: 22 loads per 96, where 4 × 4 with a load per tap took 24 per 48).
 */
export function convLstmGradKernel(w: KernelWriter, g: ConvLstmGradOp): KernelPlan {
  const op = g.fwd;
  const { nf, px } = BACKWARD;
  w.helper('tanh_');
  const dg = w.base(g.dgates, true).base;
  const carry = w.base(g.dcCarry, true).base;
  const filters = range(nf), pixels = range(px), taps = range(op.k);
  const c0 = (k: number, i: number) => (op.c0 === undefined ? '0.0' : w.load(op.c0, `b * S + e0_${k} + ${i}u`));
  const cell = (k: number) => (i: number) => `
  var dh = dh${k}_${i};
  var dc = 0.0;
  if (t == len - 1u) {
    ${g.dhN === undefined ? '' : `dh += ${w.load(g.dhN, `b * S + e0_${k} + ${i}u`)};`}
    ${g.dcN === undefined ? '' : `dc = ${w.load(g.dcN, `b * S + e0_${k} + ${i}u`)};`}
  } else {
    dc = arena[${carry} + b * S + e0_${k} + ${i}u];
  }
  ${g.dhs === undefined ? '' : `dh += ${w.load(g.dhs, `st_${k} + ${i}u`)};`}
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
  const body = `${header(w, op, 'T - 1u - step.t', nf, px)}
if (t >= len) {
  ${filters.map((k) => `if (has${k}) { ${each(px, (i) => ` for (var g = 0u; g < 4u; g++) { arena[${dg} + gb_${k} + g * S + ${i}u] = 0.0; } `)} }`).join('\n  ')}
  return;
}
// dh{k}_{i}: the recurrent part of filter f + k's state gradient at pixel i (the rest is added per pixel below).
${filters.map((k) => pixels.map((i) => `var dh${k}_${i} = 0.0;`).join(' ')).join('\n')}
if (t != len - 1u) {
  // The transposed recurrent convolution of the next step's gate gradients: pixel i, tap q reads column
  // col0 + i + pad − q, which is v{K − 1 − q + i} of the window starting at col0 + pad − (K − 1).
  let nb = ${dg} + (b * T + t + 1u) * 4u * S;
  for (var o = 0u; o < 4u * F; o++) {
    for (var p = 0u; p < K; p++) {
      let ri = i32(r + u32(pad)) - i32(p);
      if (ri < 0 || ri >= i32(H)) { continue; }
      let drow = nb + (o * H + u32(ri)) * W;
      ${rowWindow((idx) => `arena[drow + ${idx}]`, `i32(col0) + pad - ${op.k - 1}`, px + op.k - 1)}
      ${filters.map((k) => `let wrow${k} = wb + ((o * (C + F) + C + min(f + ${k}u, F - 1u)) * K + p) * K;`).join(' ')}
      ${taps.map((q) => filters.map((k) => `{ let wq = params[wrow${k} + ${q}u]; ${pixels.map((i) => `dh${k}_${i} += wq * v${op.k - 1 - q + i};`).join(' ')} }`).join('\n      ')).join('\n      ')}
    }
  }
}
${filters.map((k) => `if (has${k}) {
${each(px, cell(k))}
}`).join('\n')}`;
  return { body, workgroupSize: [WG, 1, 1], grid: grid(op, nf, px), loop: op.time };
}
