// Max/average pooling (no padding). Forward: a thread per output element. Backward: a thread per input
// element gathers from the windows that cover it; for max it recomputes each window's first maximum,
// so the gradient goes where the reference sends it, without atomics or a saved argmax.
import type { PoolOp } from '../../ir/conv-ops.ts';
import { mul } from '../../ir/builder.ts';
import { type KernelWriter, wgslSize } from '../wgsl.ts';
import { frameIndex } from './frame-index.ts';
import { type KernelPlan, strideGrid, strideLoop } from './plan.ts';

export function poolKernel(w: KernelWriter, op: PoolOp): KernelPlan {
  const at = (n: string, r: string, col: string) => frameIndex(op.layout, 'C', 'H', 'W', n, 'ch', r, col);
  const outAt = frameIndex(op.layout, 'C', 'Ho', 'Wo', 'n', 'ch', 'oi', 'oj');
  const head = `let N = ${wgslSize(op.frames)}; let H = ${wgslSize(op.height)}; let W = ${wgslSize(op.width)};
let Ho = ${wgslSize(op.outHeight)}; let Wo = ${wgslSize(op.outWidth)};
let C = ${op.channels}u; let KH = ${op.kh}u; let KW = ${op.kw}u; let S = ${op.stride}u;`;
  const decompose = (Hn: string, Wn: string, r: string, col: string) => op.layout === 'nchw'
    ? `let ${col} = i % ${Wn}; let ${r} = (i / ${Wn}) % ${Hn}; let ch = (i / (${Wn} * ${Hn})) % C; let n = i / (${Wn} * ${Hn} * C);`
    : `let ch = i % C; let ${col} = (i / C) % ${Wn}; let ${r} = 0u; let n = i / (C * ${Wn});`;
  /** The window of output (oi, oj): its max (first maximal tap: bi, bj) or its sum. */
  const window = (p: string, q: string) => `var best = -3.4e38; var bi = 0u; var bj = 0u; var sum = 0.0;
    for (var ${p} = 0u; ${p} < KH; ${p}++) {
      for (var ${q} = 0u; ${q} < KW; ${q}++) {
        let v = ${w.load(op.x, at('n', `oi * S + ${p}`, `oj * S + ${q}`))};
        sum += v;
        if (v > best) { best = v; bi = oi * S + ${p}; bj = oj * S + ${q}; }
      }
    }`;
  const scale = `${(1 / (op.kh * op.kw)).toPrecision(9)}`;
  if (!op.grad) {
    const items = mul(op.frames, op.outHeight, op.outWidth, op.channels);
    return { workgroupSize: [256, 1, 1], grid: strideGrid(items), body: `${head}
let items = N * Ho * Wo * C;
${strideLoop('items')} {
  ${decompose('Ho', 'Wo', 'oi', 'oj')}
  ${window('p', 'q')}
  ${w.store(op.y, outAt, op.mode === 'max' ? 'best' : `sum * ${scale}`)}
}` };
  }
  const items = mul(op.frames, op.height, op.width, op.channels);
  const take = op.mode === 'max'
    ? `${window('pp', 'qq')}\n        if (bi == r && bj == col) { acc += ${w.load(op.dy!, outAt)}; }`
    : `acc += ${w.load(op.dy!, outAt)} * ${scale};`;
  return { workgroupSize: [256, 1, 1], grid: strideGrid(items), body: `${head}
let items = N * H * W * C;
${strideLoop('items')} {
  ${decompose('H', 'W', 'r', 'col')}
  var acc = 0.0;
  for (var p = 0u; p < KH; p++) {
    if (r < p || (r - p) % S != 0u || (r - p) / S >= Ho) { continue; }
    let oi = (r - p) / S;
    for (var q = 0u; q < KW; q++) {
      if (col < q || (col - q) % S != 0u || (col - q) / S >= Wo) { continue; }
      let oj = (col - q) / S;
      ${take}
    }
  }
  ${w.store(op.dx!, at('n', 'r', 'col'), 'acc', op.accumulate)}
}` };
}
