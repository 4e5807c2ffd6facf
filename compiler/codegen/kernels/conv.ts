// The convolution family as implicit GEMM, no workgroup memory (see matmul.ts for why):
//   forward: a thread per output position and block of FB filters, so each input load feeds FB products;
//   dx:      a thread per input element gathers the outputs whose windows cover it (no atomics);
//   dw:      a thread per weight element (and per filter for the bias) sums over frames and positions.
import type { ConvOp } from '../../ir/conv-ops.ts';
import { mul } from '../../ir/builder.ts';
import { actExpr, type KernelWriter, wgslSize } from '../wgsl.ts';
import { frameIndex } from './frame-index.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

const FB = 4;

function dims(op: ConvOp): string {
  return `let N = ${wgslSize(op.frames)}; let H = ${wgslSize(op.height)}; let W = ${wgslSize(op.width)};
let Ho = ${wgslSize(op.outHeight)}; let Wo = ${wgslSize(op.outWidth)};
let C = ${op.cin}u; let F = ${op.cout}u; let KH = ${op.kh}u; let KW = ${op.kw}u; let S = ${op.stride}u;`;
}

/** Index of weight element (f, input channel c of x's view, p, q). */
const wIndex = (op: ConvOp, f: string, c: string) => `((${f} * ${op.wcin}u + ${op.wcOffset}u + ${c}) * KH + p) * KW + q`;
const xIdx = (op: ConvOp, c: string, r: string, col: string) => frameIndex(op.layout, 'C', 'H', 'W', 'n', c, r, col);
const yIdx = (op: ConvOp, f: string, oi: string, oj: string) => frameIndex(op.layout, 'F', 'Ho', 'Wo', 'n', f, oi, oj);

/** Loops over the kernel taps (p, q) that land inside the input for output (oi, oj); defines r, col. */
const taps = (op: ConvOp, body: string) => `for (var p = 0u; p < KH; p++) {
    let ri = i32(oi * S + p) - ${op.padH};
    if (ri < 0 || ri >= i32(H)) { continue; }
    let r = u32(ri);
    for (var q = 0u; q < KW; q++) {
      let ci = i32(oj * S + q) - ${op.padW};
      if (ci < 0 || ci >= i32(W)) { continue; }
      let col = u32(ci);
      ${body}
    }
  }`;

export function convKernel(w: KernelWriter, op: ConvOp): KernelPlan {
  switch (op.stage) {
    case 'forward': return convForward(w, op);
    case 'dx': return convDx(w, op);
    case 'dw': return convDw(w, op);
  }
}

