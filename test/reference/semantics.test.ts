// Semantics beyond single-construct math: packed sequences, masked and unused gradients, dropout sites,
// greedy decoding's eos handling, and input validation.
import { describe, expect, it } from 'vitest';
import type { CheckedModel } from '../../compiler/check/model.ts';
import { dropoutUniform } from '../../runtime/random.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { evaluate, gradients } from '../../src/reference/index.ts';
import { ModelBuilder } from './builder.ts';
import { randomParams } from './gradcheck.ts';
import { expectClose, f, i32, out, paramsOf, run } from './helpers.ts';

function lstm(T: number | string, masked: boolean, seq: boolean): CheckedModel {
  const b = new ModelBuilder().recurrentParams('r', 'lstm', 2, 3, 2, 2);
  const x = b.input('x', 'f32', ['B', T, 2]);
  const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: T }) : undefined;
  const y = b.f(seq ? ['B', T, 6] : ['B', 6]);
  const hN = b.f([4, 'B', 3]);
  const cN = b.f([4, 'B', 3]);
  return b.node({ op: 'recurrent', layer: 'r', cell: 'lstm', nonlinearity: 'tanh', hidden: 3, layers: 2, bidirectional: true, dropout: 0,
    returnSequences: seq, x, y, hN, cN, ...(len !== undefined ? { lengths: len } : {}) }).output('y', y).output('hN', hN).output('cN', cN).build();
}

/** Rows b of x [B, T, D] truncated to len steps. */
const rowOf = (x: Tensor, b: number, len: number): Tensor => {
  const [, T, D] = x.shape as [number, number, number];
  return f([1, len, D], Array.from(x.data.slice(b * T * D, (b * T + len) * D)));
};

describe('packed-sequence semantics', () => {
  const T = 5;
  const lengths = [3, 5, 1];
  const x = f([3, T, 2], Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.7)));
  const params = randomParams(lstm(T, true, true), 4);

  for (const seq of [true, false]) {
    it(`a padded row equals that row run alone at its own length (bidirectional, 2 layers, ${seq ? 'sequences' : 'last step'})`, () => {
      const batch = evaluate(lstm(T, true, seq), params, new Map([['x', x], ['len', i32([3], lengths)]]));
      const y = out(batch, 'y');
      const hN = out(batch, 'hN');
      const cN = out(batch, 'cN');
      lengths.forEach((len, b) => {
        const alone = evaluate(lstm(len, false, seq), params, new Map([['x', rowOf(x, b, len)]]));
        const ya = out(alone, 'y');
        if (seq) {
          expectClose(y.slice(b * T * 6, (b * T + len) * 6), ya, 1e-15);
          expect(y.slice((b * T + len) * 6, (b + 1) * T * 6).every((v) => v === 0)).toBe(true);
        } else {
          expectClose(y.slice(b * 6, (b + 1) * 6), ya, 1e-15);
        }
        for (let k = 0; k < 4; k++) {
          expectClose(hN.slice((k * 3 + b) * 3, (k * 3 + b + 1) * 3), out(alone, 'hN').slice(k * 3, k * 3 + 3), 1e-15);
          expectClose(cN.slice((k * 3 + b) * 3, (k * 3 + b + 1) * 3), out(alone, 'cN').slice(k * 3, k * 3 + 3), 1e-15);
        }
      });
    });
  }

  it('padding steps of the input get exactly zero gradient', () => {
    const m = lstm(T, true, true);
    const cot = new Map([[m.outputs[0]!.value, Float64Array.from({ length: 3 * T * 6 }, (_, i) => Math.cos(i))]]);
    const g = gradients(m, params, new Map([['x', x], ['len', i32([3], lengths)]]), { cotangents: cot });
    const dx = g.inputs.get('x')!.data;
    lengths.forEach((len, b) => {
      for (let t = 0; t < T; t++) {
        const slice = Array.from(dx.slice((b * T + t) * 2, (b * T + t + 1) * 2));
        if (t >= len) expect(slice).toEqual([0, 0]);
        else expect(slice.some((v) => v !== 0)).toBe(true);
      }
    });
  });
});

