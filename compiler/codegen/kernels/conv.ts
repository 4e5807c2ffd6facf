// The convolution family as implicit GEMM, no workgroup memory (see matmul.ts for why). Each thread
// keeps an unrolled register tile of explicit vec4s (SwiftShader spills loops over private arrays):
//   forward: 4 filters × 8 adjacent output columns, each input column loaded once for all taps (below);
//   dx:      4 adjacent input columns of one channel gather from the outputs whose windows cover them (no atomics);
//   dw:      4 filters × 4 input channels of one tap, summed over frames and positions (and a thread per
//            filter for the bias).
import type { ConvOp } from '../../ir/conv-ops.ts';
import { add, mul } from '../../ir/builder.ts';
import { actExpr, indentAfterFirst, type KernelWriter, range, wgslSize } from '../wgsl.ts';
import { frameIndex } from './frame-index.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

const LANES = [0, 1, 2, 3];
const L = ['x', 'y', 'z', 'w'];
const vec = (f: (i: number) => string) => `vec4<f32>(${LANES.map(f).join(', ')})`;

function dims(op: ConvOp): string {
  return `let N = ${wgslSize(op.frames)}; let H = ${wgslSize(op.height)}; let W = ${wgslSize(op.width)};
let Ho = ${wgslSize(op.outHeight)}; let Wo = ${wgslSize(op.outWidth)};
let C = ${op.cin}u; let F = ${op.cout}u; let KH = ${op.kh}u; let KW = ${op.kw}u; let S = ${op.stride}u;`;
}

/** Index of weight element (filter f, input channel c of x's view, tap p, q). */
const wIndex = (op: ConvOp, f: string, c: string, p = 'p', q = 'q') => `(((${f}) * ${op.wcin}u + ${op.wcOffset}u + (${c})) * KH + ${p}) * KW + ${q}`;
const xIdx = (op: ConvOp, c: string, r: string, col: string) => frameIndex(op.layout, 'C', 'H', 'W', 'n', c, r, col);
const yIdx = (op: ConvOp, f: string, oi: string, oj: string) => frameIndex(op.layout, 'F', 'Ho', 'Wo', 'n', f, oi, oj);

export function convKernel(w: KernelWriter, op: ConvOp): KernelPlan {
  switch (op.stage) {
    case 'forward': return convForward(w, op);
    case 'dx': return convDx(w, op);
    case 'dw': return convDw(w, op);
  }
}

/** Output columns per forward thread: each loaded input column and weight feeds up to 8 products. */
const FORWARD_COLUMNS = 8;

/**
 * Forward: a thread owns 4 filters × 8 adjacent output columns of one output row. Per kernel row (c, p) it
 * loads the (8 − 1)·S + KW input columns its outputs touch once for all KW taps (they were loaded per tap,
 * and the taps overlap), and 4 weights per tap each feeding 8 columns: at stride 1 and KW = 3, 22 loads per
 * 96 multiply-adds where 4 × 4 with loads per tap made 24 per 48 (M5's input convolution, issue #8).
 */
