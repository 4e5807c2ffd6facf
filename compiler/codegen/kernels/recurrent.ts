// Recurrent sequence kernels for RNN/LSTM/GRU, forward and backward through time, in two schedules:
//  per_step:   one dispatch per time step (looped with step.t); thread (j, b, d) owns hidden unit j of
//              sequence b in direction d; the state is read back from global memory at every step.
//  persistent: one dispatch for the whole sequence; workgroup (b, d) carries a slice of sequences through
//              all steps with their hidden states (forward) or gate gradients (backward) in workgroup
//              memory, synchronised by barriers. Sequences are independent, so no global barrier is needed.
//              It may also compute the input projection (op.input, fuse-input-projection) and, in
//              programs without a backward pass, leave out the saved tensors (op.forwardOnly).
// Both write the same saved tensors, so either forward pairs with either backward.
// Layouts: xproj [D,B,T,G·H]; y [B,T,D·H]; hprev, cells [D,B,T,H]; gates [D,B,T,S]; h0/hN [L·D,B,H].
import type { RecurrentSeqGradOp, RecurrentSeqOp, TensorId } from '../../ir/graph.ts';
import { cdiv } from '../../ir/builder.ts';
import { indentAfterFirst, type KernelWriter, range, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';
import { headEpilogue } from './recurrent-head.ts';
import { forwardLayout, lengthOf, packStates, quadAlignment, stageInputRows, timeIndex } from './recurrent-workgroup.ts';
import { gatesOf, type RecurrentSchedule } from '../../schedule/recurrent.ts';

const WG = 64;
const savedWidth = (op: RecurrentSeqOp) => (op.cell === 'lstm' || op.cell === 'gru' ? 4 : 1) * op.hidden;
/**
 * Threads of a persistent workgroup, a multiple of 4 (SwiftShader's SIMD width): each owns a few hidden
 * units (more where H > 1024), so that one loaded state word feeds the multiply-adds of several units.
 * Measured on M1 (LSTM(128), issue #8): 4 units per thread ran the training step about 1.4× faster than
 * 1; 8 and 16 were slower again (registers spill). The forward pass, whose slice is twice as large, takes
 * 2 (the registers a thread holds, units × slice × gates, stay at 128).
 */
const BACKWARD_UNITS = 4, FORWARD_UNITS = 2;
const persistentThreads = (H: number, units: number) => Math.min(256, Math.ceil(H / units / 4) * 4);

/** A base for direction d: bases[0] for direction 0, bases[1] for direction 1 (if the layer has it). */
const directional = (bases: readonly string[]) => (bases.length === 2 ? `select(${bases[0]}, ${bases[1]}, d == 1u)` : bases[0]!);

/** Sizes and the weight bases of direction d. */
function sizes(w: KernelWriter, op: RecurrentSeqOp): string {
  const G = gatesOf(op);
  const wb = op.whh.map((t) => w.base(t).base), bb = op.bhh.map((t) => w.base(t).base);
  return `
let H = ${op.hidden}u; let GH = ${G * op.hidden}u; let DH = ${op.dirs * op.hidden}u; let S = ${savedWidth(op)}u;
let B = ${wgslSize(op.batch)}; let T = ${wgslSize(op.time)};
let wb = ${directional(wb)};
let bb = ${directional(bb)};`;
}

const STATE = 'let state = ((${i}u + d) * B + b) * H;   // h0/hN/c0/cN [L·D, B, H]';

/** Names every per-thread variant shares: sizes, this sequence's length and its state base. */
function header(w: KernelWriter, op: RecurrentSeqOp): string {
  return `${sizes(w, op)}
let len = ${lengthOf(w, op, 'b')};
${STATE.replace('${i}', String(op.stateIndex))}`;
}

/** Per step s: whether it is a real step, its time index t, and the row bases of the saved tensors. */
const stepIndices = `
let valid = s < len;
let t = ${timeIndex('s', 'len')};
let row = (d * B + b) * T + t;          // [D,B,T] row of xproj / hprev / gates / cells
let ybase = (b * T + t) * DH + d * H;   // y[b, t, d·H]`;

/** A store of what only the backward pass reads (gates, cells, hprev): left out in a forward-only variant. */
const saved = (w: KernelWriter, op: RecurrentSeqOp, t: TensorId, index: string, value: string) =>
  (op.forwardOnly ? '' : w.store(t, index, value));

/** The input side of gate g of unit j read from xproj (the projection was a matmul of its own). */
const projected = (w: KernelWriter, op: RecurrentSeqOp) => (g: number) => {
  if (op.xproj === undefined) throw new Error('internal error in codegen: a fused input projection needs the persistent kernel');
  return w.load(op.xproj, `row * GH + ${g}u * H + j`);
};

/**
 * The cell's forward math for unit j, given acc[g] (recurrent dot products) and hpj (the unit's previous
 * state); `cp` is a statement defining the previous cell state. Defines h, stores gates and cells.
 * `input(g)` is the input side of gate g (GRU's n gate keeps it apart from the recurrent side).
 */
function forwardCell(w: KernelWriter, op: RecurrentSeqOp, cp: string, keepC: string,
                     bias: (g: number) => string = (g) => w.paramWord(`bb + ${g}u * H + j`),
                     input: (g: number) => string = projected(w, op)): string {
  const accOf = (g: number) => (gatesOf(op) === 1 ? 'acc' : `acc[${g}]`);
  const gate = (g: number) => `${input(g)} + ${bias(g)} + ${accOf(g)}`;
  if (op.cell === 'lstm') {
    return `
let ig = sigmoid(${gate(0)}); let fg = sigmoid(${gate(1)}); let gg = tanh_(${gate(2)}); let og = sigmoid(${gate(3)});
${cp}
let c = fg * cp + ig * gg;
let h = og * tanh_(c);
${keepC}
${saved(w, op, op.cells!, 'row * H + j', 'c')}
${saved(w, op, op.gates, 'row * S + j', 'ig')}
${saved(w, op, op.gates, 'row * S + H + j', 'fg')}
${saved(w, op, op.gates, 'row * S + 2u * H + j', 'gg')}
${saved(w, op, op.gates, 'row * S + 3u * H + j', 'og')}
${op.cN === undefined ? '' : `if (s == len - 1u) { ${w.store(op.cN, 'state + j', 'c')} }`}`;
  }
  if (op.cell === 'gru') {
    return `
let rg = sigmoid(${gate(0)}); let zg = sigmoid(${gate(1)});
let hn = acc[2] + ${bias(2)};
let ng = tanh_(${input(2)} + rg * hn);
let h = (1.0 - zg) * ng + zg * hpj;
${saved(w, op, op.gates, 'row * S + j', 'rg')}
${saved(w, op, op.gates, 'row * S + H + j', 'zg')}
${saved(w, op, op.gates, 'row * S + 2u * H + j', 'ng')}
${saved(w, op, op.gates, 'row * S + 3u * H + j', 'hn')}`;
  }
  return `\nlet h = ${op.cell === 'rnn_relu' ? `max(${gate(0)}, 0.0)` : `tanh_(${gate(0)})`};`;
}

/** What weightDots multiplies: a weight [G·H, L] in params and one vector of length L per sequence. */
interface WeightDots {
  /** Row length: H for W_hh, the input width for W_ih. */
  readonly L: number;
  /** The params float index of unit u's gate-0 row (gate g's row starts g·H·L words further). */
  readonly row: (u: number) => string;
  readonly units: readonly number[];
  readonly seqs: readonly number[];
  /** Element q of sequence m's vector. */
  readonly word: (m: number, q: string) => string;
  /** The accumulator of unit u and sequence m (a vecG over the gates, or f32 for one gate). */
  readonly acc: (u: number, m: number) => string;
  /** Read the words one per quad lane and broadcast them across the quad (subgroups, whole quads active). */
  readonly quads: boolean;
  /** GRU's input side: the n gate's products go to xn(u, m) (its reset gate scales only the recurrent side). */
  readonly xn?: (u: number, m: number) => string;
  /**
   * With quads, where the vectors are in workgroup memory as vec4: the 4 words from q of sequence
   * 4·k + (quad lane) (the caller's `ql`), which quadBroadcast then hands to every lane of the quad.
   */
  readonly quadVec4?: (k: number) => string;
}

/**
 * acc(u, m)[g] += W[g·H + j_u, :] · v_m for every unit u a thread owns, gate g and sequence m, reading the
 * weight in its own layout straight from params (no transposed copy). Where L is a multiple of 4 (and so,
 * parameters being 16-byte aligned, every row start) a vec4 load brings 4 words of a row, and the G
 * gates' rows make a G×4 matrix that each sequence's 4 words multiply: on SwiftShader a vec4 load costs
 * well under 4 word loads (issue #8), and on a GPU it is the usual vectorised matrix-vector read. Else one
 * word per gate and step of the loop. Each weight feeds every sequence, each word every unit.
 */
function weightDots(w: KernelWriter, op: RecurrentSeqOp, p: WeightDots): string {
  const G = gatesOf(op), H = op.hidden, L = p.L;
  const gateRow = (u: number, g: number, q: string) => `${p.row(u)} + ${g * H * L}u + ${q}`;
  if (L % 4 !== 0 || !w.paramsAreVec4) {
    const vec = (ws: string[]) => (ws.length === 1 ? ws[0]! : `vec${ws.length}<f32>(${ws.join(', ')})`);
    return `for (var q = 0u; q < ${L}u; q++) {
  ${p.seqs.map((m) => `let s${m} = ${p.word(m, 'q')};`).join(' ')}
  ${p.units.map((u) => `let w${u} = ${vec(range(G).map((g) => (p.xn && g === 2 ? '0.0' : w.paramWord(gateRow(u, g, 'q')))))};${
    p.xn ? ` let wn${u} = ${w.paramWord(gateRow(u, 2, 'q'))};` : ''}`).join('\n  ')}
  ${p.units.map((u) => p.seqs.map((m) => `${p.acc(u, m)} += w${u} * s${m};${p.xn ? ` ${p.xn(u, m)} += wn${u} * s${m};` : ''}`).join(' ')).join('\n  ')}
}`;
  }
  const W = (u: number, g: number) => `W${u}_${g}`;
  const words = (m: number) => (p.quads && p.quadVec4
    ? `${m % 4 === 0 ? `let r${m >> 2} = ${p.quadVec4(m >> 2)}; ` : ''}let v${m} = quadBroadcast(r${m >> 2}, ${m & 3}u);`
    : p.quads
    ? `let s${m} = ${p.word(m, 'q + ql')}; let v${m} = vec4<f32>(${[0, 1, 2, 3].map((l) => `quadBroadcast(s${m}, ${l}u)`).join(', ')});`
    : `let v${m} = vec4<f32>(${[0, 1, 2, 3].map((l) => p.word(m, l === 0 ? 'q' : `q + ${l}u`)).join(', ')});`);
  const product = (u: number, m: number) => {
    if (G === 1) return `${p.acc(u, m)} += dot(v${m}, ${W(u, 0)});`;
    if (p.xn) return `${p.acc(u, m)} += vec3<f32>(v${m} * mat2x4<f32>(${W(u, 0)}, ${W(u, 1)}), 0.0); ${p.xn(u, m)} += dot(v${m}, ${W(u, 2)});`;
    return `${p.acc(u, m)} += v${m} * mat${G}x4<f32>(${range(G).map((g) => W(u, g)).join(', ')});`;
  };
  if (p.quads) w.enable('subgroups');
  return `{${p.quads ? '\n  let ql = sgid & 3u;' : ''}
  for (var q = 0u; q < ${L}u; q += 4u) {
    ${p.units.map((u) => range(G).map((g) => `let ${W(u, g)} = ${w.paramVec4(gateRow(u, g, 'q'))};`).join(' ')).join('\n    ')}
    ${p.seqs.map((m) => `${words(m)}\n    ${p.units.map((u) => product(u, m)).join(' ')}`).join('\n    ')}
  }
}`;
}

/** The accumulator declaration matching weightDots, zeroed explicitly. */
const accDecl = (op: RecurrentSeqOp) => {
  const G = gatesOf(op);
  return G === 1 ? 'var acc = 0.0;' : `var acc = vec${G}<f32>();`;
};

/** Statements storing a valid step's outputs for unit j. */
/** The time index a fused step selection picks for direction d (see TimeSelectOp). */
function selectedStep(op: RecurrentSeqOp): string {
  const which = op.select?.which;
  return which === 'first' ? '0u' : which === 'last' ? 'len - 1u' : 'select(len - 1u, 0u, d == 1u)';
}

function forwardStores(w: KernelWriter, op: RecurrentSeqOp, y: string): string {
  return `
${op.yUnread ? '' : `arena[${y} + ybase + j] = h;`}
${saved(w, op, op.hprev, 'row * H + j', 'hpj')}
${op.hN === undefined ? '' : `if (s == len - 1u) { ${w.store(op.hN, 'state + j', 'h')} }`}
${op.select === undefined ? '' : `if (t == ${selectedStep(op)}) { ${w.store(op.select.y, 'b * DH + d * H + j', 'h')} }`}`;
}

export function recurrentForwardKernel(w: KernelWriter, op: RecurrentSeqOp, schedule: RecurrentSchedule = 'per_step', slice = 1, subgroups = false,
                                       maxWorkgroupBytes = 16384): KernelPlan {
  w.helper('sigmoid', 'tanh_');
  // Declared before any parameter word is read: see weightDots.
  if (op.hidden % 4 === 0 || (op.input !== undefined && op.input.width % 4 === 0)) w.vec4Params();
  return schedule === 'persistent' ? persistentForward(w, op, slice, subgroups, maxWorkgroupBytes) : perStepForward(w, op);
}

function perStepForward(w: KernelWriter, op: RecurrentSeqOp): KernelPlan {
  // Each step reads the previous step's cell state back from `cells`: it cannot leave the saves out.
  if (op.forwardOnly) throw new Error('internal error in codegen: a forward-only recurrence needs the persistent kernel');
  const y = w.base(op.y, true).base;
  const h0 = op.h0 === undefined ? null : w.base(op.h0).base;
  const cp = `var cp = ${op.c0 === undefined ? '0.0' : w.load(op.c0, 'state + j')};
if (!first) { cp = ${op.cells === undefined ? '0.0' : w.load(op.cells, '((d * B + b) * T + tp) * H + j')}; }`;
  const body = `
let j = gid.x; let b = gid.y; let d = gid.z;${header(w, op)}
if (j >= H || b >= B) { return; }
let s = step.t;${stepIndices}
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
${accDecl(op)}
var hpj = 0.0;
if (have) {
  hpj = arena[hsrc + j];
  ${indentAfterFirst(weightDots(w, op, { L: op.hidden, row: () => 'wb + j * H', units: [0], seqs: [0], word: (_, q) => `arena[hsrc + ${q}]`,
                        acc: () => 'acc', quads: false }), 2)}
}${forwardCell(w, op, cp, '')}${forwardStores(w, op, y)}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.hidden, WG), op.batch, op.dirs], loop: op.time };
}

/**
 * `for (var v = 0u; v < n; v++) { body }` where the body reads one shared workgroup word per sequence m,
 * `at(m, v)`, the same for every thread. Every such read is a bounds-checked 4-lane gather on SwiftShader
 * (as costly as 10-15 multiply-adds) though all lanes want the same word. With subgroups, v advances by 4:
 * lane l of each quad reads word v + l, and quadBroadcast hands the four words to all four lanes, so a
 * quad makes one read where it made four. Every thread runs the loop (no guard), so quads are whole.
 */
function sharedLoop(quads: boolean, v: string, n: string, at: (m: number, v: string) => string, seqs: readonly number[],
                    body: (word: (m: number) => string) => string, w: KernelWriter): string {
  if (!quads) return `for (var ${v} = 0u; ${v} < ${n}; ${v}++) {
  ${seqs.map((m) => `let s${m} = ${at(m, v)};`).join(' ')}
  ${body((m) => `s${m}`)}
}`;
  w.enable('subgroups');
  const lanes = [0, 1, 2, 3];
  return `let ql = sgid & 3u;
for (var ${v}4 = 0u; ${v}4 < ${n}; ${v}4 += 4u) {
  ${seqs.map((m) => `let s${m} = ${at(m, `${v}4 + ql`)};`).join(' ')}
  ${lanes.map((l) => `{
    let ${v} = ${v}4 + ${l}u;
    ${seqs.map((m) => `let s${m}_${l} = quadBroadcast(s${m}, ${l}u);`).join(' ')}
    ${indentAfterFirst(body((m) => `s${m}_${l}`), 2)}
  }`).join('\n  ')}
}`;
}

/**
 * The units a persistent thread owns (j = lid.x + u·P for u < U, or with `adjacent` j = U·lid.x + u),
 * unrolled with u constant, so each unit's registers are plain scalars: SwiftShader spilled dynamically
 * indexed private arrays to memory.
 */
function eachUnit(U: number, P: number, body: (u: number) => string, adjacent = false): string {
  return [...Array(U).keys()].map((u) => `{
    let j = ${adjacent ? `lid.x * ${U}u + ${u}u` : `lid.x + ${u * P}u`};
    if (j < H) {
      ${indentAfterFirst(body(u), 6)}
    }
  }`).join('\n  ');
}

/** The input side of gate g in a fused recurrence: the input bias (the products are in acc), GRU's n apart. */
const fusedInput = (op: RecurrentSeqOp, u: number, m: number) => (op.input === undefined ? undefined
  : (g: number) => (op.cell === 'gru' && g === 2 ? `(xn${u}_${m} + bi${u}_2)` : `bi${u}_${g}`));

function persistentForward(w: KernelWriter, op: RecurrentSeqOp, slice: number, subgroups: boolean, maxWorkgroupBytes: number): KernelPlan {
  const H = op.hidden, P = persistentThreads(H, FORWARD_UNITS), U = Math.ceil(H / P), G = gatesOf(op);
  const y = op.yUnread ? '' : w.base(op.y, true).base;
  const { vecState, stageInput } = forwardLayout(op, slice, subgroups, maxWorkgroupBytes);
  const I = op.input?.width ?? 0;
  // The previous state of the unit: GRU's cell reads it, and a saved hprev (not in a forward-only copy).
  // With vec4 states every thread keeps its units' states in registers too (hreg), as it keeps c.
  const hpjRead = op.cell === 'gru' || !op.forwardOnly;
  if (vecState) w.workgroupArray('hsh4', 'vec4<f32>', slice * H / 4);
  else w.workgroupArray('hsh', 'f32', slice * H);
  if (stageInput) w.workgroupArray('xsh4', 'vec4<f32>', slice * I / 4);
  const seqs = [...Array(slice).keys()], units = [...Array(U).keys()];
  const zero = G === 1 ? '0.0' : `vec${G}<f32>()`;
  const gru = op.cell === 'gru';
  // State word q of sequence m, and where a thread keeps the new state of its unit u and sequence m.
  const stateWord = (m: number, q: string) => (vecState ? `hsh4[${m * H / 4}u + (${q}) / 4u][(${q}) % 4u]` : `hsh[${m * H}u + ${q}]`);
  const hreg = (u: number, m: number) => `hreg${u}_${m}`;
  // The dot products of every unit this thread owns with the input (when fused) and the previous state of
  // every sequence of the slice: each loaded weight feeds `slice` sequences, each loaded word U units.
  // On SwiftShader every load with a computed index is a bounds-checked gather costing as much as 10-15
  // multiply-adds, so these reuse factors set the kernel's speed (issue #8).
  const common = { units, seqs, acc: (u: number, m: number) => `acc${u}_${m}`, quads: subgroups };
  const inputDots = op.input === undefined ? '' : `
${gru ? units.flatMap((u) => seqs.map((m) => `var xn${u}_${m} = 0.0;`)).join(' ') : ''}
{${stageInput ? '' : `
  // The input row each sequence reads at this step (its time index, timeIndex).
  ${seqs.map((m) => `let xr${m} = (min(b0 + ${m}u, B - 1u) * T + ${timeIndex('s', `len${m}`)}) * ${I}u;`).join('\n  ')}`}
  ${indentAfterFirst(weightDots(w, op, {
    ...common, L: I, row: (u) => `wi${u}`, xn: gru ? (u, m) => `xn${u}_${m}` : undefined,
    ...(stageInput
      ? { word: (m: number, q: string) => `xsh4[${m * I / 4}u + (${q}) / 4u][(${q}) % 4u]`, quadVec4: (k: number) => `xsh4[(${4 * k}u + ql) * ${I / 4}u + q / 4u]` }
      : { word: (m: number, q: string) => w.load(op.input!.x, `xr${m} + ${q}`) }),
  }), 2)}
}`;
  // Where each owned unit's gate-0 row starts in W_hh (and W_ih when fused), in params.
  const unitRow = (u: number, width: string) => `min(lid.x + ${u * P}u, H - 1u) * ${width}`;
  const weightBases = `${units.map((u) => `let wt${u} = wb + ${unitRow(u, 'H')};`).join(' ')}${op.input === undefined ? '' : `
let wib = ${directional(op.input.wih.map((t) => w.base(t).base))};
${units.map((u) => `let wi${u} = wib + ${unitRow(u, `${I}u`)};`).join(' ')}`}`;
  const dots = `${units.flatMap((u) => seqs.map((m) => `var acc${u}_${m} = ${zero};`)).join(' ')}${inputDots}
${weightDots(w, op, { ...common, L: H, row: (u) => `wt${u}`, word: stateWord,
                      ...(vecState ? { quadVec4: (k: number) => `hsh4[(${4 * k}u + ql) * ${H / 4}u + q / 4u]` } : {}) })}`;
  // Sequence m of the slice: its own b, length, state base and step indices, shadowing the outer names.
  const seq = (m: number, body: string) => `{
  let b = b0 + ${m}u; let len = len${m};
  ${STATE.replace('${i}', String(op.stateIndex))}${indentAfterFirst(stepIndices, 2)}
  if (b < B) {
    ${indentAfterFirst(body, 4)}
  }
}`;
  const regs = units.flatMap((u) => seqs.map((m) => `var creg${u}_${m} = 0.0;${vecState ? ` var ${hreg(u, m)} = 0.0;` : ''}`)).join(' ');
  const keepState = (u: number, m: number, h: string) => (vecState ? `${hreg(u, m)} = ${h};` : `hsh[${m * H}u + j] = ${h};`);
  const body = `
let d = wid.y;${sizes(w, op)}
let b0 = wid.x * ${slice}u;${op.input === undefined ? '' : `
let bib = ${directional(op.input.bih.map((t) => w.base(t).base))};`}
${seqs.map((m) => `let len${m} = select(0u, ${lengthOf(w, op, `min(b0 + ${m}u, B - 1u)`)}, b0 + ${m}u < B);`).join('\n')}
${regs}${vecState ? `
let ql = sgid & 3u;
${quadAlignment(P, U)}` : ''}
// The recurrent bias of each owned unit, loaded once: every sequence and step adds the same words.
${units.map((u) => range(G).map((g) => `let bh${u}_${g} = ${w.paramWord(`bb + ${g * H}u + min(lid.x + ${u * P}u, H - 1u)`)};`).join(' ')).join('\n')}
${op.input === undefined ? '' : units.map((u) => range(G).map((g) => `let bi${u}_${g} = ${w.paramWord(`bib + ${g * H}u + min(lid.x + ${u * P}u, H - 1u)`)};`).join(' ')).join('\n')}
${weightBases}
${eachUnit(U, P, (u) => seqs.map((m) => `{
  let b = min(b0 + ${m}u, B - 1u);
  ${STATE.replace('${i}', String(op.stateIndex))}
  ${keepState(u, m, op.h0 === undefined ? '0.0' : w.load(op.h0, 'state + j'))}
  creg${u}_${m} = ${op.c0 === undefined ? '0.0' : w.load(op.c0, 'state + j')};
}`).join('\n'))}${vecState ? `
${packStates(H, P, units, seqs)}` : ''}${stageInput ? `
${stageInputRows(w, op, slice, P, '0u')}` : ''}
workgroupBarrier();
for (var s = 0u; s < T; s++) {
  ${dots}
  workgroupBarrier();   // every thread has read the states (and inputs) of the step: overwrite them
  ${eachUnit(U, P, (u) => `${seqs.map((m) => seq(m, `if (!valid) {
  ${op.yUnread ? '' : `arena[${y} + ybase + j] = 0.0;`}
  ${saved(w, op, op.hprev, 'row * H + j', '0.0')}
} else {
  let acc = acc${u}_${m};
  ${hpjRead ? `let hpj = ${vecState ? hreg(u, m) : `hsh[${m * H}u + j]`};` : ''}${forwardCell(w, op, `let cp = creg${u}_${m};`, `creg${u}_${m} = c;`, (g) => `bh${u}_${g}`, fusedInput(op, u, m))}${forwardStores(w, op, y)}
  ${keepState(u, m, 'h')}
}`)).join('\n')}`)}${vecState ? `
  ${indentAfterFirst(packStates(H, P, units, seqs), 2)}` : ''}${stageInput ? `
  if (s + 1u < T) {
    ${indentAfterFirst(stageInputRows(w, op, slice, P, 's + 1u'), 4)}
  }` : ''}
  workgroupBarrier();
}${op.head === undefined ? '' : headEpilogue(w, op, slice, P)}`;
  return { body, workgroupSize: [P, 1, 1], grid: [cdiv(op.batch, slice), op.dirs, 1] };
}

/**
 * The cell's backward math for unit j given dh (all paths into h_t): writes the pre-activation gradients
 * through `emit(gate, dxproj value, dhproj value)`; `carryIn`/`carryOut` read and write the per-unit state
 * carried to the previous step (LSTM: dc·f; GRU: z·dh).
 */
function backwardCell(w: KernelWriter, g: RecurrentSeqGradOp, carryIn: string, carryOut: (v: string) => string,
                      prevC: string, emit: (gate: number, dx: string, dh: string) => string): string {
  const op = g.fwd;
  if (op.cell === 'lstm') {
    return `
var dc = ${g.dcN === undefined ? '0.0' : w.load(g.dcN, 'state + j')};
if (!lastStep) { dc = ${carryIn}; }
let ig = ${w.load(op.gates, 'row * S + j')}; let fg = ${w.load(op.gates, 'row * S + H + j')};
let gg = ${w.load(op.gates, 'row * S + 2u * H + j')}; let og = ${w.load(op.gates, 'row * S + 3u * H + j')};
let tc = tanh_(${w.load(op.cells!, 'row * H + j')});
dc += dh * og * (1.0 - tc * tc);
var cp = ${op.c0 === undefined ? '0.0' : w.load(op.c0, 'state + j')};
if (s != 0u) { cp = ${prevC}; }
${carryOut('dc * fg')}
${emit(0, 'dc * gg * ig * (1.0 - ig)', '')}
${emit(1, 'dc * cp * fg * (1.0 - fg)', '')}
${emit(2, 'dc * ig * (1.0 - gg * gg)', '')}
${emit(3, 'dh * tc * og * (1.0 - og)', '')}
${g.dc0 === undefined ? '' : `if (s == 0u) { ${w.store(g.dc0, 'state + j', 'dc * fg')} }`}`;
  }
  if (op.cell === 'gru') {
    return `
let rg = ${w.load(op.gates, 'row * S + j')}; let zg = ${w.load(op.gates, 'row * S + H + j')};
let ng = ${w.load(op.gates, 'row * S + 2u * H + j')}; let hn = ${w.load(op.gates, 'row * S + 3u * H + j')};
let hpj = ${w.load(op.hprev, 'row * H + j')};
let dan = dh * (1.0 - zg) * (1.0 - ng * ng);
let dr = dan * hn * rg * (1.0 - rg);
let dz = dh * (hpj - ng) * zg * (1.0 - zg);
${carryOut('dh * zg')}   // the direct path h_{t-1} → h_t, added at the previous step
${emit(0, 'dr', 'dr')}
${emit(1, 'dz', 'dz')}
${emit(2, 'dan', 'dan * rg')}`;
  }
  const deriv = op.cell === 'rnn_relu' ? 'select(0.0, 1.0, hv > 0.0)' : '(1.0 - hv * hv)';
  return `
let hv = ${w.load(op.y, 'ybase + j')};
${emit(0, `dh * ${deriv}`, '')}`;
}

/**
 * dh += Σ_r dg[r] · W_hh[r, j] over the G·H gate gradients of the step this one fed, 4 terms at a time
 * when G·H allows (the same unrolling as recurrentDots).
 */
function recurrentGradSum(op: RecurrentSeqOp, dg: (r: string) => string): string {
  if ((gatesOf(op) * op.hidden) % 4 !== 0) return `for (var r = 0u; r < GH; r++) { dh += ${dg('r')} * params[wb + r * H + j]; }`;
  const k = [0, 1, 2, 3];
  return `for (var r = 0u; r < GH; r += 4u) {
    dh += dot(vec4<f32>(${k.map((i) => dg(`r + ${i}u`)).join(', ')}), vec4<f32>(${k.map((i) => `params[wb + (r + ${i}u) * H + j]`).join(', ')}));
  }`;
}

export function recurrentBackwardKernel(w: KernelWriter, g: RecurrentSeqGradOp, schedule: RecurrentSchedule = 'per_step', slice = 1, subgroups = false): KernelPlan {
  w.helper('tanh_');
  return schedule === 'persistent' ? persistentBackward(w, g, slice, subgroups) : perStepBackward(w, g);
}

/** Pieces both backward schedules share. */
function backwardParts(w: KernelWriter, g: RecurrentSeqGradOp) {
  const op = g.fwd, G = gatesOf(op);
  const dxp = w.base(g.dxproj, true).base, dhp = w.base(g.dhproj, true).base;
  const split = g.dhproj !== g.dxproj;
  const write = (k: number, dx: string, dh: string) =>
    `arena[${dxp} + row * GH + ${k}u * H + j] = ${dx};${split ? ` arena[${dhp} + row * GH + ${k}u * H + j] = ${dh || dx};` : ''}`;
  const zero = [...Array(G).keys()].map((k) => write(k, '0.0', '0.0')).join('\n  ');
  const dy = g.dy === undefined ? '0.0' : w.load(g.dy, 'ybase + j');
  const dhN = g.dhN === undefined ? '0.0' : w.load(g.dhN, 'state + j');
  const selected = g.dySelect === undefined ? ''
    : `\nif (t == ${selectedStep(op)}) { dh += ${w.load(g.dySelect, 'b * DH + d * H + j')}; }`;
  const prevC = op.cells === undefined ? '0.0' : w.load(op.cells, '((d * B + b) * T + select(t - 1u, t + 1u, d == 1u)) * H + j');
  return { G, dhp, write, zero, dy, dhN, prevC, selected };
}

function perStepBackward(w: KernelWriter, g: RecurrentSeqGradOp): KernelPlan {
  const op = g.fwd;
  const { dhp, write, zero, dy, dhN, prevC, selected } = backwardParts(w, g);
  const carry = g.dcCarry === undefined ? '' : w.base(g.dcCarry, true).base;
  const cidx = `arena[${carry} + (d * B + b) * H + j]`;
  const body = `
let j = gid.x; let b = gid.y; let d = gid.z;${header(w, op)}
if (j >= H || b >= B) { return; }
let s = T - 1u - step.t;${stepIndices}
if (!valid) {
  ${zero}
  return;
}
let lastStep = s == len - 1u;   // the first step of the backward sweep
var dh = ${dy};${selected}
if (lastStep) {
  dh += ${dhN};
} else {
  let tn = select(t + 1u, t - 1u, d == 1u);   // the step this one fed
  let nb = ${dhp} + ((d * B + b) * T + tn) * GH;
  ${recurrentGradSum(op, (r) => `arena[nb + ${r}]`)}
  ${op.cell === 'gru' ? `dh += ${cidx};` : ''}
}${backwardCell(w, g, cidx, (v) => `${cidx} = ${v};`, prevC, write)}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.hidden, WG), op.batch, op.dirs], loop: op.time };
}