function convForward(w: KernelWriter, op: ConvOp): KernelPlan {
  const fb = Math.min(FB, op.cout), nfb = Math.ceil(op.cout / fb);
  const items = mul(op.frames, op.outHeight, op.outWidth, nfb);
  const bias = op.bias === undefined ? '' : ` + ${w.load(op.bias, 'f')}`;
  const body = `${dims(op)}
let items = N * Ho * Wo * ${nfb}u;
${strideLoop('items')} {
  let oj = i % Wo; let oi = (i / Wo) % Ho; let rest = i / (Wo * Ho);
  let f0 = (rest % ${nfb}u) * ${fb}u; let n = rest / ${nfb}u;
  var acc = array<f32, ${fb}>();
  for (var c = 0u; c < C; c++) {
    ${taps(op, `let xv = ${w.load(op.x, xIdx(op, 'c', 'r', 'col'))};
      for (var k = 0u; k < ${fb}u; k++) { let f = min(f0 + k, F - 1u); acc[k] += ${w.load(op.wt, wIndex(op, 'f', 'c'))} * xv; }`)}
  }
  for (var k = 0u; k < ${fb}u; k++) {
    let f = f0 + k;
    if (f >= F) { break; }
    ${w.store(op.y, yIdx(op, 'f', 'oi', 'oj'), actExpr(w, op.act, `(acc[k]${bias})`), op.accumulate)}
  }
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(items) };
}

function convDx(w: KernelWriter, op: ConvOp): KernelPlan {
  const items = mul(op.frames, op.height, op.width, op.cin);
  // Output (oi, oj) sees input row r through tap p when oi·S + p − pad = r.
  const body = `${dims(op)}
let items = N * H * W * C;
${strideLoop('items')} {
  ${op.layout === 'nchw'
    ? 'let col = i % W; let r = (i / W) % H; let c = (i / (W * H)) % C; let n = i / (W * H * C);'
    : 'let c = i % C; let col = (i / C) % W; let r = 0u; let n = i / (C * W);'}
  var acc = 0.0;
  for (var p = 0u; p < KH; p++) {
    let ri = i32(r) + ${op.padH} - i32(p);
    if (ri < 0 || ri % i32(S) != 0) { continue; }
    let oi = u32(ri) / S;
    if (oi >= Ho) { continue; }
    for (var q = 0u; q < KW; q++) {
      let ci = i32(col) + ${op.padW} - i32(q);
      if (ci < 0 || ci % i32(S) != 0) { continue; }
      let oj = u32(ci) / S;
      if (oj >= Wo) { continue; }
      for (var f = 0u; f < F; f++) { acc += ${w.load(op.dy!, yIdx(op, 'f', 'oi', 'oj'))} * ${w.load(op.wt, wIndex(op, 'f', 'c'))}; }
    }
  }
  ${w.store(op.dx!, xIdx(op, 'c', 'r', 'col'), 'acc', op.accumulate)}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(items) };
}

function convDw(w: KernelWriter, op: ConvOp): KernelPlan {
  const C2 = op.cin2 ?? 0, CT = op.cin + C2;
  const nW = op.cout * CT * op.kh * op.kw;
  const items = nW + (op.dbias === undefined ? 0 : op.cout);
  const sumOver = (load: string) => `for (var n = 0u; n < N; n++) {
      for (var oi = 0u; oi < Ho; oi++) {
        let ri = i32(oi * S + p) - ${op.padH};
        if (ri < 0 || ri >= i32(H)) { continue; }
        let r = u32(ri);
        for (var oj = 0u; oj < Wo; oj++) {
          let ci = i32(oj * S + q) - ${op.padW};
          if (ci < 0 || ci >= i32(W)) { continue; }
          let col = u32(ci);
          acc += ${w.load(op.dy!, yIdx(op, 'f', 'oi', 'oj'))} * ${load};
        }
      }
    }`;
  const second = op.x2 === undefined ? '' : ` else {
    ${sumOver(w.load(op.x2, frameIndex(op.layout, `${C2}u`, 'H', 'W', 'n', 'c - C', 'r', 'col')))}
  }`;
  const bias = op.dbias === undefined ? '' : `
  if (i >= ${nW}u) {
    let f = i - ${nW}u;
    var acc = 0.0;
    for (var n = 0u; n < N; n++) {
      for (var oi = 0u; oi < Ho; oi++) {
        for (var oj = 0u; oj < Wo; oj++) { acc += ${w.load(op.dy!, yIdx(op, 'f', 'oi', 'oj'))}; }
      }
    }
    ${w.store(op.dbias, 'f', 'acc', op.accumulateBias ?? false)}
    continue;
  }`;
  const body = `${dims(op)}
${strideLoop(`${items}u`)} {${bias}
  let q = i % KW; let p = (i / KW) % KH; let c = (i / (KW * KH)) % ${CT}u; let f = i / (KW * KH * ${CT}u);
  var acc = 0.0;
  if (c < C) {
    ${sumOver(w.load(op.x, xIdx(op, 'c', 'r', 'col')))}
  }${second}
  ${w.store(op.dwt!, wIndex(op, 'f', 'c'), 'acc', op.accumulate)}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(items) };
}
