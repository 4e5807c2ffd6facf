// layer_norm over the last axis: one fused op (statistics saved for the backward pass).
import type { LayerNormNode } from '../check/model.ts';
import { numel } from '../ir/builder.ts';
import { type LowerCtx, UnsupportedError } from './context.ts';

export function lowerLayerNorm(ctx: LowerCtx, n: LayerNormNode): void {
  const shape = ctx.shape(n.x);
  const cols = shape[shape.length - 1];
  if (typeof cols !== 'number') throw new UnsupportedError(n, 'layer_norm over a symbolic axis');
  const name = n.layer ?? `layer_norm${n.id}`;
  const rows = numel(shape.slice(0, -1));
  const y = ctx.define(n.y, `${name}.y`);
  const stats = ctx.b.tensor(`${name}.stats`, [rows, 2]);
  ctx.b.add({ kind: 'layer_norm', stage: 'forward', x: ctx.tensorOf(n.x), gamma: ctx.param(`${name}.weight`).tensor,
              beta: ctx.param(`${name}.bias`).tensor, y, stats, rows, cols, eps: n.eps, accumulate: false }, `${name} layer_norm`);
}