function persistentBackward(w: KernelWriter, g: RecurrentSeqGradOp, slice: number, subgroups: boolean): KernelPlan {
  const op = g.fwd, H = op.hidden, P = persistentThreads(H, BACKWARD_UNITS), U = Math.ceil(H / P);
  const { G, write, zero, dy, dhN, prevC, selected } = backwardParts(w, g);
  w.workgroupArray('dgsh', 'f32', slice * G * H);
  const seqs = [...Array(slice).keys()];
  // Each emitted gate gradient also goes to workgroup memory, for the next step's sums (after a barrier
  // that waits for every thread's sums over the previous step's: no register holds them in between).
  const emitFor = (m: number) => (k: number, dx: string, dh: string) => `${write(k, dx, dh)} dgsh[${m * G * H + k * H}u + j] = ${dh || dx};`;
  const units = [...Array(U).keys()];
  // Σ_r dgsh[m, r] · W_hh[r, j] for every unit j this thread owns and every sequence m of the slice, in one
  // loop: each loaded weight feeds `slice` multiply-adds, each loaded gate gradient U of them. Where a
  // thread owns 4 adjacent units (H a multiple of 16, up to 1024), their weights in a row of W_hh are one
  // vec4 load (params aligned, read as vec4) and the sums of a sequence one vec4 over the units.
  const adjacent = U === 4 && P * U === H;   // P is a multiple of 4, so H is one of 16
  if (adjacent) w.vec4Params();
  const rs = (u: number, m: number) => (adjacent ? `rs_${m}[${u}]` : `rs${u}_${m}`);
  const dgWord = (m: number, r: string) => `dgsh[${m * G * H}u + ${r}]`;
  const quads = subgroups && (G * H) % 4 === 0;
  // Where this thread's weights start in W_hh: declared once, before the step loop (the sums run per step).
  const weightBases = adjacent ? 'let wj = wb + 4u * lid.x;' : units.map((u) => `let wj${u} = wb + min(lid.x + ${u * P}u, H - 1u);`).join(' ');
  const sums = adjacent ? `${seqs.map((m) => `var rs_${m} = vec4<f32>();`).join(' ')}
${sharedLoop(quads, 'r', 'GH', dgWord, seqs, (word) => `let wv = ${w.paramVec4('wj + r * H')};
  ${seqs.map((m) => `rs_${m} += ${word(m)} * wv;`).join(' ')}`, w)}`
    : `${units.flatMap((u) => seqs.map((m) => `var ${rs(u, m)} = 0.0;`)).join(' ')}
${sharedLoop(quads, 'r', 'GH', dgWord, seqs,
    (word) => `${units.map((u) => `let w${u} = ${w.paramWord(`wj${u} + r * H`)};`).join(' ')}
  ${units.map((u) => seqs.map((m) => `${rs(u, m)} += ${word(m)} * w${u};`).join(' ')).join('\n  ')}`, w)}`;
  const seq = (m: number, body: string) => `{
  let b = b0 + ${m}u; let len = len${m};
  ${STATE.replace('${i}', String(op.stateIndex))}${indentAfterFirst(stepIndices, 2)}
  let lastStep = s == len - 1u;   // the first step of the backward sweep
  if (b < B) {
    ${indentAfterFirst(body, 4)}
  }
}`;
  const regs = [...Array(U).keys()].flatMap((u) => seqs.map((m) => `var carry${u}_${m} = 0.0;`)).join(' ');
  const body = `
let d = wid.y;${sizes(w, op)}
let b0 = wid.x * ${slice}u;
${seqs.map((m) => `let len${m} = select(0u, ${lengthOf(w, op, `min(b0 + ${m}u, B - 1u)`)}, b0 + ${m}u < B);`).join('\n')}
${regs}
${weightBases}
for (var q = 0u; q < T; q++) {
  let s = T - 1u - q;
  ${sums}
  workgroupBarrier();
  ${eachUnit(U, P, (u) => `${seqs.map((m) => seq(m, `if (!valid) {
  ${zero}
} else {
  var dh = ${dy};${selected}
  if (lastStep) {
    dh += ${dhN};
  } else {
    dh += ${rs(u, m)};
    ${op.cell === 'gru' ? `dh += carry${u}_${m};` : ''}
  }${backwardCell(w, g, `carry${u}_${m}`, (v) => `carry${u}_${m} = ${v};`, prevC, emitFor(m))}
}`)).join('\n')}`, adjacent)}
  workgroupBarrier();
}
${g.dh0 === undefined ? '' : `// dh0: the recurrent path out of the sweep's last step (plus GRU's direct path)
${sums}
${eachUnit(U, P, (u) => `${seqs.map((m) => `{
  let b = b0 + ${m}u;
  ${STATE.replace('${i}', String(op.stateIndex))}
  if (b < B) {
    var dh = select(0.0, ${rs(u, m)}, len${m} > 0u);
    ${op.cell === 'gru' ? `dh += carry${u}_${m};` : ''}
    ${w.store(g.dh0!, 'state + j', 'dh')}
  }
}`).join('\n')}`, adjacent)}`}`;
  return { body, workgroupSize: [P, 1, 1], grid: [cdiv(op.batch, slice), op.dirs, 1] };
}

/** per_step only: after the sweep, dh0 = the recurrent path out of the first step (plus GRU's direct path). */
export function recurrentInitialGradKernel(w: KernelWriter, g: RecurrentSeqGradOp): KernelPlan {
  const op = g.fwd;
  const dhp = w.base(g.dhproj).base;
  const carry = g.dcCarry === undefined ? null : w.base(g.dcCarry).base;
  const body = `
let j = gid.x; let b = gid.y; let d = gid.z;${header(w, op)}
if (j >= H || b >= B) { return; }
let s = 0u;${stepIndices}
// the sweep's last step is s = 0, at t = 0 (forward) or len − 1 (reverse)
var dh = 0.0;
if (len > 0u) {
  let nb = ${dhp} + row * GH;
  ${recurrentGradSum(op, (r) => `arena[nb + ${r}]`)}
  ${op.cell === 'gru' ? `dh += arena[${carry} + (d * B + b) * H + j];` : ''}
}
${w.store(g.dh0!, 'state + j', 'dh')}`;
  return { body, workgroupSize: [WG, 1, 1], grid: [cdiv(op.hidden, WG), op.batch, op.dirs] };
}
