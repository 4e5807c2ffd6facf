// The matmul family: Y[M,N] (=|+=) act(opA(A) · opB(B) + bias), each thread a 4×4 register tile,
// 8×8 threads per workgroup (a 32×32 block). No workgroup memory: on SwiftShader barriers cost more
// than the reloads they save (issue #8's measurements); real GPUs get the persistent/tiled variants later.
import type { SizeExpr } from '../../../runtime/bundle.ts';
import type { MatmulOp } from '../../ir/graph.ts';
import { add, cdiv } from '../../ir/builder.ts';
import { actExpr, type KernelWriter, wgslSize } from '../wgsl.ts';
import type { KernelPlan } from './plan.ts';

const TILE = 4, THREADS = 8;
const capped = (n: SizeExpr): SizeExpr => (typeof n === 'number' ? Math.min(n, 65535) : ['min', n, 65535]);

export function matmulKernel(w: KernelWriter, op: MatmulOp): KernelPlan {
  const M = wgslSize(op.m), N = wgslSize(op.n), K = wgslSize(op.k);
  const lda = wgslSize(op.lda ?? (op.transA ? op.m : op.k));
  const ldb = op.transB ? K : N;
  const ldy = wgslSize(op.ldy ?? op.n);
  const aOff = wgslSize(op.aOffset ?? 0), bOff = wgslSize(op.bOffset ?? 0), yOff = wgslSize(op.yOffset ?? 0);
  const aIdx = op.transA ? `${aOff} + kk * ${lda} + r` : `${aOff} + r * ${lda} + kk`;
  const bIdx = op.transB ? `${bOff} + c * ${ldb} + kk` : `${bOff} + kk * ${ldb} + c`;
  const biasTerm = op.bias === undefined ? '' : ` + ${w.load(op.bias, 'c')}`;
  // With a fused bias gradient, column N is a virtual column of ones in B whose result is Σ_k A[r, k].
  const extra = op.biasGrad === undefined ? '' : ' + 1u';
  const loadB = op.biasGrad === undefined ? w.load(op.b, bIdx) : `select(${w.load(op.b, bIdx)}, 1.0, col0 + i >= N)`;
  // Row blocks loop by the grid's height, so M beyond 65535 blocks (the per-dimension dispatch limit) still fits.
  const body = `
let M = ${M}; let N = ${N}; let K = ${K};
let col0 = gid.x * ${TILE}u;
for (var rb = wid.y; rb * ${TILE * THREADS}u < M; rb += nwg.y) {
let row0 = (rb * ${THREADS}u + lid.y) * ${TILE}u;
if (row0 >= M || col0 >= N${extra}) { continue; }
var acc = array<array<f32, ${TILE}>, ${TILE}>();   // zeroed explicitly each block (see recurrent.ts)
for (var kk = 0u; kk < K; kk++) {
  var av: array<f32, ${TILE}>;
  var bv: array<f32, ${TILE}>;
  for (var i = 0u; i < ${TILE}u; i++) {
    let r = min(row0 + i, M - 1u);
    av[i] = ${w.load(op.a, aIdx)};
    let c = min(col0 + i, N - 1u);
    bv[i] = ${loadB};
  }
  for (var i = 0u; i < ${TILE}u; i++) {
    for (var j = 0u; j < ${TILE}u; j++) { acc[i][j] += av[i] * bv[j]; }
  }
}
for (var i = 0u; i < ${TILE}u; i++) {
  let r = row0 + i;
  if (r >= M) { break; }
  for (var j = 0u; j < ${TILE}u; j++) {
    let c = col0 + j;${op.biasGrad === undefined ? '' : `
    if (c == N) { ${w.store(op.biasGrad, 'r', 'acc[i][j]', op.biasAccumulate ?? false)} }`}
    if (c >= N) { break; }
    ${w.store(op.y, `${yOff} + r * ${ldy} + c`, actExpr(w, op.act, `(acc[i][j]${biasTerm})`), op.accumulate)}
  }
}
}`;
  return {
    body, workgroupSize: [THREADS, THREADS, 1],
    grid: [cdiv(op.biasGrad === undefined ? op.n : add(op.n, 1), TILE * THREADS), capped(cdiv(op.m, TILE * THREADS)), 1],
  };
}
