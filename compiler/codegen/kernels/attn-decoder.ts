// The attentive decoder's step loop (see AttnDecoderOp): per step t, one dispatch each for the additive
// query projection, the scores, the context (softmax and weighted sum) and the cell; greedy decoding adds
// the output projection and an argmax that feeds the token back on the GPU. Thread (x, b): x indexes the
// unit, key, feature or class the kernel produces; rows are independent, steps are dispatch boundaries.
// Layouts: hc [B, T, H+E] = [h_t; ctx_t]; ctx [B, T, E]; hprevs, cells [B, T, H]; gates [B, T, 4H];
// queryProj [B, T, A]; stats [B, T, 2]; scores [B, TM]; keyProj [B, TM, A]; memory [B, TM, E].
import type { SizeExpr } from '../../../runtime/bundle.ts';
import type { AttnDecoderOp } from '../../ir/decoder-ops.ts';
import { cdiv } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

export const DEC_WG = 64;
const f32 = (x: number) => x.toPrecision(9);

/** Sizes, the row b, the step t and this row's memory length; `x` the thread's index within the row. */
export function decoderHeader(w: KernelWriter, op: AttnDecoderOp, t: string, width: string): string {
  const len = op.lengths === undefined ? 'TM' : `u32(clamp(${w.load(op.lengths, 'b')}, 1, i32(TM)))`;
  return `let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.steps)}; let TM = ${wgslSize(op.memTime)};
let H = ${op.hidden}u; let E = ${op.memWidth}u; let DE = ${op.embedDim}u; let V = ${op.vocab}u; let A = ${op.units}u;
let HE = H + E; let GH = ${op.cell === 'lstm' ? 4 : 3}u * H;
let x = gid.x; let b = gid.y;
if (b >= B || x >= ${width}) { return; }
let t = ${t};
let len = ${len};
let row = b * T + t;                        // (b, t) row of the per-step tensors
let hasPrev = t > 0u;
let prevRow = b * T + select(0u, t - 1u, hasPrev);`;
}

/** h_{t−1}[k]: hc of the previous step, or h0 (zeros without it) at t = 0. */
export function hPrev(w: KernelWriter, op: AttnDecoderOp, k: string): string {
  const h0 = op.h0 === undefined ? '0.0' : w.load(op.h0, `b * H + ${k}`);
  return `select(${h0}, ${w.load(op.hc, `prevRow * HE + ${k}`)}, hasPrev)`;
}

export const decoderPlan = (body: string, width: SizeExpr, op: AttnDecoderOp): KernelPlan =>
  ({ body, workgroupSize: [DEC_WG, 1, 1], grid: [cdiv(width, DEC_WG), op.batch, 1] });
const plan = decoderPlan;

export function attnDecoderKernels(w: KernelWriter, op: AttnDecoderOp): KernelPlan[] {
  w.helper('sigmoid', 'tanh_');
  const head = (width: string) => decoderHeader(w, op, 'step.t', width);
  const additive = op.score === 'additive';
  const plans: KernelPlan[] = [];
  if (additive) {
    plans.push(plan(`${head('A')}
var acc = ${w.load(op.bQuery!, 'x')};
for (var k = 0u; k < H; k++) { acc += ${w.load(op.wQuery!, 'x * H + k')} * ${hPrev(w, op, 'k')}; }
${w.store(op.queryProj!, 'row * A + x', 'acc')}`, op.units, op));
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
  plans.push(plan(cellBody(w, op, head('H')), op.hidden, op));
  if (op.stage === 'greedy') {
    plans.push(plan(`${head('V')}
var acc = ${w.load(op.bOut!, 'x')};
for (var k = 0u; k < HE; k++) { acc += ${w.load(op.wOut!, 'x * HE + k')} * ${w.load(op.hc, 'row * HE + k')}; }
${w.store(op.stepLogits!, 'b * V + x', 'acc')}`, op.vocab, op));
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

/** The cell for unit x (= j): gate pre-activations from [e_t; ctx_t] and h_{t−1}, then GRU or LSTM math. */
function cellBody(w: KernelWriter, op: AttnDecoderOp, head: string): string {
  const G = op.cell === 'lstm' ? 4 : 3;
  const emb = op.stage === 'train'
    ? w.load(op.embedded!, 'row * DE + k')
    : w.load(op.embTable!, 'u32(tok) * DE + k');
  const token = op.stage === 'train' ? '' : `
let tok = clamp(select(${op.sos}, ${w.load(op.tokens!, 'prevRow')}, hasPrev), 0, i32(V) - 1);`;
  const wih = (k: string) => w.load(op.wIh, `(g * H + x) * (DE + E) + ${k}`);
  const save = (name: 'gates' | 'hprevs', idx: string, v: string) => (op[name] === undefined ? '' : w.store(op[name]!, idx, v));
  const math = op.cell === 'lstm' ? `
let ig = sigmoid(gi[0] + gh[0]); let fg = sigmoid(gi[1] + gh[1]); let gg = tanh_(gi[2] + gh[2]); let og = sigmoid(gi[3] + gh[3]);
var cp = 0.0;
if (hasPrev) { cp = ${w.load(op.cells!, 'prevRow * H + x')}; }
let cn = fg * cp + ig * gg;
let h = og * tanh_(cn);
${w.store(op.cells!, 'row * H + x', 'cn')}
${save('gates', 'row * 4u * H + x', 'ig')} ${save('gates', 'row * 4u * H + H + x', 'fg')}
${save('gates', 'row * 4u * H + 2u * H + x', 'gg')} ${save('gates', 'row * 4u * H + 3u * H + x', 'og')}` : `
let rg = sigmoid(gi[0] + gh[0]); let zg = sigmoid(gi[1] + gh[1]);
let ng = tanh_(gi[2] + rg * gh[2]);
let h = (1.0 - zg) * ng + zg * hp;
${save('gates', 'row * 4u * H + x', 'rg')} ${save('gates', 'row * 4u * H + H + x', 'zg')}
${save('gates', 'row * 4u * H + 2u * H + x', 'ng')} ${save('gates', 'row * 4u * H + 3u * H + x', 'gh[2]')}`;
  return `${head}${token}
var gi = array<f32, ${G}>(); var gh = array<f32, ${G}>();
for (var g = 0u; g < ${G}u; g++) { gi[g] = ${w.load(op.bIh, 'g * H + x')}; gh[g] = ${w.load(op.bHh, 'g * H + x')}; }
for (var k = 0u; k < DE; k++) {
  let v = ${emb};
  for (var g = 0u; g < ${G}u; g++) { gi[g] += ${wih('k')} * v; }
}
for (var k = 0u; k < E; k++) {
  let v = ${w.load(op.ctx, 'row * E + k')};
  for (var g = 0u; g < ${G}u; g++) { gi[g] += ${wih('DE + k')} * v; }
}
for (var k = 0u; k < H; k++) {
  let v = ${hPrev(w, op, 'k')};
  for (var g = 0u; g < ${G}u; g++) { gh[g] += ${w.load(op.wHh, '(g * H + x) * H + k')} * v; }
}
let hp = ${hPrev(w, op, 'x')};${math}
${w.store(op.hc, 'row * HE + x', 'h')}
${save('hprevs', 'row * H + x', 'hp')}`;
}
