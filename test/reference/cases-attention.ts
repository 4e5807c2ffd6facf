// Gradient-check cases for attention, self_attention, attention_pool and attn_decoder.
import { ModelBuilder } from './builder.ts';
import type { GradCase } from './cases.ts';
import { GATES } from '../../src/reference/layers/cells.ts';

const scores = ['additive', 'dot', 'scaled_dot'] as const;

export const attentionCases: GradCase[] = [
  ...scores.flatMap((score) => [true, false].map((masked): GradCase => ({
    construct: `attention ${score}${masked ? ', key lengths' : ''}, separate values, weights out`,
    dims: { B: 3, Tq: 2, Tk: 4 },
    model: () => {
      const [Dq, Dk, Dv, A] = [score === 'additive' ? 3 : 2, 2, 3, 4];
      const b = new ModelBuilder();
      if (score === 'additive') b.additiveParams('att.', A, Dq, Dk);
      const q = b.input('q', 'f32', ['B', 'Tq', Dq]);
      const k = b.input('k', 'f32', ['B', 'Tk', Dk]);
      const v = b.input('v', 'f32', ['B', 'Tk', Dv]);
      const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'Tk' }) : undefined;
      const ctx = b.f(['B', 'Tq', Dv]);
      const w = b.f(['B', 'Tq', 'Tk']);
      return b.node({
        op: 'attention', layer: 'att', score, ...(score === 'additive' ? { units: A } : {}), query: q, keys: k, values: v,
        context: ctx, weights: w, ...(len !== undefined ? { lengths: len } : {}),
      }).output('context', ctx).output('weights', w).build();
    },
  }))),
  {
    construct: 'attention additive, values = keys',
    dims: { B: 2, Tq: 3, Tk: 3 },
    model: () => {
      const b = new ModelBuilder().additiveParams('att.', 3, 2, 2);
      const q = b.input('q', 'f32', ['B', 'Tq', 2]);
      const k = b.input('k', 'f32', ['B', 'Tk', 2]);
      const len = b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'Tk' });
      const ctx = b.f(['B', 'Tq', 2]);
      return b.node({ op: 'attention', layer: 'att', score: 'additive', units: 3, query: q, keys: k, lengths: len, context: ctx })
        .output('context', ctx).build();
    },
  },
  ...[[false, false], [true, false], [false, true], [true, true]].map(([causal, masked]): GradCase => ({
    construct: `self_attention 2 heads${causal ? ', causal' : ''}${masked ? ', key padding' : ''}`,
    dims: { B: 3, T: 4 },
    model: () => {
      const E = 4;
      const b = new ModelBuilder().param('sa.in_proj_weight', [3 * E, E]).param('sa.in_proj_bias', [3 * E])
        .param('sa.out_proj.weight', [E, E]).param('sa.out_proj.bias', [E]);
      const x = b.input('x', 'f32', ['B', 'T', E]);
      const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
      const y = b.f(['B', 'T', E]);
      return b.node({ op: 'self_attention', layer: 'sa', heads: 2, causal: !!causal, x, y, ...(len !== undefined ? { lengths: len } : {}) })
        .output('y', y).build();
    },
  })),
  ...[true, false].map((masked): GradCase => ({
    construct: `attention_pool${masked ? ' with lengths' : ''}, weights out`,
    dims: { B: 3, T: 4 },
    model: () => {
      const [D, A] = [3, 2];
      const b = new ModelBuilder().param('ap.weight', [A, D]).param('ap.bias', [A]).param('ap.context', [A]);
      const x = b.input('x', 'f32', ['B', 'T', D]);
      const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
      const y = b.f(['B', D]);
      const w = b.f(['B', 'T']);
      return b.node({ op: 'attention_pool', layer: 'ap', units: A, x, y, weights: w, ...(len !== undefined ? { lengths: len } : {}) })
        .output('y', y).output('weights', w).build();
    },
  })),
  ...(['gru', 'lstm'] as const).flatMap((cell) => scores.flatMap((score) => [true, false].map((forced): GradCase => ({
    construct: `attn_decoder ${cell} ${score} ${forced ? 'teacher forcing, memory lengths, h0' : 'greedy logits, h0'}`,
    dims: { B: 2, S: 3, T: 3 },
    model: () => decoderModel(cell, score, forced),
    // Greedy: make eos (token 2) unlikely so that all maxLen steps are decoded and differentiated.
    ...(forced ? {} : { opts: { tweakParams: (p) => { (p.get('dec.out.bias')!.data as Float64Array)[2] = -20; } } }),
  })))),
];

function decoderModel(cell: 'gru' | 'lstm', score: (typeof scores)[number], forced: boolean) {
  const [V, Demb, H, A, L] = [5, 2, 3, 2, 4];
  const E = score === 'additive' ? 2 : H;
  const G = GATES[cell] * H;
  const b = new ModelBuilder().param('dec.embedding.weight', [V, Demb], 'dec')
    .param('dec.cell.weight_ih', [G, Demb + E], 'dec').param('dec.cell.weight_hh', [G, H], 'dec')
    .param('dec.cell.bias_ih', [G], 'dec').param('dec.cell.bias_hh', [G], 'dec')
    .param('dec.out.weight', [V, H + E], 'dec').param('dec.out.bias', [V], 'dec');
  if (score === 'additive') b.additiveParams('dec.attention.', A, H, E);
  const mem = b.input('memory', 'f32', ['B', 'S', E]);
  const memLen = forced ? b.input('memLen', 'i32', ['B'], { kind: 'lengths', dim: 'S' }) : undefined;
  const targets = forced ? b.input('targets', 'i32', ['B', 'T'], { kind: 'index', bound: V }) : undefined;
  const h0 = b.input('h0', 'f32', ['B', H]);
  const logits = b.f(['B', forced ? 'T' : L, V]);
  const tokens = b.i(['B', L]);
  return b.node({
    op: 'attn_decoder', layer: 'dec', cell, hidden: H, vocab: V, embedDim: Demb, score, ...(score === 'additive' ? { units: A } : {}),
    sos: 1, eos: 2, maxLen: L, memory: mem, logits, tokens,
    ...(memLen !== undefined ? { memoryLengths: memLen } : {}), ...(targets !== undefined ? { targets } : {}), h0,
  }).output('logits', logits).output('tokens', tokens).build();
}
