// The fused attention core (see AttentionOp), flash-attention style without workgroup memory:
//   forward: a thread per (b, head, query row) streams over the keys with a running max and sum
//            (online softmax), so only O(B·Tq·D) is written; the optional weights take a second pass;
//   dq:      a thread per query row recomputes each a_ij from the saved (max, sum) and sums dq;
//   dkv:     a thread per key row loops over the query rows that see it and sums dk and dv.
import type { AttentionOp } from '../../ir/attention-ops.ts';
import { mul } from '../../ir/builder.ts';
import { indentAfterFirst, type KernelWriter, wgslSize } from '../wgsl.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

const f32 = (x: number) => x.toPrecision(9);

/** Shared lets: sizes, and the row decomposition of item i into (b, h, row). */
function head(w: KernelWriter, op: AttentionOp, rows: 'TQ' | 'TK'): string {
  const len = op.lengths === undefined ? 'TK' : `u32(clamp(${w.load(op.lengths, 'b')}, 1, i32(TK)))`;
  return `let B = ${wgslSize(op.batch)}; let TQ = ${wgslSize(op.tq)}; let TK = ${wgslSize(op.tk)};
let NH = ${op.heads}u; let DK = ${op.dk}u; let DV = ${op.dv}u;
${strideLoop(`B * NH * ${rows}`)} {
  let row = i % ${rows}; let h = (i / ${rows}) % NH; let b = i / (${rows} * NH);
  let len = ${len};`;
}

/** Element bases of query row qi, key row kj and value row kj (head h), and of y / dy row qi. */
const qAt = (op: AttentionOp, qi: string) => `${op.qOff}u + (b * TQ + ${qi}) * ${op.qLd}u + h * DK`;
const kAt = (op: AttentionOp, kj: string) => `${op.kOff}u + (b * TK + ${kj}) * ${op.kLd}u + h * DK`;
const vAt = (op: AttentionOp, kj: string) => `${op.vOff}u + (b * TK + ${kj}) * ${op.vLd}u + h * DV`;
const yAt = (qi: string) => `(b * TQ + ${qi}) * NH * DV + h * DV`;
const statAt = (qi: string) => `((b * NH + h) * TQ + ${qi})`;

/**
 * Statements computing score `s` of query row qi against key row kj, with the query's columns in qr[·]
 * (registers) or read from memory. Additive scores also leave tanh(·) in th[·].
 */
function score(w: KernelWriter, op: AttentionOp, kj: string, q: (c: string) => string): string {
  if (op.score === 'additive') {
    w.helper('tanh_');
    return `var s = 0.0;
    for (var c = 0u; c < DK; c++) { th[c] = tanh_(${q('c')} + ${w.load(op.keys, `${kAt(op, kj)} + c`)}); s += ${w.load(op.u!, 'c')} * th[c]; }`;
  }
  return `var s = 0.0;
    for (var c = 0u; c < DK; c++) { s += ${q('c')} * ${w.load(op.keys, `${kAt(op, kj)} + c`)}; }
    s = s * ${f32(op.scale)};`;
}

/** The end (exclusive) of the keys query row qi sees. */
const keyEnd = (op: AttentionOp, qi: string) => (op.causal ? `min(len, ${qi} + 1u)` : 'len');

export function attentionKernel(w: KernelWriter, op: AttentionOp): KernelPlan {
  switch (op.stage) {
    case 'forward': return attentionForward(w, op);
    case 'dq': return attentionDq(w, op);
    case 'dkv': return attentionDkv(w, op);
  }
}

function loadQuery(w: KernelWriter, op: AttentionOp): string {
  return `var qr = array<f32, ${op.dk}>();
  for (var c = 0u; c < DK; c++) { qr[c] = ${w.load(op.query, `${qAt(op, 'row')} + c`)}; }
  var th = array<f32, ${op.score === 'additive' ? op.dk : 1}>();`;
}