describe('gradient flow', () => {
  it('a node whose output is unused contributes nothing; its parameters get zero gradients', () => {
    const b = new ModelBuilder().param('used.weight', [1, 2]).param('used.bias', [1]).param('dead.weight', [3, 2]).param('dead.bias', [3]);
    const x = b.input('x', 'f32', ['B', 2]);
    const y = b.f(['B', 1]);
    const d = b.f(['B', 3]);
    const m = b.node({ op: 'dense', layer: 'dead', units: 3, bias: true, activation: 'log', x, y: d })   // log of negatives: NaN
      .node({ op: 'dense', layer: 'used', units: 1, bias: true, x, y }).output('y', y).build();
    const g = gradients(m, randomParams(m, 1), new Map([['x', f([2, 2], [1, 2, 3, 4])]]), { cotangents: new Map([[y, Float64Array.of(1, 1)]]) });
    expect(Array.from(g.params.get('dead.weight')!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(g.params.get('dead.bias')!.data)).toEqual([0, 0, 0]);
    expect(Array.from(g.params.get('used.bias')!.data)).toEqual([2]);
    expect(g.inputs.get('x')!.data.every(Number.isFinite)).toBe(true);
  });

  it('masked keys get no gradient in attention and attention pooling', () => {
    const b = new ModelBuilder().param('ap.weight', [2, 2]).param('ap.bias', [2]).param('ap.context', [2]);
    const x = b.input('x', 'f32', [1, 3, 2]);
    const len = b.input('len', 'i32', [1], { kind: 'lengths', dim: 3 });
    const y = b.f([1, 2]);
    const m = b.node({ op: 'attention_pool', layer: 'ap', units: 2, x, lengths: len, y }).output('y', y).build();
    const g = gradients(m, randomParams(m, 2), new Map([['x', f([1, 3, 2], [1, 2, 3, 4, 5, 6])], ['len', i32([1], [2])]]),
      { cotangents: new Map([[y, Float64Array.of(1, -1)]]) });
    expect(Array.from(g.inputs.get('x')!.data.slice(4))).toEqual([0, 0]);
  });
});

describe('dropout masks', () => {
  it('dropout node: kept iff dropoutUniform(seed, 64·id, step, i) ≥ p, scaled by 1/(1−p)', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'f32', [4, 8]);
    const y = b.f([4, 8]);
    const m = b.node({ op: 'dropout', p: 0.25, x, y }, 3).output('y', y).build();
    const xs = Array.from({ length: 32 }, (_, i) => i + 1);
    const ev = run(m, {}, { x: f([4, 8], xs) }, { training: true, seed: 9, step: 2 });
    expect(out(ev, 'y')).toEqual(xs.map((v, i) => (dropoutUniform(9, 192, 2, i) >= 0.25 ? v * (1 / 0.75) : 0)));
    expect(out(run(m, {}, { x: f([4, 8], xs) }, { training: false, seed: 9, step: 2 }), 'y')).toEqual(xs);
  });

  it('recurrent dropout after layer k uses site 64·id + k: a 2-layer GRU equals GRU → dropout node → GRU', () => {
    // Stacked: node id 5, so the mask after layer 0 is site 320. Composed: the dropout node has id 5 (site 64·5 = 320).
    const H = 2;
    const stacked = new ModelBuilder().recurrentParams('r', 'gru', 3, H, 2);
    const xs = stacked.input('x', 'f32', [2, 4, 3]);
    const ys = stacked.f([2, 4, H]);
    const ms = stacked.node({ op: 'recurrent', layer: 'r', cell: 'gru', nonlinearity: 'tanh', hidden: H, layers: 2, bidirectional: false,
      dropout: 0.5, returnSequences: true, x: xs, y: ys }, 5).output('y', ys).build();
    const composed = new ModelBuilder().recurrentParams('a', 'gru', 3, H).recurrentParams('b', 'gru', H, H);
    const xc = composed.input('x', 'f32', [2, 4, 3]);
    const h1 = composed.f([2, 4, H]);
    const h1d = composed.f([2, 4, H]);
    const yc = composed.f([2, 4, H]);
    const common = { op: 'recurrent', cell: 'gru', nonlinearity: 'tanh', hidden: H, layers: 1, bidirectional: false, dropout: 0, returnSequences: true } as const;
    const mc = composed.node({ ...common, layer: 'a', x: xc, y: h1 }, 0).node({ op: 'dropout', p: 0.5, x: h1, y: h1d }, 5)
      .node({ ...common, layer: 'b', x: h1d, y: yc }, 1).output('y', yc).build();
    const p = randomParams(ms, 3);
    const renamed = new Map<string, Tensor>();
    for (const [name, t] of p) renamed.set(name.replace(/^r\.(.*)_l0$/, 'a.$1_l0').replace(/^r\.(.*)_l1$/, 'b.$1_l0'), t);
    const x = f([2, 4, 3], Array.from({ length: 24 }, (_, i) => Math.cos(i)));
    const opts = { training: true, seed: 17, step: 4 };
    const a = out(evaluate(ms, p, new Map([['x', x]]), opts), 'y');
    expectClose(a, out(evaluate(mc, renamed, new Map([['x', x]]), opts), 'y'), 1e-15);
    // And the mask matters: inference differs.
    expect(out(evaluate(ms, p, new Map([['x', x]])), 'y')).not.toEqual(a);
  });
});

