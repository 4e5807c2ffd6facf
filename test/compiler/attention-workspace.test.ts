// The fused attention keeps no Tq·Tk tensor: the arena of a compiled bundle (forward, backward and
// optimizer tensors, laid out as the runtime does) has no term in the product of the query and key
// lengths. Checked on the size formulas: the mixed second difference
//   f(2q, 2k) − f(2q, k) − f(q, 2k) + f(q, k)
// is the q·k coefficient times q·k (zero up to the 256-byte rounding of each slot).
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../compiler/pipeline.ts';
import { arenaBytes } from '../../compiler/bundle/report.ts';
import { SELF_ATTENTION_WORKSPACE } from './fixtures/attention-configs.ts';
import { checkedModel } from './fixtures/reference-compare.ts';

const attentionModel = (weights: boolean) => `model m {
  input q: f32[batch, tq, 8]
  input k: f32[batch, tk, 8]
  input len: i32[batch]
  input y: f32[batch, tq, 8]
  layer att = attention(score=additive, units=16)
  ${weights ? 'c, w = att(q, k, lengths=len)\n  output w' : 'c = att(q, k, lengths=len)'}
  output c
  loss = mse(c, y)
  train { optimizer = adam(lr=0.001) }
}`;

const decoderModel = `model m {
  input src: f32[batch, src_time, 16]
  input tgt: i32[batch, tgt_time]
  layer dec = attn_decoder(cell=gru, hidden=16, vocab=20, embed_dim=8, score=additive, units=16, sos=1, eos=2, max_len=8)
  logits, toks = dec(src, targets=tgt)
  output toks
  loss = cross_entropy(logits, tgt)
  train { optimizer = adam(lr=0.001) }
}`;

/** The q·k (mixed) second difference of the arena size, and the slot count (rounding slack: 256 bytes each). */
function mixedDifference(source: string, qDim: string, kDim: string, q: number, k: number) {
  const bundle = compileModel(checkedModel(source));
  const at = (qv: number, kv: number) => arenaBytes(bundle, { batch: 4, [qDim]: qv, [kDim]: kv });
  const slots = new Set(bundle.tensors.map((t) => `${t.dtype}:${t.slot}`)).size;
  return { diff: at(2 * q, 2 * k) - at(2 * q, k) - at(q, 2 * k) + at(q, k), slack: 4 * 256 * slots };
}

describe('attention workspace does not grow with Tq·Tk', () => {
  it('attention without the weights output: no q·k term', () => {
    const { diff, slack } = mixedDifference(attentionModel(false), 'tq', 'tk', 512, 512);
    expect(Math.abs(diff)).toBeLessThanOrEqual(slack);
  });

  it('attention with the weights output: exactly that output, 4 bytes · batch per (q, k) pair', () => {
    const { diff, slack } = mixedDifference(attentionModel(true), 'tq', 'tk', 512, 512);
    expect(Math.abs(diff - 4 * 4 * 512 * 512)).toBeLessThanOrEqual(slack);
  });

  it('causal multi-head self-attention: arena linear in the sequence length', () => {
    const bundle = compileModel(checkedModel(SELF_ATTENTION_WORKSPACE));
    const at = (t: number) => arenaBytes(bundle, { batch: 4, time: t });
    const slots = new Set(bundle.tensors.map((t) => `${t.dtype}:${t.slot}`)).size;
    // f(3T) − 2 f(2T) + f(T) is 2·c·T² for a T² term c; linear sizes leave only rounding.
    expect(Math.abs(at(1536) - 2 * at(1024) + at(512))).toBeLessThanOrEqual(4 * 256 * slots);
    expect(at(1024) / at(512)).toBeCloseTo(2, 1);
  });

  it('the attentive decoder keeps no target-time × source-time tensor', () => {
    const { diff, slack } = mixedDifference(decoderModel, 'tgt_time', 'src_time', 256, 256);
    expect(Math.abs(diff)).toBeLessThanOrEqual(slack);
  });
});
