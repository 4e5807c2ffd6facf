// The matmul family: Y[M,N] (=|+=) act(opA(A) · opB(B) + bias), each thread a TM×TN register tile,
// 8×8 threads per workgroup. No workgroup memory: on SwiftShader barriers cost more than the reloads
// they save, and a workgroup-memory load is a 4-lane gather like a storage load (issue #8's measurements).
import type { SizeExpr } from '../../../runtime/bundle.ts';
import type { MatmulOp } from '../../ir/graph.ts';
import { cdiv } from '../../ir/builder.ts';
import { actExpr, type KernelWriter, range, wgslSize } from '../wgsl.ts';
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
  // The bias of each tile column, loaded once per tile (it was loaded per element: 64 loads, not 8).
  const biasTerm = (j: number) => (op.bias === undefined ? '' : ` + bias${j}`);
  const biasLoads = op.bias === undefined ? '' : `
  ${range(TN).map((j) => `let bias${j} = ${w.load(op.bias!, `min(col0 + ${j}u, N - 1u)`)};`).join(' ')}`;
  const rows = range(TM), cols = range(TN), quads = range(TN / 4);
  const comp = ['x', 'y', 'z', 'w'];
  // Column j of the tile is component j % 4 of accumulator vector j / 4.
  const acc = (i: number, j: number) => `acc${i}_${Math.floor(j / 4)}.${comp[j % 4]}`;
  // A fused bias gradient is Σ_k opA(A)[r, k]: every tile sums its A rows anyway, the first column of
  // tiles stores them. (It was a virtual column N of ones, which cost a column of tiles: H + 1 columns
  // take 3 tiles of 64 at H = 128 and 2 at H = 64.)
  const stores = rows.map((i) => `
  if (row0 + ${i}u < M) {${op.biasGrad === undefined ? '' : `
    if (col0 == 0u) { ${w.store(op.biasGrad, `row0 + ${i}u`, `asum${i}`, op.biasAccumulate ?? false)} }`}
${cols.map((j) => `    if (col0 + ${j}u < N) { ${w.store(op.y, `${yOff} + (row0 + ${i}u) * ${ldy} + col0 + ${j}u`,
    actExpr(w, op.act, `(${acc(i, j)}${biasTerm(j)})`), op.accumulate)} }`).join('\n')}
  }`).join('');
  // Row blocks loop by the grid's height, so M beyond 65535 blocks (the per-dimension dispatch limit) still fits.
  // Registers are explicit scalars and vec4s and the tile is unrolled: SwiftShader keeps them in registers,
  // where a loop over a private array spilled to memory (about 4× slower measured on the input projections).
  const kLoop = (shared: boolean) => `for (var kk = 0u; kk < K; kk++) {
    let ak = kk * ${aStep}; let bk = kk * ${bStep};
    ${shared
      // The quad's four lanes share these rows: each loads two of them, then all read all eight.
      ? `${range(TM / 4).map((h) => `let al${h} = ${a.buf}[${a.base} + ${aBase(`min(row0 + ql * ${TM / 4}u + ${h}u, M - 1u)`)} + ak];`).join(' ')}
    ${rows.map((i) => `let av${i} = quadBroadcast(al${i % (TM / 4)}, ${Math.floor(i / (TM / 4))}u);`).join(' ')}`
      : rows.map((i) => `let av${i} = ${a.buf}[${a.base} + a${i} + ak];`).join(' ')}
    ${quads.map((q) => `let bv${q} = vec4<f32>(${range(4).map((j) => `${b.buf}[${b.base} + b${4 * q + j} + bk]`).join(', ')});`).join(' ')}
    ${rows.map((i) => quads.map((q) => `acc${i}_${q} += av${i} * bv${q};`).join(' ')).join(' ')}${op.biasGrad === undefined ? '' : `
    ${rows.map((i) => `asum${i} += av${i};`).join(' ')}`}
  }`;
  if (subgroups) w.enable('subgroups');
  // With subgroups, the lanes of a quad (four threads with the same lid.y where invocations map to lanes in
  // order, as on every implementation we know) share their A rows; a quad whose lanes have different rows
  // (an implementation mapping otherwise) takes the plain path. Every lane of a quad stays active through
  // the loop: a tile past N whose quad has work is computed (its loads clamped), only its stores skipped.
  const body = `
let M = ${M}; let N = ${N}; let K = ${K};
let col0 = gid.x * ${TN}u;
${cols.map((j) => `let b${j} = ${bBase(`min(col0 + ${j}u, N - 1u)`)};`).join(' ')}${subgroups ? `
let ql = sgid & 3u;
// A quad leaves together (its lanes must stay active for quadBroadcast): when all its tiles are past N.
let quadCol0 = ${range(4).map((l) => `quadBroadcast(col0, ${l}u)`).reduce((x, y) => `min(${x}, ${y})`)};` : ''}
for (var rb = wid.y; rb * ${TM * THREADS}u < M; rb += nwg.y) {
  let row0 = (rb * ${THREADS}u + lid.y) * ${TM}u;
${subgroups ? `  // Leaving and the shared-rows test are quad-uniform, so no lane of a working quad is left inactive.
  ${range(4).map((l) => `let qr${l} = quadBroadcast(row0, ${l}u);`).join(' ')}
  let quadRows = ${range(4).map((l) => `qr${l} == row0`).join(' && ')};
  let quadRow0 = min(min(qr0, qr1), min(qr2, qr3));
  if (quadRow0 >= M || quadCol0 >= N) { continue; }` : `  if (row0 >= M || col0 >= N) { continue; }`}
  ${rows.map((i) => `let a${i} = ${aBase(`min(row0 + ${i}u, M - 1u)`)};`).join(' ')}
  ${rows.flatMap((i) => quads.map((q) => `var acc${i}_${q} = vec4<f32>();`)).join(' ')}${op.biasGrad === undefined ? '' : `
  ${rows.map((i) => `var asum${i} = 0.0;`).join(' ')}`}
  ${subgroups ? `if (quadRows) {
    ${kLoop(true).replace(/\n/g, '\n  ')}
  } else {
    ${kLoop(false).replace(/\n/g, '\n  ')}
  }` : kLoop(false)}${biasLoads}${stores}
}`;
  return {
    body, workgroupSize: [THREADS, THREADS, 1],
    grid: [cdiv(op.n, TN * THREADS), capped(cdiv(op.m, TM * THREADS)), 1],
  };
}
