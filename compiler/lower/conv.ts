// conv1d / conv2d (one implicit-GEMM convolution op over frames), pooling and flatten.
import type { ConvNode, FlattenNode, PoolNode } from '../check/model.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';
import { numel } from '../ir/builder.ts';
import type { ConvGeom } from '../ir/conv-ops.ts';
import type { Act } from '../ir/graph.ts';
import type { LowerCtx } from './context.ts';
import { addActivation } from './elementwise.ts';

// Activations whose derivative follows from the output alone go into the convolution's epilogue.
const FUSED = new Set<string>(['relu', 'tanh', 'sigmoid']);

/** Frames, spatial sizes and layout of a conv/pool node: conv1d/pool1d over [..., T, C], 2-D over [..., C, H, W]. */
function frameGeom(one: boolean, x: readonly SizeExpr[], y: readonly SizeExpr[]) {
  const r = x.length;
  return one
    ? { layout: 'nwc' as const, frames: numel(x.slice(0, r - 2)), channels: x[r - 1]!, height: 1, width: x[r - 2]!, outHeight: 1, outWidth: y[r - 2]! }
    : { layout: 'nchw' as const, frames: numel(x.slice(0, r - 3)), channels: x[r - 3]!, height: x[r - 2]!, width: x[r - 1]!, outHeight: y[r - 2]!, outWidth: y[r - 1]! };
}

export function lowerConv(ctx: LowerCtx, n: ConvNode): void {
  const act = n.activation;
  const name = n.layer ?? `${n.op}${n.id}`;
  const one = n.op === 'conv1d';
  const f = frameGeom(one, ctx.shape(n.x), ctx.shape(n.y));
  const pad = n.padding === 'same' ? (n.kernel - 1) / 2 : 0;
  const geom: ConvGeom = {
    layout: f.layout, frames: f.frames, cin: f.channels as number, cout: n.filters,
    height: f.height, width: f.width, outHeight: f.outHeight, outWidth: f.outWidth,
    kh: one ? 1 : n.kernel, kw: n.kernel, stride: n.stride, padH: one ? 0 : pad, padW: pad, wcin: f.channels as number, wcOffset: 0,
  };
  const fused = act !== undefined && FUSED.has(act);
  const y = ctx.define(n.y, `${name}.y`);
  const z = act === undefined || fused ? y : ctx.b.tensor(`${name}.z`, ctx.shape(n.y));
  ctx.b.add({ kind: 'conv', stage: 'forward', ...geom, x: ctx.tensorOf(n.x), wt: ctx.param(`${name}.weight`).tensor,
              bias: n.bias ? ctx.param(`${name}.bias`).tensor : undefined, y: z, act: (fused ? act : 'none') as Act, accumulate: false },
            `${name} ${n.op}`);
  if (act !== undefined && z !== y) addActivation(ctx, n, act, z, y, ctx.shape(n.y), `${name} ${act}`);
}

export function lowerPool(ctx: LowerCtx, n: PoolNode): void {
  const one = n.op === 'pool1d';
  const f = frameGeom(one, ctx.shape(n.x), ctx.shape(n.y));
  // 2-D pooling acts on each channel plane alone, so planes are the frames.
  const frames = one ? f.frames : numel(ctx.shape(n.x).slice(0, -2));
  const y = ctx.define(n.y, `${n.mode}_${n.op}${n.id}`);
  ctx.b.add({ kind: 'pool', mode: n.mode, grad: false, layout: f.layout, frames, channels: one ? f.channels as number : 1,
              height: f.height, width: f.width, outHeight: f.outHeight, outWidth: f.outWidth,
              kh: one ? 1 : n.kernel, kw: n.kernel, stride: n.stride, x: ctx.tensorOf(n.x), y, accumulate: false },
            `${n.mode} ${n.op}`);
}

/** Row-major data does not move: the output is the input's tensor, unless it is a model output (copied, to keep its shape). */
export function lowerFlatten(ctx: LowerCtx, n: FlattenNode): void {
  const x = ctx.tensorOf(n.x);
  if (!ctx.model.outputs.some((o) => o.value === n.y)) { ctx.values.set(n.y, x); return; }
  const y = ctx.define(n.y, `flatten${n.id}`);
  const size = numel(ctx.shape(n.x));
  ctx.b.add({ kind: 'copy2d', x, y, rows: 1, cols: size, xld: size, xOffset: 0, yld: size, yOffset: 0, accumulate: false }, 'flatten');
}