function convForward(w: KernelWriter, op: ConvOp): KernelPlan {
  const PX = FORWARD_COLUMNS, S = op.stride;
  const nfb = Math.ceil(op.cout / 4);
  const wob: SizeExprLike = typeof op.outWidth === 'number' ? Math.ceil(op.outWidth / PX) : ['cdiv', op.outWidth, PX];
  const items = mul(op.frames, op.outHeight, wob, nfb);
  const fl = (k: number) => `min(f0 + ${k}u, F - 1u)`;
  const cols = range(PX), taps = range(op.kw), window = range((PX - 1) * S + op.kw);
  // v{m} = input column c0 + m of row r (zero outside the input); output column oj0 + j at tap q reads v{j·S + q}.
  const xload = (m: number) => `let v${m} = select(0.0, ${w.load(op.x, xIdx(op, 'c', 'r', `u32(clamp(c0 + ${m}, 0, i32(W) - 1))`))}, ` +
    `c0 + ${m} >= 0 && c0 + ${m} < i32(W));`;
  const bias = op.bias === undefined ? '' : `let bias = ${vec((k) => w.load(op.bias!, fl(k)))};`;
  const stores = cols.map((j) => `if (oj0 + ${j}u < Wo) {
    ${LANES.map((k) => `if (f0 + ${k}u < F) { ${w.store(op.y, yIdx(op, `f0 + ${k}u`, 'oi', `oj0 + ${j}u`),
      actExpr(w, op.act, `(acc${j}.${L[k]}${op.bias === undefined ? '' : ` + bias.${L[k]}`})`), op.accumulate)} }`).join('\n    ')}
  }`).join('\n  ');
  const body = `${dims(op)}
let WOB = (Wo + ${PX - 1}u) / ${PX}u;
let items = N * Ho * WOB * ${nfb}u;
${strideLoop('items')} {
  let oj0 = (i % WOB) * ${PX}u; let oi = (i / WOB) % Ho; let rest = i / (WOB * Ho);
  let f0 = (rest % ${nfb}u) * 4u; let n = rest / ${nfb}u;
  ${cols.map((j) => `var acc${j} = vec4<f32>();`).join(' ')}
  let c0 = i32(oj0 * S) - ${op.padW};
  for (var c = 0u; c < C; c++) {
    for (var p = 0u; p < KH; p++) {
      let ri = i32(oi * S + p) - ${op.padH};
      if (ri < 0 || ri >= i32(H)) { continue; }
      let r = u32(ri);
      ${window.map(xload).join('\n      ')}
      ${taps.map((q) => `{
        let wv = ${vec((k) => w.load(op.wt, wIndex(op, fl(k), 'c', 'p', `${q}u`)))};
        ${cols.map((j) => `acc${j} += wv * v${j * S + q};`).join(' ')}
      }`).join('\n      ')}
    }
  }
  ${bias}
  ${stores}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(items) };
}

type SizeExprLike = Parameters<typeof mul>[0];

function convDx(w: KernelWriter, op: ConvOp): KernelPlan {
  const wb: SizeExprLike = typeof op.width === 'number' ? Math.ceil(op.width / 4) : ['cdiv', op.width, 4];
  const items = mul(op.frames, op.height, wb, op.cin);
  // Output column of input column col0 + j at tap q (valid when it lands on the stride grid inside the output).
  const cond = (j: number) => `cq + ${j} >= 0 && (cq + ${j}) % i32(S) == 0 && (cq + ${j}) / i32(S) < i32(Wo)`;
  const dyload = (j: number) => `select(0.0, ${w.load(op.dy!, yIdx(op, 'f', 'oi', `u32(clamp((cq + ${j}) / i32(S), 0, i32(Wo) - 1))`))}, ${cond(j)})`;
  const body = `${dims(op)}
let WB = (W + 3u) / 4u;
let items = N * H * WB * C;
${strideLoop('items')} {
  ${op.layout === 'nchw'
    ? 'let col0 = (i % WB) * 4u; let r = (i / WB) % H; let c = (i / (WB * H)) % C; let n = i / (WB * H * C);'
    : 'let c = i % C; let col0 = ((i / C) % WB) * 4u; let r = 0u; let n = i / (C * WB);'}
  var acc = vec4<f32>();
  for (var p = 0u; p < KH; p++) {
    let ri = i32(r) + ${op.padH} - i32(p);
    if (ri < 0 || ri % i32(S) != 0) { continue; }
    let oi = u32(ri) / S;
    if (oi >= Ho) { continue; }
    for (var q = 0u; q < KW; q++) {
      let cq = i32(col0) + ${op.padW} - i32(q);
      for (var f = 0u; f < F; f++) {
        acc += ${w.load(op.wt, wIndex(op, 'f', 'c'))} * ${vec(dyload)};
      }
    }
  }
  ${LANES.map((j) => `if (col0 + ${j}u < W) { ${w.store(op.dx!, xIdx(op, 'c', 'r', `col0 + ${j}u`), `acc.${L[j]}`, op.accumulate)} }`).join('\n  ')}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(items) };
}

