// attn_decoder (model.ts AttnDecoderNode): a Bahdanau-style attentive GRU/LSTM decoder.
// With `targets=` it is teacher-forced and gives `logits, tokens`; without, only `tokens`.
import * as E from '../../diagnostics/catalogue.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { checkLengths, constDim, expectDtype, expectFloatRank, expectRank, expectShape } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Dim, Init } from '../model.ts';
import { int, num, oneOf } from '../options.ts';
import { defaulted, optional, readOptions, required } from '../read-options.ts';
import { useAsIndex } from '../roles.ts';
import { showShape } from '../shape.ts';
import { addAttentionParams, checkUnits, scoreOption } from './attention.ts';
import { layerCallable, layerWhat, onlyFor } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  cell: defaulted(oneOf(['gru', 'lstm']), 'gru' as 'gru' | 'lstm'),
  hidden: required(int(1), 'hidden=128'),
  vocab: required(int(1), 'vocab=40'),
  embed_dim: required(int(1), 'embed_dim=32'),
  score: scoreOption,
  units: optional(int(1)),
  sos: required(int(0), 'sos=1'),
  eos: required(int(0), 'eos=2'),
  max_len: required(int(1, 65_536), 'max_len=30'),   // greedy decoding runs max_len steps: a bound a hostile file cannot blow up
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  recurrent_init: defaulted(initSpec('weight'), { kind: 'orthogonal' } as Init),
  bias_init: optional(initSpec('vector')),
  forget_bias: optional(num()),
};

export const attnDecoderLayer: LayerDef = {
  kind: 'attn_decoder',
  shareable: false,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'attn_decoder', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, given = read.given, what = layerWhat(name, 'attn_decoder');
    let ok = checkUnits(ctx, 'attn_decoder', o.score, o.units, given, call);
    ok = onlyFor(ctx, given, 'forget_bias', o.cell === 'lstm', 'applies only to `cell=lstm`') && ok;
    for (const token of ['sos', 'eos'] as const) {
      if (o[token] >= o.vocab) {
        ctx.report(E.badOptionValue(given.get(token)!.value.span, token, `a token id below \`vocab\` (${o.vocab})`, String(o[token])));
        ok = false;
      }
    }
    if (!ok) return null;
    const H = o.hidden, V = o.vocab, G = o.cell === 'lstm' ? 4 : 3;
    const biasHh: Init = o.bias_init ?? { kind: 'zeros' };
    const biasIh: Init = o.cell === 'lstm' && (o.forget_bias !== undefined || o.bias_init === undefined)
      ? { kind: 'forget_bias', value: o.forget_bias ?? 1, hidden: H } : biasHh;
    return layerCallable({
      signature: {
        params: [tensor('memory'), tensor('targets', { named: true }), tensor('memory_lengths', { named: true }), tensor('h0', { named: true })],
        usage: `${name}(memory, targets=?, memory_lengths=?, h0=?)`,
      },
      results: (args) => (args.tensor('targets') !== undefined ? ['logits', 'tokens'] : ['tokens']),
      apply(ctx, args, want, self) {
        const memory = args.tensor('memory')!, targets = args.tensor('targets');
        const lengths = args.tensor('memory_lengths'), h0 = args.tensor('h0');
        if (!expectFloatRank(ctx, memory, 3, what, '[batch, source_time, features]')) return nulls(want);
        const [B, Ts] = memory.type.shape as [Dim, Dim];
        const Em = constDim(ctx, memory, 2, `the feature size of the memory of ${what}`);
        if (Em === undefined) return nulls(want);
        if (o.score !== 'additive' && Em !== H) {
          ctx.report(E.shapeMismatch(memory.span, `${what}: ${o.score} scores need memory features (${Em}) equal to \`hidden\` (${H})`,
            'use `score=additive`'));
          return nulls(want);
        }
        let ok = lengths === undefined || checkLengths(ctx, lengths, B, Ts, `\`memory_lengths\` of ${what}`);
        if (h0 !== undefined) ok = expectDtype(ctx, h0, 'f32', `\`h0\` of ${what}`) && expectShape(ctx, h0, [B, H], `\`h0\` of ${what}`) && ok;
        if (targets !== undefined) {
          ok = expectDtype(ctx, targets, 'i32', `\`targets\` of ${what}`) && expectRank(ctx, targets, 2, `\`targets\` of ${what}`, '[batch, target_time]') && ok;
          if (ok && targets.type.shape[0] !== B) {
            ctx.report(E.shapeMismatch(targets.span, `${what}: targets ${showShape(targets.type.shape)} and memory ${showShape(memory.type.shape)} differ in batch size`));
            ok = false;
          }
          if (ok) useAsIndex(ctx, targets, V);
        }
        if (!ok) return nulls(want);
        if (self.first) {
          const at = self.declSpan, n = self.name;
          ctx.addParam(n, 'embedding.weight', [V, o.embed_dim], { kind: 'normal', std: 1 }, at);
          ctx.addParam(n, 'cell.weight_ih', [G * H, o.embed_dim + Em], o.init, at);
          ctx.addParam(n, 'cell.weight_hh', [G * H, H], o.recurrent_init, at);
          ctx.addParam(n, 'cell.bias_ih', [G * H], biasIh, at);
          ctx.addParam(n, 'cell.bias_hh', [G * H], biasHh, at);
          // bias_init reaches every bias vector (the attention's and the output's too), as in the attention layer.
          const bias: Init = o.bias_init ?? { kind: 'zeros' };
          if (o.score === 'additive') addAttentionParams(ctx, n, 'attention.', o.units!, H, Em, o.init, bias, at);
          ctx.addParam(n, 'out.weight', [V, H + Em], o.init, at);
          ctx.addParam(n, 'out.bias', [V], bias, at);
        }
        const span = args.call.span;
        const logits = targets === undefined ? undefined : ctx.addValue({ dtype: 'f32', shape: [B, targets.type.shape[1]!, V] }, span);
        const tokens = ctx.addValue({ dtype: 'i32', shape: [B, o.max_len] }, span);
        ctx.addNode({
          op: 'attn_decoder', cell: o.cell, hidden: H, vocab: V, embedDim: o.embed_dim, score: o.score, units: o.units,
          sos: o.sos, eos: o.eos, maxLen: o.max_len, memory: memory.id, memoryLengths: lengths?.id, targets: targets?.id, h0: h0?.id,
          logits: logits?.id, tokens: tokens.id, span, layer: self.name,
        });
        return (logits === undefined ? [tokens] : [logits, tokens]).slice(0, want);
      },
    });
  },
};