function attentionForward(w: KernelWriter, op: AttentionOp): KernelPlan {
  const weights = op.weights === undefined ? '' : `
  for (var j = 0u; j < TK; j++) {
    var a = 0.0;
    if (j < kend) {
      ${score(w, op, 'j', (c) => `qr[${c}]`)}
      a = exp(s - m) / l;
    }
    ${w.store(op.weights, '(b * TQ + row) * TK + j', 'a')}
  }`;
  const body = `${head(w, op, 'TQ')}
  ${loadQuery(w, op)}
  let kend = ${keyEnd(op, 'row')};
  var m = -3.4e38; var l = 0.0;
  var acc = array<f32, ${op.dv}>();
  for (var j = 0u; j < kend; j++) {
    ${score(w, op, 'j', (c) => `qr[${c}]`)}
    let mn = max(m, s);
    let corr = exp(m - mn); let p = exp(s - mn);
    l = l * corr + p;
    for (var c = 0u; c < DV; c++) { acc[c] = acc[c] * corr + p * ${w.load(op.values, `${vAt(op, 'j')} + c`)}; }
    m = mn;
  }
  for (var c = 0u; c < DV; c++) { ${w.store(op.y, `${yAt('row')} + c`, 'acc[c] / l')} }
  ${w.store(op.stats, `${statAt('row')} * 2u`, 'm')}
  ${w.store(op.stats, `${statAt('row')} * 2u + 1u`, 'l')}${weights}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.heads, op.tq)) };
}

/** dA_ij: dy_i · v_j (dy_i in dyr[·]) plus the gradient of the weights output. */
function dA(w: KernelWriter, op: AttentionOp, qi: string, kj: string): string {
  const dw = op.dweights === undefined ? '' : ` + ${w.load(op.dweights, `(b * TQ + ${qi}) * TK + ${kj}`)}`;
  return `var da = 0.0;
    for (var c = 0u; c < DV; c++) { da += dyr[c] * ${w.load(op.values, `${vAt(op, kj)} + c`)}; }
    da = da${dw};`;
}

function loadDy(w: KernelWriter, op: AttentionOp, qi: string): string {
  return `for (var c = 0u; c < DV; c++) { dyr[c] = ${w.load(op.dy!, `${yAt(qi)} + c`)}; }`;
}

function attentionDq(w: KernelWriter, op: AttentionOp): KernelPlan {
  const a = `exp(s - ${w.load(op.stats, `${statAt('row')} * 2u`)}) / ${w.load(op.stats, `${statAt('row')} * 2u + 1u`)}`;
  const weightsTerm = op.dweights === undefined ? '' : `
  for (var j = 0u; j < kend; j++) {
    ${score(w, op, 'j', (c) => `qr[${c}]`)}
    delta += (${a}) * ${w.load(op.dweights, '(b * TQ + row) * TK + j')};
  }`;
  const step = op.score === 'additive'
    ? `for (var c = 0u; c < DK; c++) { dq[c] += ds * ${w.load(op.u!, 'c')} * (1.0 - th[c] * th[c]); }`
    : `for (var c = 0u; c < DK; c++) { dq[c] += ds * ${f32(op.scale)} * ${w.load(op.keys, `${kAt(op, 'j')} + c`)}; }`;
  const body = `${head(w, op, 'TQ')}
  ${loadQuery(w, op)}
  let kend = ${keyEnd(op, 'row')};
  var dyr = array<f32, ${op.dv}>();
  ${loadDy(w, op, 'row')}
  var delta = 0.0;
  for (var c = 0u; c < DV; c++) { delta += dyr[c] * ${w.load(op.y, `${yAt('row')} + c`)}; }${weightsTerm}
  ${w.store(op.delta!, statAt('row'), 'delta')}
  var dq = array<f32, ${op.dk}>();
  for (var j = 0u; j < kend; j++) {
    ${score(w, op, 'j', (c) => `qr[${c}]`)}
    let a = ${a};
    ${dA(w, op, 'row', 'j')}
    let ds = a * (da - delta);
    ${step}
  }
  for (var c = 0u; c < DK; c++) { ${w.store(op.dquery!, `${qAt(op, 'row')} + c`, 'dq[c]', op.accumulateQ ?? false)} }
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.heads, op.tq)) };
}

function attentionDkv(w: KernelWriter, op: AttentionOp): KernelPlan {
  const additive = op.score === 'additive';
  const q = (c: string) => w.load(op.query, `${qAt(op, 'qi')} + ${c}`);
  const dkStep = additive
    ? `for (var c = 0u; c < DK; c++) { dk[c] += ds * ${w.load(op.u!, 'c')} * (1.0 - th[c] * th[c]); du[c] += ds * th[c]; }`
    : `for (var c = 0u; c < DK; c++) { dk[c] += ds * ${f32(op.scale)} * ${q('c')}; }`;
  const duStore = additive ? `
  for (var c = 0u; c < DK; c++) { ${w.store(op.duPart!, '(b * TK + row) * DK + c', 'du[c]')} }` : '';
  const body = `${head(w, op, 'TK')}
  var dk = array<f32, ${op.dk}>();
  var dv = array<f32, ${op.dv}>();
  var du = array<f32, ${additive ? op.dk : 1}>();
  var th = array<f32, ${additive ? op.dk : 1}>();
  var dyr = array<f32, ${op.dv}>();
  if (row < len) {
    for (var qi = ${op.causal ? 'row' : '0u'}; qi < TQ; qi++) {
      ${indentAfterFirst(score(w, op, 'row', q), 2)}
      let a = exp(s - ${w.load(op.stats, `${statAt('qi')} * 2u`)}) / ${w.load(op.stats, `${statAt('qi')} * 2u + 1u`)};
      ${loadDy(w, op, 'qi')}
      ${indentAfterFirst(dA(w, op, 'qi', 'row'), 2)}
      let ds = a * (da - ${w.load(op.delta!, statAt('qi'))});
      for (var c = 0u; c < DV; c++) { dv[c] += a * dyr[c]; }
      ${dkStep}
    }
  }
  for (var c = 0u; c < DK; c++) { ${w.store(op.dkeys!, `${kAt(op, 'row')} + c`, 'dk[c]', op.accumulateK ?? false)} }
  for (var c = 0u; c < DV; c++) { ${w.store(op.dvalues!, `${vAt(op, 'row')} + c`, 'dv[c]', op.accumulateV ?? false)} }${duStore}
}`;
  return { body, workgroupSize: [256, 1, 1], grid: strideGrid(mul(op.batch, op.heads, op.tk)) };
}