/**
 * The weight-gradient sum for channel block cb: of x (cb < cb1), else of the second input x2 (whose
 * weights follow x's, at channel C + c).
 */
function channelBlocks(op: ConvOp, cb1: number, sumOver: (t: number, cn: string) => string, store: (cn: string, offset: string) => string): string {
  const second = op.x2 === undefined ? '' : ` else {
  let c0 = (cb - ${cb1}u) * 4u;
  ${sumOver(op.x2, `${op.cin2 ?? 0}u`)}
  ${store(`${op.cin2 ?? 0}u`, 'C + ')}
}`;
  return `if (cb < ${cb1}u) {
  let c0 = cb * 4u;
  ${sumOver(op.x, 'C')}
  ${store('C', '')}
}${second}`;
}

/** Items from nW on are the filters' bias gradients (a thread per filter), then leave the item. */
function biasGradient(w: KernelWriter, op: ConvOp, nW: number, leave: 'return' | 'continue'): string {
  return op.dbias === undefined ? '' : `
if (i >= ${nW}u) {
  let f = i - ${nW}u;
  var acc = 0.0;
  for (var n = 0u; n < N; n++) {
    for (var oi = 0u; oi < Ho; oi++) {
      for (var oj = 0u; oj < Wo; oj++) { acc += ${w.load(op.dy!, yIdx(op, 'f', 'oi', 'oj'))}; }
    }
  }
  ${w.store(op.dbias, 'f', 'acc', op.accumulateBias ?? false)}
  ${leave};
}`;
}

function convDw(w: KernelWriter, op: ConvOp): KernelPlan {
  return op.stride === 1 ? convDwSliding(w, op) : convDwTaps(w, op);
}

/**
 * dw at stride 1: a thread owns 4 filters × 4 input channels × one kernel row p, all KW taps of it, and
 * walks each output row left to right keeping the last KW input columns in registers: a step loads one
 * new input column (4 channels) and 4 output gradients for 16·KW multiply-adds, where a thread per tap
 * loaded 8 words for 16 (M5's ConvLSTM weight gradient was 29-40% of its training step, issue #8).
 * 16-thread workgroups: there are few items (M5: 240), and they should spread evenly over the cores
 * (64-thread ones left M5's 5 workgroups to 2 cores: 554-616 ms against 484-546, replayed alternately).
 */
function convDwSliding(w: KernelWriter, op: ConvOp): KernelPlan {
  const C2 = op.cin2 ?? 0, KW = op.kw;
  const nfb = Math.ceil(op.cout / 4), cb1 = Math.ceil(op.cin / 4), cb2 = Math.ceil(C2 / 4);
  const nW = nfb * (cb1 + cb2) * op.kh;
  const items = nW + (op.dbias === undefined ? 0 : op.cout);
  const taps = [...Array(KW).keys()];
  const fl = (k: number) => `min(f0 + ${k}u, F - 1u)`;
  // Input column `col` (an i32) of channels c0..c0+3 of `t`, zero outside the row.
  const xAt = (t: number, cn: string, col: string) => `select(vec4<f32>(), ${vec((k) => w.load(t, frameIndex(op.layout, cn, 'H', 'W', 'n',
    `min(c0 + ${k}u, ${cn} - 1u)`, 'r', `u32(clamp(${col}, 0, i32(W) - 1))`)))}, ${col} >= 0 && ${col} < i32(W))`;
  const sumOver = (t: number, cn: string) => `for (var n = 0u; n < N; n++) {
      for (var oi = 0u; oi < Ho; oi++) {
        let ri = i32(oi + p) - ${op.padH};
        if (ri < 0 || ri >= i32(H)) { continue; }
        let r = u32(ri);
        ${taps.slice(0, -1).map((q) => `var x${q} = ${xAt(t, cn, `${q - op.padW}`)};`).join(' ')}
        for (var oj = 0u; oj < Wo; oj++) {
          let x${KW - 1} = ${xAt(t, cn, `i32(oj) + ${KW - 1 - op.padW}`)};
          let dv = ${vec((k) => w.load(op.dy!, yIdx(op, fl(k), 'oi', 'oj')))};
          ${taps.map((q) => LANES.map((k) => `acc${q}_${k} += dv.${L[k]} * x${q};`).join(' ')).join('\n          ')}
          ${taps.slice(0, -1).map((q) => `x${q} = x${q + 1};`).join(' ')}
        }
      }
    }`;
  const store = (cn: string, offset: string) => taps.map((q) => LANES.map((k) => `if (f0 + ${k}u < F) {
    ${LANES.map((j) => `if (c0 + ${j}u < ${cn}) { ${w.store(op.dwt!, wIndex(op, `f0 + ${k}u`, `${offset}c0 + ${j}u`, 'p', `${q}u`), `acc${q}_${k}.${L[j]}`, op.accumulate)} }`).join(' ')}
  }`).join('\n  ')).join('\n  ');
  const bias = biasGradient(w, op, nW, 'return');
  const body = `${dims(op)}
let i = gid.x;
if (i >= ${items}u) { return; }${bias}
let p = i % KH; let cb = (i / KH) % ${cb1 + cb2}u; let f0 = (i / (KH * ${cb1 + cb2}u)) * 4u;
${taps.flatMap((q) => LANES.map((k) => `var acc${q}_${k} = vec4<f32>();`)).join(' ')}
${channelBlocks(op, cb1, sumOver, store)}`;
  return { body, workgroupSize: [16, 1, 1], grid: [Math.ceil(items / 16), 1, 1] };
}

