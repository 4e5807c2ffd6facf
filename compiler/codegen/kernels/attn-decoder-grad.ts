// Backward of the teacher-forced decoder through time (see AttnDecoderGradOp), latest step first. Per
// step: the cell's gate gradients (b, unit), d[e; ctx] (b, input column), the attention by recomputation
// (b, key: ds and the memory/key-projection/score-vector sums over steps), then d(query) (b, unit; the
// additive form goes through dqp, b, unit of A). After the loop, dh0. Carried per row: dc (LSTM) or
// z·dh (GRU) in `carry`, and dq, read by the next (earlier) step's cell gradient.
import type { AttnDecoderGradOp } from '../../ir/decoder-ops.ts';
import { type KernelWriter } from '../wgsl.ts';
import { decoderHeader, decoderPlan as plan, LANE, perRow, ROWS, rowTile, tiledHeader, tiledPlan, vec } from './attn-decoder.ts';
import type { KernelPlan } from './plan.ts';

const f32 = (x: number) => x.toPrecision(9);

/** Assign at the sweep's first step (unless accumulating into an earlier contribution), add afterwards. */
function sumOverSteps(w: KernelWriter, t: number, index: string, value: string, accumulate: boolean): string {
  return accumulate ? w.store(t, index, value, true)
    : `if (first) { ${w.store(t, index, value)} } else { ${w.store(t, index, value, true)} }`;
}

