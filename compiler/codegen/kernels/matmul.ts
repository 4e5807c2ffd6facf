// The matmul family: Y[M,N] (=|+=) act(opA(A) · opB(B) + bias), each thread a TM×TN register tile,
// 8×8 threads per workgroup. No workgroup memory: on SwiftShader barriers cost more than the reloads
// they save, and a workgroup-memory load is a 4-lane gather like a storage load (issue #8's measurements).
import type { SizeExpr } from '../../../runtime/bundle.ts';
import type { MatmulOp } from '../../ir/graph.ts';
import { cdiv } from '../../ir/builder.ts';
import { actExpr, indentAfterFirst, type KernelWriter, range, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const THREADS = 8;
// Rows and columns of a thread's tile. Each k step loads TM + TN words (every load a bounds-checked 4-lane
// gather on SwiftShader, as costly as 10-15 multiply-adds) for TM·TN multiply-adds. 8×8 ran M1's training
// step about 1.4× faster than 4×4 (16×4 and 16×8 were no better: registers spill), issue #8.
const TM = 8, TN = 8;

const capped = (n: SizeExpr): SizeExpr => (typeof n === 'number' ? Math.min(n, 65535) : ['min', n, 65535]);

export function matmulKernel(w: KernelWriter, op: MatmulOp, subgroups = false): KernelPlan {
  const M = wgslSize(op.m), N = wgslSize(op.n), K = wgslSize(op.k);
  const lda = wgslSize(op.lda ?? (op.transA ? op.m : op.k));
  const ldy = wgslSize(op.ldy ?? op.n);
  const aOff = wgslSize(op.aOffset ?? 0), bOff = wgslSize(op.bOffset ?? 0), yOff = wgslSize(op.yOffset ?? 0);
  // Element (row r, k) of opA(A) is at aBase(r) + k·aStep; element (k, column c) of opB(B) at bBase(c) + k·bStep.
  const aBase = (r: string) => (op.transA ? `${aOff} + ${r}` : `${aOff} + ${r} * ${lda}`);
  const aStep = op.transA ? lda : '1u';
  const bBase = (c: string) => (op.transB ? `${bOff} + ${c} * K` : `${bOff} + ${c}`);
  const bStep = op.transB ? '1u' : 'N';
  const a = w.base(op.a), b = w.base(op.b);
  const rows = range(TM), cols = range(TN), quads = range(TN / 4);
  // Tile rows and columns in register order. With subgroups a quad is 2×2 tiles: the two lanes of a row
  // (xo = 0, 1) share their 8 rows, each loading 4 and taking the other 4 from its partner (quadSwapX);
  // the two lanes of a column (yo) share their 8 columns the same way (quadSwapY). Registers 0-3 are the
  // rows and columns a lane loads itself, 4-7 its partner's. Without subgroups xo = yo = 0: in order.
  const rowAt = (i: number) => (i < 4 ? `xo * 4u + ${i}u` : `(1u - xo) * 4u + ${i - 4}u`);
  const colAt = (j: number) => (j < 4 ? `yo * 4u + ${j}u` : `(1u - yo) * 4u + ${j - 4}u`);
  // The bias of each tile column, loaded once per tile (it was loaded per element: 64 loads, not 8).
  const biasTerm = (j: number) => (op.bias === undefined ? '' : ` + bias${j}`);
  const biasLoads = op.bias === undefined ? '' : `
  ${cols.map((j) => `let bias${j} = ${w.load(op.bias!, `min(col0 + ${colAt(j)}, N - 1u)`)};`).join(' ')}`;
  const comp = ['x', 'y', 'z', 'w'];
  // Column j of the tile is component j % 4 of accumulator vector j / 4.
  const acc = (i: number, j: number) => `acc${i}_${Math.floor(j / 4)}.${comp[j % 4]}`;
  // A fused bias gradient is Σ_k opA(A)[r, k]: every tile sums its A rows anyway, the first column of
  // tiles stores them. (It was a virtual column N of ones, which cost a column of tiles: H + 1 columns
  // take 3 tiles of 64 at H = 128 and 2 at H = 64.)
  const stores = rows.map((i) => `
  let r${i} = row0 + ${rowAt(i)};
  if (r${i} < M) {${op.biasGrad === undefined ? '' : `
    if (col0 == 0u) { ${w.store(op.biasGrad, `r${i}`, `asum${i}`, op.biasAccumulate ?? false)} }`}
${cols.map((j) => `    if (col0 + ${colAt(j)} < N) { ${w.store(op.y, `${yOff} + r${i} * ${ldy} + col0 + ${colAt(j)}`,
    actExpr(w, op.act, `(${acc(i, j)}${biasTerm(j)})`), op.accumulate)} }`).join('\n')}
  }`).join('');
  // Row blocks loop by the grid's height, so M beyond 65535 blocks (the per-dimension dispatch limit) still fits.
  // Registers are explicit scalars and vec4s and the tile is unrolled: SwiftShader keeps them in registers,
  // where a loop over a private array spilled to memory (about 4× slower measured on the input projections).
  const bvec = (js: readonly number[]) => `vec4<f32>(${js.map((j) => `${b.buf}[${b.base} + b${j} + bk]`).join(', ')})`;
  const kLoop = (shared: boolean) => `for (var kk = 0u; kk < K; kk++) {
    let ak = kk * ${aStep}; let bk = kk * ${bStep};
    ${shared
      // 4 + 4 gathers where a lane used to make 8 + 8 (without subgroups) or 2 + 8 (rows shared by a quad).
      ? `${range(4).map((i) => `let av${i} = ${a.buf}[${a.base} + a${i} + ak];`).join(' ')}
    ${range(4).map((i) => `let av${i + 4} = quadSwapX(av${i});`).join(' ')}
    let bv0 = ${bvec([0, 1, 2, 3])}; let bv1 = quadSwapY(bv0);`
      : `${rows.map((i) => `let av${i} = ${a.buf}[${a.base} + a${i} + ak];`).join(' ')}
    ${quads.map((q) => `let bv${q} = ${bvec(range(4).map((j) => 4 * q + j))};`).join(' ')}`}
    ${rows.map((i) => quads.map((q) => `acc${i}_${q} += av${i} * bv${q};`).join(' ')).join(' ')}${op.biasGrad === undefined ? '' : `
    ${rows.map((i) => `asum${i} += av${i};`).join(' ')}`}
  }`;
  if (subgroups) w.enable('subgroups');
  // With subgroups, thread li of the workgroup is lane li % 4 of quad li / 4 (as on every implementation
  // we know); a quad mapped otherwise takes the plain path. Every lane of a quad stays active through the
  // loop: a tile past M or N whose quad has work is computed (its loads clamped), only its stores skipped.
  const body = `
let M = ${M}; let N = ${N}; let K = ${K};${subgroups ? `
let li = lid.x + lid.y * ${THREADS}u; let ql = sgid & 3u;
let xo = ql & 1u; let yo = ql >> 1u;
let tx = 2u * ((li >> 2u) & 3u) + (li & 1u); let ty = 2u * (li >> 4u) + ((li >> 1u) & 1u);
let mapped = u32(quadBroadcast(li, 0u) + ql == li && (li & 3u) == ql);
let quadMapped = ${range(4).map((l) => `quadBroadcast(mapped, ${l}u)`).join(' + ')} == 4u;` : `
let xo = 0u; let yo = 0u; let tx = lid.x; let ty = lid.y;`}
let col0 = (wid.x * ${THREADS}u + tx) * ${TN}u;
${cols.map((j) => `let b${j} = ${bBase(`min(col0 + ${colAt(j)}, N - 1u)`)};`).join(' ')}${subgroups ? `
// A quad leaves together (its lanes must stay active for the swaps): when all its tiles are past M or N.
let quadCol0 = ${range(4).map((l) => `quadBroadcast(col0, ${l}u)`).reduce((x, y) => `min(${x}, ${y})`)};` : ''}
for (var rb = wid.y; rb * ${TM * THREADS}u < M; rb += nwg.y) {
  let row0 = (rb * ${THREADS}u + ty) * ${TM}u;
${subgroups ? `  let quadRow0 = ${range(4).map((l) => `quadBroadcast(row0, ${l}u)`).reduce((x, y) => `min(${x}, ${y})`)};
  if (quadRow0 >= M || quadCol0 >= N) { continue; }` : `  if (row0 >= M || col0 >= N) { continue; }`}
  ${rows.map((i) => `let a${i} = ${aBase(`min(row0 + ${rowAt(i)}, M - 1u)`)};`).join(' ')}
  ${rows.flatMap((i) => quads.map((q) => `var acc${i}_${q} = vec4<f32>();`)).join(' ')}${op.biasGrad === undefined ? '' : `
  ${rows.map((i) => `var asum${i} = 0.0;`).join(' ')}`}
  ${subgroups ? `if (quadMapped) {
    ${indentAfterFirst(kLoop(true), 2)}
  } else {
    ${indentAfterFirst(kLoop(false), 2)}
  }` : kLoop(false)}${biasLoads}${stores}
}`;
  return {
    body, workgroupSize: [THREADS, THREADS, 1],
    grid: [cdiv(op.n, TN * THREADS), capped(cdiv(op.m, TM * THREADS)), 1],
  };
}
