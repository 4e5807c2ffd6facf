// Every node kind of model.ts and the construct that evaluates it. The mapped type makes a new node
// kind in model.ts a type error here until the reference implements it.
import type { Node, OpKind } from '../../compiler/check/model.ts';
import { activationOp } from './layers/activation.ts';
import { attentionPoolOp } from './layers/attention-pool.ts';
import { attentionOp } from './layers/attention.ts';
import { attnDecoderOp } from './layers/attn-decoder.ts';
import { binaryOp } from './layers/binary.ts';
import { concatOp } from './layers/concat.ts';
import { constOp } from './layers/const.ts';
import { convLstmOp } from './layers/conv-lstm.ts';
import { convOp } from './layers/conv.ts';
import { denseOp } from './layers/dense.ts';
import { dropoutOp } from './layers/dropout.ts';
import { embeddingOp } from './layers/embedding.ts';
import { flattenOp } from './layers/flatten.ts';
import { layerNormOp } from './layers/layer-norm.ts';
import { lossOp } from './layers/loss.ts';
import { poolOp } from './layers/pool.ts';
import { recurrentOp } from './layers/recurrent.ts';
import { reduceOp } from './layers/reduce.ts';
import { repeatOp } from './layers/repeat.ts';
import { selfAttentionOp } from './layers/self-attention.ts';
import { timePoolOp } from './layers/time-pool.ts';
import { timeSelectOp } from './layers/time-select.ts';
import type { OpEnv, OpImpl, OpResult } from './op.ts';

const OPS: { readonly [K in OpKind]: OpImpl<Extract<Node, { op: K }>> } = {
  recurrent: recurrentOp,
  conv_lstm: convLstmOp,
  embedding: embeddingOp,
  dense: denseOp,
  conv1d: convOp,
  conv2d: convOp,
  pool1d: poolOp,
  pool2d: poolOp,
  flatten: flattenOp,
  layer_norm: layerNormOp,
  dropout: dropoutOp,
  activation: activationOp,
  binary: binaryOp,
  const: constOp,
  reduce: reduceOp,
  concat: concatOp,
  time_select: timeSelectOp,
  time_pool: timePoolOp,
  repeat: repeatOp,
  attention: attentionOp,
  self_attention: selfAttentionOp,
  attention_pool: attentionPoolOp,
  attn_decoder: attnDecoderOp,
  loss: lossOp,
};

export function runNode(node: Node, env: OpEnv): OpResult {
  return (OPS[node.op] as OpImpl<Node>)(node, env);
}

/** The ValueIds a node reads (for error messages and for the unused-output analysis). */
export function nodeInputs(node: Node): number[] {
  const ids: (number | undefined)[] = [];
  switch (node.op) {
    case 'recurrent': ids.push(node.x, node.lengths, node.h0, node.c0); break;
    case 'conv_lstm': ids.push(node.x, node.lengths); break;
    case 'binary': ids.push(node.a, node.b); break;
    case 'const': break;
    case 'concat': ids.push(...node.xs); break;
    case 'time_select': case 'time_pool': case 'self_attention': case 'attention_pool': ids.push(node.x, node.lengths); break;
    case 'attention': ids.push(node.query, node.keys, node.values, node.lengths); break;
    case 'attn_decoder': ids.push(node.memory, node.memoryLengths, node.targets, node.h0); break;
    case 'loss': ids.push(node.pred, node.target, node.lengths); break;
    default: ids.push(node.x);
  }
  return ids.filter((i): i is number => i !== undefined);
}