function convDwTaps(w: KernelWriter, op: ConvOp): KernelPlan {
  const C2 = op.cin2 ?? 0;
  const nfb = Math.ceil(op.cout / 4), cb1 = Math.ceil(op.cin / 4), cb2 = Math.ceil(C2 / 4);
  const nW = nfb * (cb1 + cb2) * op.kh * op.kw;
  const items = add(nW, op.dbias === undefined ? 0 : op.cout);
  const fl = (k: number) => `min(f0 + ${k}u, F - 1u)`;
  /** The sum over frames and positions for channels c0..c0+3 of `t` (channels `cn`), into acc0..acc3 (lane = channel). */
  const sumOver = (t: number, cn: string) => `for (var n = 0u; n < N; n++) {
      for (var oi = 0u; oi < Ho; oi++) {
        let ri = i32(oi * S + p) - ${op.padH};
        if (ri < 0 || ri >= i32(H)) { continue; }
        let r = u32(ri);
        for (var oj = 0u; oj < Wo; oj++) {
          let ci = i32(oj * S + q) - ${op.padW};
          if (ci < 0 || ci >= i32(W)) { continue; }
          let col = u32(ci);
          let xv = ${vec((k) => w.load(t, frameIndex(op.layout, cn, 'H', 'W', 'n', `min(c0 + ${k}u, ${cn} - 1u)`, 'r', 'col')))};
          let dv = ${vec((k) => w.load(op.dy!, yIdx(op, fl(k), 'oi', 'oj')))};
          acc0 += dv.x * xv; acc1 += dv.y * xv; acc2 += dv.z * xv; acc3 += dv.w * xv;
        }
      }
    }`;
  const store = (cn: string, offset: string) => LANES.map((k) => `if (f0 + ${k}u < F) {
    ${LANES.map((j) => `if (c0 + ${j}u < ${cn}) { ${w.store(op.dwt!, wIndex(op, `f0 + ${k}u`, `${offset}c0 + ${j}u`), `acc${k}.${L[j]}`, op.accumulate)} }`).join(' ')}
  }`).join('\n  ');
  const bias = biasGradient(w, op, nW, 'continue');
  const body = `${dims(op)}
${strideLoop(`${wgslSize(items)}`)} {${bias}
  let q = i % KW; let p = (i / KW) % KH; let cb = (i / (KW * KH)) % ${cb1 + cb2}u; let f0 = (i / (KW * KH * ${cb1 + cb2}u)) * 4u;
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
  ${indentAfterFirst(channelBlocks(op, cb1, sumOver, store), 2)}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(items) };
}
