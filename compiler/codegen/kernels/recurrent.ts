// Recurrent sequence kernels, one dispatch per time step (looped with step.t): thread (j, b, d) owns
// hidden unit j of sequence b in direction d, computes its gates' recurrent dot products and the cell
// math in the same kernel, and both directions run in the same dispatch (gid.z).
// Layouts: xproj [D,B,T,G·H]; y [B,T,D·H]; hprev, cells [D,B,T,H]; gates [D,B,T,S]; h0/hN [L·D,B,H].
import type { RecurrentSeqGradOp, RecurrentSeqOp } from '../../ir/graph.ts';
import { cdiv } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const WG = 64;
const gatesOf = (op: RecurrentSeqOp) => (op.cell === 'lstm' ? 4 : op.cell === 'gru' ? 3 : 1);
const savedWidth = (op: RecurrentSeqOp) => (op.cell === 'lstm' || op.cell === 'gru' ? 4 : 1) * op.hidden;

/** Shared prologue: indices, this row's length, the time index t of loop step s for direction d. */
function prologue(w: KernelWriter, op: RecurrentSeqOp, s: string): string {
  const H = op.hidden, G = gatesOf(op);
  const len = op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, 'b')}, 0, i32(T)))`;
  const wb = op.whh.map((t) => w.base(t).base), bb = op.bhh.map((t) => w.base(t).base);
  return `
let H = ${H}u; let GH = ${G * H}u; let DH = ${op.dirs * H}u; let S = ${savedWidth(op)}u;
let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)};
let j = gid.x; let b = gid.y; let d = gid.z;
if (j >= H || b >= B) { return; }
let s = ${s};
let len = ${len};
let valid = s < len;
let t = select(s, len - 1u - s, d == 1u && valid);
let row = (d * B + b) * T + t;          // [D,B,T] row of xproj / hprev / gates / cells
let ybase = (b * T + t) * DH + d * H;   // y[b, t, d·H]
let wb = ${op.dirs === 2 ? `select(${wb[0]}, ${wb[1]}, d == 1u)` : wb[0]};
let bb = ${op.dirs === 2 ? `select(${bb[0]}, ${bb[1]}, d == 1u)` : bb[0]};
let state = ((${op.stateIndex}u + d) * B + b) * H;   // h0/hN/c0/cN [L·D, B, H]`;
}

