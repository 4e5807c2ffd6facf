// Every layer kind, by the name used in `layer x = KIND(...)`.
import { attentionPoolLayer } from './attention-pool.ts';
import { attentionLayer } from './attention.ts';
import { attnDecoderLayer } from './attn-decoder.ts';
import { convLstmLayer } from './conv-lstm.ts';
import { convLayer } from './conv.ts';
import { denseLayer } from './dense.ts';
import { embeddingLayer } from './embedding.ts';
import type { LayerDef } from './layer.ts';
import { layerNormLayer } from './layer-norm.ts';
import { recurrentLayer } from './recurrent.ts';
import { selfAttentionLayer } from './self-attention.ts';

export const LAYER_KINDS: ReadonlyMap<string, LayerDef> = new Map([
  recurrentLayer('rnn'), recurrentLayer('lstm'), recurrentLayer('gru'), convLstmLayer,
  embeddingLayer, denseLayer, convLayer('conv1d'), convLayer('conv2d'), layerNormLayer,
  attentionLayer, selfAttentionLayer, attentionPoolLayer, attnDecoderLayer,
].map((d) => [d.kind, d]));
