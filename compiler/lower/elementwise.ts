// Activations, softmax and dropout.
import type { Activation, ActivationNode, DropoutNode, Node } from '../check/model.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';
import { numel } from '../ir/builder.ts';
import type { Act, TensorId } from '../ir/graph.ts';
import { type LowerCtx, UnsupportedError } from './context.ts';

const POINTWISE = new Set<string>(['relu', 'tanh', 'sigmoid', 'gelu', 'exp', 'log', 'neg']);

export function lowerActivation(ctx: LowerCtx, n: ActivationNode): void {
  addActivation(ctx, n, n.fn, ctx.tensorOf(n.x), ctx.define(n.y, `${n.fn}${n.id}`), ctx.shape(n.x), n.fn);
}

/** y = fn(x) for a tensor of `shape`: softmax and log_softmax over its last axis, the others per element.
 *  Also the epilogue of a dense or conv layer whose activation its matmul cannot fuse. */
export function addActivation(ctx: LowerCtx, n: Node, fn: Activation, x: TensorId, y: TensorId, shape: readonly SizeExpr[], label: string): void {
  if (fn === 'softmax' || fn === 'log_softmax') {
    ctx.b.add({ kind: 'softmax', grad: false, log: fn === 'log_softmax', x, y, rows: numel(shape.slice(0, -1)),
                cols: shape[shape.length - 1]!, accumulate: false }, label);
    return;
  }
  if (!POINTWISE.has(fn)) throw new UnsupportedError(n, `activation '${fn}'`);
  ctx.b.add({ kind: 'pointwise', fn: 'act', act: fn as Act, x, y, size: numel(shape), accumulate: false }, label);
}

export function lowerDropout(ctx: LowerCtx, n: DropoutNode): void {
  const y = ctx.define(n.y, `dropout${n.id}`);
  ctx.b.add({ kind: 'pointwise', fn: 'dropout', p: n.p, site: 64 * n.id, x: ctx.tensorOf(n.x), y,
              size: numel(ctx.shape(n.x)), accumulate: false }, 'dropout');
}
