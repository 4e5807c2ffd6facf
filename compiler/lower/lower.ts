// Lower a checked model to the forward tensor IR. One function per construct, chosen by node kind.
import type { CheckedModel, Node } from '../check/model.ts';
import type { Graph, TensorId } from '../ir/graph.ts';
import type { GraphBuilder } from '../ir/builder.ts';
import { LowerCtx, type LoweredParam, UnsupportedError } from './context.ts';
import { lowerAttentionPool } from './attention-pool.ts';
import { lowerDense, lowerEmbedding } from './dense.ts';
import { lowerActivation, lowerDropout } from './elementwise.ts';
import { lowerLoss } from './loss.ts';
import { lowerRecurrent } from './recurrent.ts';
import { lowerRepeat, lowerTimePool, lowerTimeSelect } from './time.ts';
import { lowerBinary, lowerConst, lowerReduce } from './arith.ts';
import { lowerAttention, lowerSelfAttention } from './attention.ts';
import { lowerAttnDecoder } from './attn-decoder.ts';
import { lowerConcat } from './concat.ts';
import { lowerConv, lowerFlatten, lowerPool } from './conv.ts';
import { lowerConvLstm } from './conv-lstm.ts';
import { lowerLayerNorm } from './layer-norm.ts';

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
  conv1d: lowerConv,
  conv2d: lowerConv,
  pool1d: lowerPool,
  pool2d: lowerPool,
  flatten: lowerFlatten,
  conv_lstm: lowerConvLstm,
  concat: lowerConcat,
  binary: lowerBinary,
  const: lowerConst,
  reduce: lowerReduce,
  layer_norm: lowerLayerNorm,
  attention: lowerAttention,
  self_attention: lowerSelfAttention,
  attn_decoder: lowerAttnDecoder,
};

function lowerNodes(ctx: LowerCtx, nodes: readonly Node[]): void {
  for (const node of nodes) {
    const lower = LOWERINGS[node.op] as ((c: LowerCtx, n: Node) => void) | undefined;
    if (!lower) throw new UnsupportedError(node, `'${node.op}'`);
    ctx.b.span = node.span;
    lower(ctx, node);
  }
}

/** Ops whose result at one step depends only on that step and the carried recurrent state. */
const STREAMABLE = new Set<Node['op']>(['recurrent', 'dense', 'embedding', 'activation', 'dropout', 'time_select', 'loss',
  'conv_lstm', 'conv2d', 'pool2d', 'flatten', 'layer_norm', 'const']);

/** Why a model cannot run one step at a time, or null when it can. */
export function streamBlocker(model: CheckedModel): string | null {
  for (const n of model.nodes) {
    if (!STREAMABLE.has(n.op)) return `'${n.op}' needs the whole sequence`;
    if (n.op === 'recurrent' && n.bidirectional) return 'a bidirectional layer needs the whole sequence';
  }
  return null;
}

/**
 * Append the stream_step ops (phase 'stream') to a builder that already holds the lowered model:
 * the same inputs, outputs and parameters, time = 1, recurrent states carried in persistent tensors.
 */
export function lowerStream(model: CheckedModel, lowered: Lowered, builder: GraphBuilder): void {
  const reuse = new Map<number, TensorId>();
  model.inputs.forEach((i, k) => reuse.set(i.value, lowered.inputs[k]!.tensor));
  model.outputs.forEach((o, k) => reuse.set(o.value, lowered.outputs[k]!.tensor));
  const ctx = new LowerCtx(model, { builder, params: new Map(lowered.params.map((p) => [p.decl.name, p])), reuse });
  builder.phase = 'stream';
  lowerNodes(ctx, model.nodes.filter((n) => n.op !== 'loss'));
  for (const update of ctx.stateUpdates) update();
}

export function lowerModel(model: CheckedModel): Lowered {
  const ctx = new LowerCtx(model);
  const inputs = model.inputs.map((i) => ({ name: i.name, tensor: ctx.define(i.value, i.name) }));
  for (const i of model.inputs) if (i.role.kind !== 'float') ctx.nonDiff.add(ctx.tensorOf(i.value));
  lowerNodes(ctx, model.nodes);
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
