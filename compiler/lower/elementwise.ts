// Activations, softmax and dropout.
import type { ActivationNode, DropoutNode } from '../check/model.ts';
import { numel } from '../ir/builder.ts';
import type { Act } from '../ir/graph.ts';
import { type LowerCtx, UnsupportedError } from './context.ts';

const POINTWISE = new Set<string>(['relu', 'tanh', 'sigmoid', 'gelu', 'exp', 'log', 'neg']);

export function lowerActivation(ctx: LowerCtx, n: ActivationNode): void {
  const shape = ctx.shape(n.x);
  if (n.fn === 'softmax' || n.fn === 'log_softmax') {
    const y = ctx.define(n.y, `${n.fn}${n.id}`);
    ctx.b.add({ kind: 'softmax', grad: false, log: n.fn === 'log_softmax', x: ctx.tensorOf(n.x), y, rows: numel(shape.slice(0, -1)),
                cols: shape[shape.length - 1]!, accumulate: false }, n.fn);
    return;
  }
  if (!POINTWISE.has(n.fn)) throw new UnsupportedError(n, `activation '${n.fn}'`);
  const y = ctx.define(n.y, `${n.fn}${n.id}`);
  ctx.b.add({ kind: 'pointwise', fn: 'act', act: n.fn as Act, x: ctx.tensorOf(n.x), y, size: numel(shape), accumulate: false },
            n.fn);
}

export function lowerDropout(ctx: LowerCtx, n: DropoutNode): void {
  const y = ctx.define(n.y, `dropout${n.id}`);
  ctx.b.add({ kind: 'pointwise', fn: 'dropout', p: n.p, site: 64 * n.id, x: ctx.tensorOf(n.x), y,
              size: numel(ctx.shape(n.x)), accumulate: false }, 'dropout');
}