describe('greedy decoding', () => {
  it('stops at eos, holds eos afterwards, and ends once every row is done', () => {
    // GRU cell, H = E = Demb = 1, all weights 0 except W_in (n gate, embedding column) = 5, so with r = z = ½:
    //   h_t = ½·tanh(5·E[prev]) + ½·h_{t−1}. E[sos = 1] = 1, E[3] = −1. Logits = 10h for token 3, −10h for eos (2), 0 else.
    // Row 0, h0 = 0:  h1 = ½·tanh 5 = .49995 → token 3; h2 = ½·tanh(−5) + ½·h1 = −.24998 → eos; then eos.
    // Row 1, h0 = −3: h1 = .49995 − 1.5 < 0 → eos at once.
    const [V, L] = [4, 4];
    const b = new ModelBuilder().param('d.embedding.weight', [V, 1], 'd').param('d.cell.weight_ih', [3, 2], 'd').param('d.cell.weight_hh', [3, 1], 'd')
      .param('d.cell.bias_ih', [3], 'd').param('d.cell.bias_hh', [3], 'd').param('d.out.weight', [V, 2], 'd').param('d.out.bias', [V], 'd');
    const mem = b.input('memory', 'f32', [2, 2, 1]);
    const h0 = b.input('h0', 'f32', [2, 1]);
    const tokens = b.i([2, L]);
    const m = b.node({ op: 'attn_decoder', layer: 'd', cell: 'gru', hidden: 1, vocab: V, embedDim: 1, score: 'dot', sos: 1, eos: 2, maxLen: L,
      memory: mem, h0, tokens }).output('tokens', tokens).build();
    const ev = run(m, {
      'd.embedding.weight': [0, 1, 0, -1], 'd.cell.weight_ih': [0, 0, 0, 0, 5, 0], 'd.cell.weight_hh': [0, 0, 0],
      'd.cell.bias_ih': [0, 0, 0], 'd.cell.bias_hh': [0, 0, 0], 'd.out.weight': [0, 0, 0, 0, -10, 0, 10, 0], 'd.out.bias': [0, 0, 0, 0],
    }, { memory: f([2, 2, 1], [1, 2, 3, 4]), h0: f([2, 1], [0, -3]) });
    expect(out(ev, 'tokens')).toEqual([3, 2, 2, 2, 2, 2, 2, 2]);
  });
});

describe('validation', () => {
  const b = new ModelBuilder().param('e.weight', [4, 2]);
  const tok = b.input('tok', 'i32', ['B', 'T'], { kind: 'index', bound: 4 });
  const len = b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' });
  const y = b.f(['B', 'T', 2]);
  const m = b.node({ op: 'embedding', layer: 'e', vocab: 4, dim: 2, x: tok, y }).output('y', y).build();
  const p = paramsOf(m, { 'e.weight': [1, 2, 3, 4, 5, 6, 7, 8] });
  const go = (inputs: Record<string, Tensor>, params = p) => () => evaluate(m, params, new Map(Object.entries(inputs)));
  const ok = { tok: i32([2, 3], [0, 1, 2, 3, 0, 1]), len: i32([2], [3, 1]) };
  it('accepts good inputs', () => expect(go(ok)).not.toThrow());
  it('names missing, unknown, misshapen and out-of-range tensors', () => {
    expect(go({ tok: ok.tok })).toThrow(/missing input len \(expected i32 \[2\]\)/);
    expect(go({ ...ok, extra: f([1], [1]) })).toThrow(/unknown input extra/);
    expect(go({ ...ok, len: i32([3], [1, 1, 1]) })).toThrow(/input len: expected shape \[2\], got \[3\] \(B = 2\)/);
    expect(go({ ...ok, tok: i32([2, 3], [0, 1, 2, 4, 0, 1]) })).toThrow(/input tok: element 3 is 4, outside 0\.\.3/);
    expect(go({ ...ok, len: i32([2], [4, 1]) })).toThrow(/input len: length 4 at element 0 is outside 1\.\.3/);
    expect(go({ tok: i32([2, 0], []), len: ok.len })).toThrow('input tok: axis 1 (T) has size 0; dimension T must be at least 1');
    expect(go({ ...ok, tok: f([2, 3], [0, 1, 2, 3, 0, 1]) })).toThrow(/input tok: expected integer/);
    expect(go(ok, new Map())).toThrow(/missing weight e\.weight \(expected shape \[4, 2\]\)/);
    expect(go(ok, new Map([['e.weight', f([2, 4], [1, 2, 3, 4, 5, 6, 7, 8])]]))).toThrow(/weight e\.weight: expected shape \[4, 2\], got \[2, 4\]/);
  });
});