export function attnDecoderGradKernels(w: KernelWriter, g: AttnDecoderGradOp): KernelPlan[] {
  const op = g.fwd;
  w.helper('tanh_');
  const head = (width: string) => `${decoderHeader(w, op, 'T - 1u - step.t', width)}
let first = step.t == 0u;`;
  const lstm = op.cell === 'lstm', additive = op.score === 'additive';
  const plans: KernelPlan[] = [];
  const gate = (k: number) => w.load(op.gates!, `row * 4u * H + ${k}u * H + x`);
  const dgi = (k: number, v: string) => w.store(g.dgi, `row * GH + ${k}u * H + x`, v);
  const dgh = (k: number, v: string) => (g.dgh === g.dgi ? '' : w.store(g.dgh, `row * GH + ${k}u * H + x`, v));
  const cellMath = lstm ? `
let ig = ${gate(0)}; let fg = ${gate(1)}; let gg = ${gate(2)}; let og = ${gate(3)};
let tc = tanh_(${w.load(op.cells!, 'row * H + x')});
var cp = 0.0;
if (hasPrev) { cp = ${w.load(op.cells!, 'prevRow * H + x')}; }
dc += dh * og * (1.0 - tc * tc);
${w.store(g.carry, 'b * H + x', 'dc * fg')}
${dgi(0, 'dc * gg * ig * (1.0 - ig)')}
${dgi(1, 'dc * cp * fg * (1.0 - fg)')}
${dgi(2, 'dc * ig * (1.0 - gg * gg)')}
${dgi(3, 'dh * tc * og * (1.0 - og)')}` : `
let rg = ${gate(0)}; let zg = ${gate(1)}; let ng = ${gate(2)}; let ghn = ${gate(3)};
let hp = ${w.load(op.hprevs!, 'row * H + x')};
let dan = dh * (1.0 - zg) * (1.0 - ng * ng);
let dr = dan * ghn * rg * (1.0 - rg);
let dz = dh * (hp - ng) * zg * (1.0 - zg);
${w.store(g.carry, 'b * H + x', 'dh * zg')}   // the direct path h_{t−1} → h_t
${dgi(0, 'dr')} ${dgh(0, 'dr')}
${dgi(1, 'dz')} ${dgh(1, 'dz')}
${dgi(2, 'dan')} ${dgh(2, 'dan * rg')}`;
  // dh_t from all its uses: the output projection (dhc), the next step's cell and its attention query,
  // for four rows at once (each W_hh load feeds four rows).
  const rowVec = (f: (i: number) => string) => vec((i) => f(i));
  const recurrent = (next: (i: number) => string) => `for (var r = 0u; r < GH; r++) {
    dhv += ${w.load(op.wHh, 'r * H + x')} * ${rowVec((i) => w.load(g.dgh, `(${next(i)}) * GH + r`))};
  }
  dhv += ${rowVec((i) => w.load(g.dq, `b${i} * H + x`))};${lstm ? '' : `\n  dhv += ${rowVec((i) => w.load(g.carry, `b${i} * H + x`))};`}`;
  plans.push(tiledPlan(`${tiledHeader(op, 'T - 1u - step.t', 'H')}
var dhv = ${rowVec((i) => w.load(g.dhc, `row${i} * HE + x`))};
var dcv = vec4<f32>();
if (t + 1u < T) {
  ${recurrent((i) => `row${i} + 1u`)}${lstm ? `\n  dcv = ${rowVec((i) => w.load(g.carry, `b${i} * H + x`))};` : ''}
}
${ROWS.map((i) => perRow(i, `\nlet dh = dhv.${LANE[i]};\nvar dc = dcv.${LANE[i]};${cellMath}`)).join('\n')}`, op.hidden, op));

  // d[e_t; ctx_t] = W_ihᵀ dgi, four rows × four input columns per thread.
  plans.push(tiledPlan(`${tiledHeader(op, 'T - 1u - step.t', '(DE + E + 3u) / 4u')}
${rowTile('GH', '(DE + E)', (col) => w.load(op.wIh, `k * (DE + E) + ${col}`), (i) => w.load(g.dgi, `row${i} * GH + k`), (j, v) => {
    const col = `x * 4u + ${j}u`;
    return `if (${col} < DE) { ${w.store(g.dembedded, `row * DE + ${col}`, v, g.accumulateEmbedded)} } ` +
      `else { ${w.store(g.dctx, `b * E + ${col} - DE`, `${v} + ${w.load(g.dhc, `row * HE + H + ${col} - DE`)}`)} }`;
  })}`, Math.ceil((op.embedDim + op.memWidth) / 4), op));

  const mem = (j: string, c: string) => w.load(op.memory, `(b * TM + ${j}) * E + ${c}`);
  // Keys beyond the length get no gradient; the sums over steps start from zero at the first step.
  const zeroRow = [
    ...(g.accumulateMemory ? [] : [`for (var e = 0u; e < E; e++) { ${w.store(g.dmemory, '(b * TM + x) * E + e', '0.0')} }`]),
    ...(additive && !g.accumulateKeyProj ? [`for (var a = 0u; a < A; a++) { ${w.store(g.dkeyProj!, '(b * TM + x) * A + a', '0.0')} }`] : []),
    ...(additive ? [`for (var a = 0u; a < A; a++) { ${w.store(g.duPart!, '(b * TM + x) * A + a', '0.0')} }`] : []),
  ].join('\n    ');
  const score = additive ? `var th = array<f32, ${op.units}>();
var s = 0.0;
for (var a = 0u; a < A; a++) {
  th[a] = tanh_(${w.load(op.queryProj!, 'row * A + a')} + ${w.load(op.keyProj!, '(b * TM + x) * A + a')});
  s += ${w.load(op.u!, 'a')} * th[a];
}` : `var s = 0.0;
for (var c = 0u; c < H; c++) { s += ${w.load(op.hprevs!, 'row * H + c')} * ${mem('x', 'c')}; }
s = s * ${f32(op.scale)};`;
  const dmemValue = additive ? 'a * dce' : `a * dce + ds * ${f32(op.scale)} * ${w.load(op.hprevs!, 'row * H + e')}`;
  plans.push(plan(`${head('TM')}
if (x >= len) {
  ${w.store(g.ds, 'b * TM + x', '0.0')}
  if (first) {
    ${zeroRow}
  }
  return;
}
var delta = 0.0; var da = 0.0;
for (var e = 0u; e < E; e++) {
  let dce = ${w.load(g.dctx, 'b * E + e')};
  delta += dce * ${w.load(op.ctx, 'row * E + e')};
  da += dce * ${mem('x', 'e')};
}
${score}
let a = exp(s - ${w.load(op.stats, 'row * 2u')}) / ${w.load(op.stats, 'row * 2u + 1u')};
let ds = a * (da - delta);
${w.store(g.ds, 'b * TM + x', 'ds')}
for (var e = 0u; e < E; e++) {
  let dce = ${w.load(g.dctx, 'b * E + e')};
  ${sumOverSteps(w, g.dmemory, '(b * TM + x) * E + e', dmemValue, g.accumulateMemory)}
}${additive ? `
for (var a2 = 0u; a2 < A; a2++) {
  ${sumOverSteps(w, g.dkeyProj!, '(b * TM + x) * A + a2', `ds * ${w.load(op.u!, 'a2')} * (1.0 - th[a2] * th[a2])`, g.accumulateKeyProj)}
  ${sumOverSteps(w, g.duPart!, '(b * TM + x) * A + a2', 'ds * th[a2]', false)}
}` : ''}`, op.memTime, op));

  if (additive) {
    plans.push(plan(`${head('A')}
let qv = ${w.load(op.queryProj!, 'row * A + x')};
var acc = 0.0;
for (var j = 0u; j < len; j++) {
  let th = tanh_(qv + ${w.load(op.keyProj!, '(b * TM + j) * A + x')});
  acc += ${w.load(g.ds, 'b * TM + j')} * (1.0 - th * th);
}
${w.store(g.dqp!, 'row * A + x', `acc * ${w.load(op.u!, 'x')}`)}`, op.units, op));
    plans.push(tiledPlan(`${tiledHeader(op, 'T - 1u - step.t', '(H + 3u) / 4u')}
${rowTile('A', 'H', (c) => w.load(op.wQuery!, `k * H + ${c}`), (i) => w.load(g.dqp!, `row${i} * A + k`),
  (j, v) => w.store(g.dq, `b * H + x * 4u + ${j}u`, v))}`, Math.ceil(op.hidden / 4), op));
  } else {
    plans.push(plan(`${head('H')}
var acc = 0.0;
for (var j = 0u; j < len; j++) { acc += ${w.load(g.ds, 'b * TM + j')} * ${mem('j', 'x')}; }
${w.store(g.dq, 'b * H + x', `acc * ${f32(op.scale)}`)}`, op.hidden, op));
  }
  const [firstPlan, ...rest] = plans;
  const out = [{ ...firstPlan!, loop: op.steps, loopBody: plans.length }, ...rest];
  if (g.dh0 !== undefined) {
    // The sweep's last step was t = 0: h0 feeds its cell and its attention query.
    out.push(plan(`${decoderHeader(w, op, '0u', 'H')}
var dh = ${w.load(g.dq, 'b * H + x')}${lstm ? '' : ` + ${w.load(g.carry, 'b * H + x')}`};
for (var r = 0u; r < GH; r++) { dh += ${w.load(g.dgh, 'b * T * GH + r')} * ${w.load(op.wHh, 'r * H + x')}; }
${w.store(g.dh0, 'b * H + x', 'dh', g.accumulateH0)}`, op.hidden, op));
  }
  return out;
}