export function recurrentForwardKernel(w: KernelWriter, op: RecurrentSeqOp): KernelPlan {
  const G = gatesOf(op);
  w.helper('sigmoid', 'tanh_');
  const y = w.base(op.y, true).base;
  const h0 = op.h0 === undefined ? null : w.base(op.h0).base;
  const gate = (g: number) => `${w.load(op.xproj, `row * GH + ${g}u * H + j`)} + params[bb + ${g}u * H + j] + acc[${g}]`;
  const prevRow = '((d * B + b) * T + tp)';
  let cellMath: string;
  if (op.cell === 'lstm') {
    const cp = op.c0 === undefined ? '0.0' : w.load(op.c0, 'state + j');
    cellMath = `
let ig = sigmoid(${gate(0)}); let fg = sigmoid(${gate(1)}); let gg = tanh_(${gate(2)}); let og = sigmoid(${gate(3)});
var cp = ${cp};
if (!first) { cp = ${w.load(op.cells!, `${prevRow} * H + j`)}; }
let c = fg * cp + ig * gg;
let h = og * tanh_(c);
${w.store(op.cells!, 'row * H + j', 'c')}
${w.store(op.gates, 'row * S + j', 'ig')}
${w.store(op.gates, 'row * S + H + j', 'fg')}
${w.store(op.gates, 'row * S + 2u * H + j', 'gg')}
${w.store(op.gates, 'row * S + 3u * H + j', 'og')}
${op.cN === undefined ? '' : `if (s == len - 1u) { ${w.store(op.cN, 'state + j', 'c')} }`}`;
  } else if (op.cell === 'gru') {
    cellMath = `
let rg = sigmoid(${gate(0)}); let zg = sigmoid(${gate(1)});
let hn = acc[2] + params[bb + 2u * H + j];
let ng = tanh_(${w.load(op.xproj, 'row * GH + 2u * H + j')} + rg * hn);
let h = (1.0 - zg) * ng + zg * hpj;
${w.store(op.gates, 'row * S + j', 'rg')}
${w.store(op.gates, 'row * S + H + j', 'zg')}
${w.store(op.gates, 'row * S + 2u * H + j', 'ng')}
${w.store(op.gates, 'row * S + 3u * H + j', 'hn')}`;
  } else {
    cellMath = `\nlet h = ${op.cell === 'rnn_relu' ? `max(${gate(0)}, 0.0)` : `tanh_(${gate(0)})`};`;
  }
  const body = `${prologue(w, op, 'step.t')}
if (!valid) {
  arena[${y} + ybase + j] = 0.0;
  ${w.store(op.hprev, 'row * H + j', '0.0')}
  return;
}
let first = s == 0u;
let tp = select(t - 1u, t + 1u, d == 1u);  // the step this direction came from (unused when first)
// The state this step starts from: h0 (or zeros) at the first step, else y of the previous step.
var hsrc = ${y} + (b * T + tp) * DH + d * H;
var have = true;
if (first) { ${h0 === null ? 'have = false;' : `hsrc = ${h0} + state;`} }
var acc: array<f32, ${G}>;
var hpj = 0.0;
if (have) {
  hpj = arena[hsrc + j];
  for (var k = 0u; k < H; k++) {
    let hk = arena[hsrc + k];
    for (var g = 0u; g < ${G}u; g++) { acc[g] += params[wb + (g * H + j) * H + k] * hk; }
  }
}${cellMath}
arena[${y} + ybase + j] = h;
${w.store(op.hprev, 'row * H + j', 'hpj')}
${op.hN === undefined ? '' : `if (s == len - 1u) { ${w.store(op.hN, 'state + j', 'h')} }`}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.hidden, WG), op.batch, op.dirs], loop: op.time };
}

export function recurrentBackwardKernel(w: KernelWriter, g: RecurrentSeqGradOp): KernelPlan {
  const op = g.fwd, G = gatesOf(op);
  w.helper('tanh_');
  const dxp = w.base(g.dxproj, true).base, dhp = w.base(g.dhproj, true).base;
  const dy = g.dy === undefined ? '0.0' : w.load(g.dy, 'ybase + j');
  const dhN = g.dhN === undefined ? '0.0' : w.load(g.dhN, 'state + j');
  const carry = g.dcCarry === undefined ? null : w.base(g.dcCarry, true).base;
  const cidx = '(d * B + b) * H + j';
  const zero = [...Array(G).keys()].map((k) => `arena[${dxp} + row * GH + ${k}u * H + j] = 0.0;${
    g.dhproj !== g.dxproj ? ` arena[${dhp} + row * GH + ${k}u * H + j] = 0.0;` : ''}`).join('\n  ');
  let cellGrad: string;
  if (op.cell === 'lstm') {
    const dcN = g.dcN === undefined ? '0.0' : w.load(g.dcN, 'state + j');
    const cp = op.c0 === undefined ? '0.0' : w.load(op.c0, 'state + j');
    cellGrad = `
var dc = ${dcN};
if (!lastStep) { dc = arena[${carry} + ${cidx}]; }
let ig = ${w.load(op.gates, 'row * S + j')}; let fg = ${w.load(op.gates, 'row * S + H + j')};
let gg = ${w.load(op.gates, 'row * S + 2u * H + j')}; let og = ${w.load(op.gates, 'row * S + 3u * H + j')};
let tc = tanh_(${w.load(op.cells!, 'row * H + j')});
dc += dh * og * (1.0 - tc * tc);
var cp = ${cp};
if (s != 0u) { cp = ${w.load(op.cells!, `((d * B + b) * T + select(t - 1u, t + 1u, d == 1u)) * H + j`)}; }
arena[${carry} + ${cidx}] = dc * fg;
arena[${dxp} + row * GH + j] = dc * gg * ig * (1.0 - ig);
arena[${dxp} + row * GH + H + j] = dc * cp * fg * (1.0 - fg);
arena[${dxp} + row * GH + 2u * H + j] = dc * ig * (1.0 - gg * gg);
arena[${dxp} + row * GH + 3u * H + j] = dh * tc * og * (1.0 - og);
${g.dc0 === undefined ? '' : `if (s == 0u) { ${w.store(g.dc0, 'state + j', 'dc * fg')} }`}`;
  } else if (op.cell === 'gru') {
    cellGrad = `
let rg = ${w.load(op.gates, 'row * S + j')}; let zg = ${w.load(op.gates, 'row * S + H + j')};
let ng = ${w.load(op.gates, 'row * S + 2u * H + j')}; let hn = ${w.load(op.gates, 'row * S + 3u * H + j')};
let hpj = ${w.load(op.hprev, 'row * H + j')};
let dan = dh * (1.0 - zg) * (1.0 - ng * ng);
let dr = dan * hn * rg * (1.0 - rg);
let dz = dh * (hpj - ng) * zg * (1.0 - zg);
arena[${carry} + ${cidx}] = dh * zg;   // the direct path h_{t-1} → h_t, added at the previous step
arena[${dxp} + row * GH + j] = dr; arena[${dhp} + row * GH + j] = dr;
arena[${dxp} + row * GH + H + j] = dz; arena[${dhp} + row * GH + H + j] = dz;
arena[${dxp} + row * GH + 2u * H + j] = dan; arena[${dhp} + row * GH + 2u * H + j] = dan * rg;`;
  } else {
    const deriv = op.cell === 'rnn_relu' ? 'select(0.0, 1.0, hv > 0.0)' : '(1.0 - hv * hv)';
    cellGrad = `
let hv = ${w.load(op.y, 'ybase + j')};
arena[${dxp} + row * GH + j] = dh * ${deriv};`;
  }
  const body = `${prologue(w, op, 'T - 1u - step.t')}
if (!valid) {
  ${zero}
  return;
}
let lastStep = s == len - 1u;   // the first step of the backward sweep
var dh = ${dy};
if (lastStep) {
  dh += ${dhN};
} else {
  let tn = select(t + 1u, t - 1u, d == 1u);   // the step this one fed
  let nb = ${dhp} + ((d * B + b) * T + tn) * GH;
  for (var r = 0u; r < GH; r++) { dh += arena[nb + r] * params[wb + r * H + j]; }
  ${op.cell === 'gru' ? `dh += arena[${carry} + ${cidx}];` : ''}
}${cellGrad}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.hidden, WG), op.batch, op.dirs], loop: op.time };
}

/** After the sweep: dh0 = the recurrent path out of the first step (plus GRU's direct path). */
export function recurrentInitialGradKernel(w: KernelWriter, g: RecurrentSeqGradOp): KernelPlan {
  const op = g.fwd;
  const dhp = w.base(g.dhproj).base;
  const carry = g.dcCarry === undefined ? null : w.base(g.dcCarry).base;
  const body = `${prologue(w, op, '0u')}
// the first step of the sweep's last dispatch is s = 0, at t = 0 (forward) or len − 1 (reverse)
var dh = 0.0;
if (len > 0u) {
  let nb = ${dhp} + row * GH;
  for (var r = 0u; r < GH; r++) { dh += arena[nb + r] * params[wb + r * H + j]; }
  ${op.cell === 'gru' ? `dh += arena[${carry} + (d * B + b) * H + j];` : ''}
}
${w.store(g.dh0!, 'state + j', 'dh')}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.hidden, WG), op.batch, op.dirs] };
}
