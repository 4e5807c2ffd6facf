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
  const ldy = wgslSize(op.ldy ?? op.n);
  const aOff = wgslSize(op.aOffset ?? 0), bOff = wgslSize(op.bOffset ?? 0), yOff = wgslSize(op.yOffset ?? 0);
  // Element (row r, k) of opA(A) is at aBase(r) + k·aStep; element (k, column c) of opB(B) at bBase(c) + k·bStep.
  const aBase = (r: string) => (op.transA ? `${aOff} + ${r}` : `${aOff} + ${r} * ${lda}`);
  const aStep = op.transA ? lda : '1u';
  const bBase = (c: string) => (op.transB ? `${bOff} + ${c} * K` : `${bOff} + ${c}`);
  const bStep = op.transB ? '1u' : 'N';
  const a = w.base(op.a), b = w.base(op.b);
  const biasTerm = (c: string) => (op.bias === undefined ? '' : ` + ${w.load(op.bias, c)}`);
  const lanes = [0, 1, 2, 3];
  const comp = ['x', 'y', 'z', 'w'];
  // With a fused bias gradient, column N is a virtual column of ones: its result is Σ_k opA(A)[r, k].
  const extra = op.biasGrad === undefined ? '' : ' + 1u';
  const stores = lanes.map((i) => `
  if (row0 + ${i}u < M) {${op.biasGrad === undefined ? '' : `
    if (col0 <= N && N < col0 + 4u) { ${w.store(op.biasGrad, `row0 + ${i}u`, `asum.${comp[i]}`, op.biasAccumulate ?? false)} }`}
${lanes.map((j) => `    if (col0 + ${j}u < N) { ${w.store(op.y, `${yOff} + (row0 + ${i}u) * ${ldy} + col0 + ${j}u`,
    actExpr(w, op.act, `(acc${i}.${comp[j]}${biasTerm(`col0 + ${j}u`)})`), op.accumulate)} }`).join('\n')}
  }`).join('');
  // Row blocks loop by the grid's height, so M beyond 65535 blocks (the per-dimension dispatch limit) still fits.
  // Registers are explicit vec4s and the 4×4 tile is unrolled: SwiftShader keeps them in registers, where a
  // loop over a private array spilled to memory (about 4× slower measured on the input projections).
  const body = `
let M = ${M}; let N = ${N}; let K = ${K};
let col0 = gid.x * ${TILE}u;
${lanes.map((j) => `let b${j} = ${bBase(`min(col0 + ${j}u, N - 1u)`)};`).join(' ')}
for (var rb = wid.y; rb * ${TILE * THREADS}u < M; rb += nwg.y) {
  let row0 = (rb * ${THREADS}u + lid.y) * ${TILE}u;
  if (row0 >= M || col0 >= N${extra}) { continue; }
  ${lanes.map((i) => `let a${i} = ${aBase(`min(row0 + ${i}u, M - 1u)`)};`).join(' ')}
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();${op.biasGrad === undefined ? '' : `
  var asum = vec4<f32>();`}
  for (var kk = 0u; kk < K; kk++) {
    let ak = kk * ${aStep}; let bk = kk * ${bStep};
    let av = vec4<f32>(${lanes.map((i) => `${a.buf}[${a.base} + a${i} + ak]`).join(', ')});
    let bv = vec4<f32>(${lanes.map((j) => `${b.buf}[${b.base} + b${j} + bk]`).join(', ')});
    acc0 += av.x * bv; acc1 += av.y * bv; acc2 += av.z * bv; acc3 += av.w * bv;${op.biasGrad === undefined ? '' : `
    asum += av;`}
  }${stores}
}`;
  return {
    body, workgroupSize: [THREADS, THREADS, 1],
    grid: [cdiv(op.biasGrad === undefined ? op.n : add(op.n, 1), TILE * THREADS), capped(cdiv(op.m, TILE * THREADS)), 1],
  };
}
