// Lower a checked model to the forward tensor IR. One function per construct, chosen by node kind.
import type { CheckedModel, Node } from '../check/model.ts';
import type { Graph, TensorId } from '../ir/graph.ts';
import { LowerCtx, type LoweredParam, UnsupportedError } from './context.ts';
import { lowerAttentionPool } from './attention-pool.ts';
import { lowerDense, lowerEmbedding } from './dense.ts';
import { lowerActivation, lowerDropout } from './elementwise.ts';
import { lowerLoss } from './loss.ts';
import { lowerRecurrent } from './recurrent.ts';
import { lowerRepeat, lowerTimePool, lowerTimeSelect } from './time.ts';

export interface Lowered {
  readonly graph: Graph;
  readonly params: readonly LoweredParam[];
  readonly paramCount: number;
  readonly inputs: readonly { readonly name: string; readonly tensor: TensorId }[];
  readonly outputs: readonly { readonly name: string; readonly tensor: TensorId }[];
  readonly loss: TensorId | null;
  readonly nonDiff: ReadonlySet<TensorId>;
}

type Lowering = { [K in Node['op']]?: (ctx: LowerCtx, n: Extract<Node, { op: K }>) => void };

const LOWERINGS: Lowering = {
  recurrent: lowerRecurrent,
  dense: lowerDense,
  embedding: lowerEmbedding,
  time_select: lowerTimeSelect,
  time_pool: lowerTimePool,
  repeat: lowerRepeat,
  activation: lowerActivation,
  dropout: lowerDropout,
  loss: lowerLoss,
  attention_pool: lowerAttentionPool,
};

export function lowerModel(model: CheckedModel): Lowered {
  const ctx = new LowerCtx(model);
  const inputs = model.inputs.map((i) => ({ name: i.name, tensor: ctx.define(i.value, i.name) }));
  for (const i of model.inputs) if (i.role.kind !== 'float') ctx.nonDiff.add(ctx.tensorOf(i.value));
  for (const node of model.nodes) {
    const lower = LOWERINGS[node.op] as ((c: LowerCtx, n: Node) => void) | undefined;
    if (!lower) throw new UnsupportedError(node, `'${node.op}'`);
    ctx.b.span = node.span;
    lower(ctx, node);
  }
  return {
    graph: ctx.b.build(),
    params: [...ctx.params.values()],
    paramCount: ctx.paramCount,
    inputs,
    outputs: model.outputs.map((o) => ({ name: o.name, tensor: ctx.tensorOf(o.value) })),
    loss: model.loss === undefined ? null : ctx.tensorOf(model.loss),
    nonDiff: ctx.nonDiff,
  };
}
