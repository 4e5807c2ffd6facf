// Selecting, pooling and repeating along the time axis.
import type { RepeatNode, TimePoolNode, TimeSelectNode } from '../check/model.ts';
import type { LowerCtx } from './context.ts';

export function lowerTimeSelect(ctx: LowerCtx, n: TimeSelectNode): void {
  const [batch, time, width] = ctx.shape(n.x) as [string | number, string | number, string | number];
  const lengths = n.lengths === undefined ? undefined : ctx.tensorOf(n.lengths);
  const y = ctx.define(n.y, `${n.which}${n.id}`);
  ctx.b.add({ kind: 'time_select', which: n.which, x: ctx.tensorOf(n.x), lengths, y, batch, time, width, dirs: 1,
              grad: false, accumulate: false }, `${n.which} step`);
}

export function lowerTimePool(ctx: LowerCtx, n: TimePoolNode): void {
  const [batch, time, width] = ctx.shape(n.x) as [string | number, string | number, string | number];
  const lengths = n.lengths === undefined ? undefined : ctx.tensorOf(n.lengths);
  const y = ctx.define(n.y, `${n.mode}_time${n.id}`);
  ctx.b.add({ kind: 'time_pool', mode: n.mode, x: ctx.tensorOf(n.x), lengths, y, batch, time, width, accumulate: false },
            `${n.mode} over time`);
}

export function lowerRepeat(ctx: LowerCtx, n: RepeatNode): void {
  const [batch, width] = ctx.shape(n.x) as [string | number, string | number];
  const y = ctx.define(n.y, `repeat${n.id}`);
  ctx.b.add({ kind: 'repeat', grad: false, x: ctx.tensorOf(n.x), y, batch, time: n.steps, width, accumulate: false },
            'repeat over time');
}
