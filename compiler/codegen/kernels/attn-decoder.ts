// The attentive decoder's step loop (see AttnDecoderOp): per step t, one dispatch each for the additive
// query projection, the scores, the context (softmax and weighted sum) and the cell; greedy decoding adds
// the output projection and an argmax that feeds the token back on the GPU. Rows are independent, steps
// are dispatch boundaries. The kernels that multiply by a weight matrix (query projection, cell, output
// projection) give each thread four batch rows, so a weight load feeds four rows, with explicit vec4
// registers (SwiftShader spills loops over private arrays, see matmul.ts); the others use thread (x, b).
// Layouts: hc [B, T, H+E] = [h_t; ctx_t]; ctx [B, T, E]; hprevs, cells [B, T, H]; gates [B, T, 4H];
// queryProj [B, T, A]; stats [B, T, 2]; scores [B, TM]; keyProj [B, TM, A]; memory [B, TM, E].
import type { SizeExpr } from '../../../runtime/bundle.ts';
import type { AttnDecoderOp } from '../../ir/decoder-ops.ts';
import { cdiv } from '../../ir/builder.ts';
import { indentAfterFirst, type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

export const DEC_WG = 64;
export const ROWS = [0, 1, 2, 3];
export const LANE = ['x', 'y', 'z', 'w'];
const f32 = (x: number) => x.toPrecision(9);

function sizes(op: AttnDecoderOp): string {
  return `let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.steps)}; let TM = ${wgslSize(op.memTime)};
let H = ${op.hidden}u; let E = ${op.memWidth}u; let DE = ${op.embedDim}u; let V = ${op.vocab}u; let A = ${op.units}u;
let HE = H + E; let GH = ${op.cell === 'lstm' ? 4 : 3}u * H;`;
}

/** Sizes, the row b, the step t and this row's memory length; `x` the thread's index within the row. */
export function decoderHeader(w: KernelWriter, op: AttnDecoderOp, t: string, width: string): string {
  const len = op.lengths === undefined ? 'TM' : `u32(clamp(${w.load(op.lengths, 'b')}, 1, i32(TM)))`;
  return `${sizes(op)}
let x = gid.x; let b = gid.y;
if (b >= B || x >= ${width}) { return; }
let t = ${t};
let len = ${len};
let row = b * T + t;                        // (b, t) row of the per-step tensors
let hasPrev = t > 0u;
let prevRow = b * T + select(0u, t - 1u, hasPrev);`;
}

/** Rows bt … bt+3 (clamped to B − 1 for loads; `perRow` guards stores) of the step t, and their rows. */
export function tiledHeader(op: AttnDecoderOp, t: string, width: string): string {
  return `${sizes(op)}
let x = gid.x; let bt = gid.y * 4u;            // the first of this thread's four rows
if (bt >= B || x >= ${width}) { return; }
let t = ${t};
let hasPrev = t > 0u;
${ROWS.map((i) => `let b${i} = min(bt + ${i}u, B - 1u); let row${i} = b${i} * T + t; let prevRow${i} = b${i} * T + select(0u, t - 1u, hasPrev);`).join('\n')}`;
}

/** The statements for batch row bt + i, with b, row and prevRow naming that row. */
export const perRow = (i: number, body: string) =>
  `if (bt + ${i}u < B) {\n  let b = b${i}; let row = row${i}; let prevRow = prevRow${i};${indentAfterFirst(body, 2)}\n}`;

/**
 * h_{t−1}[k] of row b{sfx}: hc of the previous step, or h0 (zeros without it) at t = 0; one load from a
 * base chosen per row (both live in the arena), since a select of two loads costs both.
 */
export function hPrev(w: KernelWriter, op: AttnDecoderOp, k: string, sfx = ''): string {
  const hc = w.base(op.hc);
  const h0 = op.h0 === undefined ? null : w.base(op.h0);
  if (h0 !== null && h0.buf === hc.buf) return `${hc.buf}[select(${h0.base} + b${sfx} * H, ${hc.base} + prevRow${sfx} * HE, hasPrev) + ${k}]`;
  const fallback = h0 === null ? '0.0' : w.load(op.h0!, `b${sfx} * H + ${k}`);
  return `select(${fallback}, ${hc.buf}[${hc.base} + prevRow${sfx} * HE + ${k}], hasPrev)`;
}

export const decoderPlan = (body: string, width: SizeExpr, op: AttnDecoderOp): KernelPlan =>
  ({ body, workgroupSize: [DEC_WG, 1, 1], grid: [cdiv(width, DEC_WG), op.batch, 1] });
export const tiledPlan = (body: string, width: SizeExpr, op: AttnDecoderOp): KernelPlan =>
  ({ body, workgroupSize: [DEC_WG, 1, 1], grid: [cdiv(width, DEC_WG), cdiv(op.batch, 4), 1] });
const plan = decoderPlan;

/** vec4 of f(j) for j = 0..3. */
export const vec = (f: (j: number) => string) => `vec4<f32>(${ROWS.map(f).join(', ')})`;

/**
 * A 4-row × 4-column product tile: acc{i}.lane j = Σ_k weight(column c0 + j, k) · input(row i, k), column
 * blocks of x; `store(i, j, value)` writes an in-range element (rows guarded by perRow).
 */
export function rowTile(count: string, cols: string, weight: (col: string) => string, input: (i: number) => string,
                        store: (j: number, v: string) => string): string {
  return `var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
for (var k = 0u; k < ${count}; k++) {
  let wv = ${vec((j) => weight(`min(x * 4u + ${j}u, ${cols} - 1u)`))};
  ${ROWS.map((i) => `acc${i} += wv * ${input(i)};`).join(' ')}
}
${ROWS.map((i) => perRow(i, `\nlet acc = acc${i};\n${ROWS.map((j) => `if (x * 4u + ${j}u < ${cols}) { ${store(j, `acc.${LANE[j]}`)} }`).join('\n')}`)).join('\n')}`;
}

export function attnDecoderKernels(w: KernelWriter, op: AttnDecoderOp): KernelPlan[] {
  w.helper('sigmoid', 'tanh_');
  const head = (width: string) => decoderHeader(w, op, 'step.t', width);
  const tiled = (width: string) => tiledHeader(op, 'step.t', width);
  const additive = op.score === 'additive';
  const plans: KernelPlan[] = [];
  if (additive) {
    plans.push(tiledPlan(`${tiled('(A + 3u) / 4u')}
${rowTile('H', 'A', (a) => w.load(op.wQuery!, `${a} * H + k`), (i) => hPrev(w, op, 'k', String(i)),
  (j, v) => w.store(op.queryProj!, `row * A + x * 4u + ${j}u`, `${v} + ${w.load(op.bQuery!, `x * 4u + ${j}u`)}`))}`,
    Math.ceil(op.units / 4), op));
  }
  const score = additive
    ? `for (var a = 0u; a < A; a++) {
    s += ${w.load(op.u!, 'a')} * tanh_(${w.load(op.queryProj!, 'row * A + a')} + ${w.load(op.keyProj!, '(b * TM + x) * A + a')});
  }`
    : `for (var c = 0u; c < H; c++) { s += ${hPrev(w, op, 'c')} * ${w.load(op.memory, '(b * TM + x) * E + c')}; }
  s = s * ${f32(op.scale)};`;
  plans.push(plan(`${head('TM')}
var s = -3.4e38;
if (x < len) {
  s = 0.0;
  ${score}
}
${w.store(op.scores, 'b * TM + x', 's')}`, op.memTime, op));
  const sc = (j: string) => w.load(op.scores, `b * TM + ${j}`);
  plans.push(plan(`${head('E')}
var m = -3.4e38;
for (var j = 0u; j < len; j++) { m = max(m, ${sc('j')}); }
var l = 0.0; var acc = 0.0;
for (var j = 0u; j < len; j++) {
  let p = exp(${sc('j')} - m);
  l += p; acc += p * ${w.load(op.memory, '(b * TM + j) * E + x')};
}
${w.store(op.ctx, 'row * E + x', 'acc / l')}
${w.store(op.hc, 'row * HE + H + x', 'acc / l')}
if (x == 0u) { ${w.store(op.stats, 'row * 2u', 'm')} ${w.store(op.stats, 'row * 2u + 1u', 'l')} }`, op.memWidth, op));
  plans.push(tiledPlan(cellBody(w, op, tiled('H')), op.hidden, op));
  if (op.stage === 'greedy') {
    plans.push(tiledPlan(`${tiled('(V + 3u) / 4u')}
${rowTile('HE', 'V', (v) => w.load(op.wOut!, `${v} * HE + k`), (i) => w.load(op.hc, `row${i} * HE + k`),
  (j, v) => w.store(op.stepLogits!, `b * V + x * 4u + ${j}u`, `${v} + ${w.load(op.bOut!, `x * 4u + ${j}u`)}`))}`,
    Math.ceil(op.vocab / 4), op));
    plans.push(plan(`${head('1u')}
var tok = ${op.eos};
if (!hasPrev || ${w.load(op.tokens!, 'prevRow')} != ${op.eos}) {
  tok = 0; var best = ${w.load(op.stepLogits!, 'b * V')};
  for (var v = 1u; v < V; v++) {
    let z = ${w.load(op.stepLogits!, 'b * V + v')};
    if (z > best) { best = z; tok = i32(v); }
  }
}
${w.store(op.tokens!, 'row', 'tok')}`, 1, op));
  }
  const [first, ...rest] = plans;
  return [{ ...first!, loop: op.steps, loopBody: plans.length }, ...rest];
}

/** The cell for unit x of four rows: gate pre-activations from [e_t; ctx_t] and h_{t−1}, then GRU or LSTM math. */
function cellBody(w: KernelWriter, op: AttnDecoderOp, head: string): string {
  const G = op.cell === 'lstm' ? 4 : 3;
  const emb = (i: number) => (op.stage === 'train'
    ? w.load(op.embedded!, `row${i} * DE + k`)
    : w.load(op.embTable!, `u32(tok${i}) * DE + k`));
  const tokens = op.stage === 'train' ? '' : ROWS.map((i) =>
    `let tok${i} = clamp(select(${op.sos}, ${w.load(op.tokens!, `prevRow${i}`)}, hasPrev), 0, i32(V) - 1);`).join('\n');
  // Gate pre-activations in vec4 lanes (GRU leaves lane w at zero); each gate's weight row hoisted.
  const gvec = (f: (g: number) => string) => `vec4<f32>(${ROWS.map((g) => (g < G ? f(g) : '0.0')).join(', ')})`;
  const save = (name: 'gates' | 'hprevs', idx: string, v: string) => (op[name] === undefined ? '' : w.store(op[name]!, idx, v));
  const math = op.cell === 'lstm' ? `
let ig = sigmoid(gi.x + gh.x); let fg = sigmoid(gi.y + gh.y); let gg = tanh_(gi.z + gh.z); let og = sigmoid(gi.w + gh.w);
var cp = 0.0;
if (hasPrev) { cp = ${w.load(op.cells!, 'prevRow * H + x')}; }
let cn = fg * cp + ig * gg;
let h = og * tanh_(cn);
${w.store(op.cells!, 'row * H + x', 'cn')}
${save('gates', 'row * 4u * H + x', 'ig')} ${save('gates', 'row * 4u * H + H + x', 'fg')}
${save('gates', 'row * 4u * H + 2u * H + x', 'gg')} ${save('gates', 'row * 4u * H + 3u * H + x', 'og')}` : `
let rg = sigmoid(gi.x + gh.x); let zg = sigmoid(gi.y + gh.y);
let ng = tanh_(gi.z + rg * gh.z);
let h = (1.0 - zg) * ng + zg * hp;
${save('gates', 'row * 4u * H + x', 'rg')} ${save('gates', 'row * 4u * H + H + x', 'zg')}
${save('gates', 'row * 4u * H + 2u * H + x', 'ng')} ${save('gates', 'row * 4u * H + 3u * H + x', 'gh.z')}`;
  return `${head}
${tokens}
${ROWS.map((g) => (g < G ? `let ri${g} = (${g}u * H + x) * (DE + E); let rh${g} = (${g}u * H + x) * H;` : '')).join(' ')}
let bi = ${gvec((g) => w.load(op.bIh, `${g}u * H + x`))};
let bh = ${gvec((g) => w.load(op.bHh, `${g}u * H + x`))};
var gi0 = bi; var gi1 = bi; var gi2 = bi; var gi3 = bi;
var gh0 = bh; var gh1 = bh; var gh2 = bh; var gh3 = bh;
for (var k = 0u; k < DE; k++) {
  let wv = ${gvec((g) => w.load(op.wIh, `ri${g} + k`))};
  ${ROWS.map((i) => `gi${i} += wv * ${emb(i)};`).join(' ')}
}
for (var k = 0u; k < E; k++) {
  let wv = ${gvec((g) => w.load(op.wIh, `ri${g} + DE + k`))};
  ${ROWS.map((i) => `gi${i} += wv * ${w.load(op.ctx, `row${i} * E + k`)};`).join(' ')}
}
for (var k = 0u; k < H; k++) {
  let wv = ${gvec((g) => w.load(op.wHh, `rh${g} + k`))};
  ${ROWS.map((i) => `gh${i} += wv * ${hPrev(w, op, 'k', String(i))};`).join(' ')}
}
${ROWS.map((i) => perRow(i, `
let gi = gi${i}; let gh = gh${i};
let hp = ${hPrev(w, op, 'x')};${math}
${w.store(op.hc, 'row * HE + x', 'h')}
${save('hprevs', 'row * H + x', 'hp')}`)).join('\n')}`;
}
