// Tiny cases whose values are derived by hand, the arithmetic written out beside each.
// σ(z) = 1/(1+e^−z). Digits below are what the formulas give in double precision.
import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/reference/index.ts';
import { ModelBuilder } from './builder.ts';
import { expectClose, f, i32, out, paramsOf, run } from './helpers.ts';

function oneUnit(cell: 'rnn' | 'lstm' | 'gru', T: number) {
  const b = new ModelBuilder().recurrentParams('r', cell === 'rnn' ? 'rnn_tanh' : cell, 1, 1);
  const x = b.input('x', 'f32', [1, T, 1]);
  const y = b.f([1, T, 1]);
  const hN = b.f([1, 1, 1]);
  const cN = cell === 'lstm' ? b.f([1, 1, 1]) : undefined;
  b.node({ op: 'recurrent', layer: 'r', cell, nonlinearity: 'tanh', hidden: 1, layers: 1, bidirectional: false, dropout: 0,
    returnSequences: true, x, y, hN, ...(cN !== undefined ? { cN } : {}) }).output('y', y).output('hN', hN);
  if (cN !== undefined) b.output('cN', cN);
  return b.build();
}

describe('hand-computed', () => {
  it('1-unit LSTM over 2 steps', () => {
    // W_ih = [.5, .2, −.3, .8] (i, f, g, o), W_hh = [.1, .4, .2, −.5], b_ih = [0, .1, 0, 0], b_hh = [0, 0, .1, 0]; h0 = c0 = 0.
    // t = 0, x = 1:  z = W_ih·1 + b = [.5, .3, −.2, .8]
    //   i = σ(.5) = .6224593312018546, f = σ(.3) = .574442516811659, g = tanh(−.2) = −.19737532022490398, o = σ(.8) = .6899744811276125
    //   c1 = f·0 + i·g = −.12285810982294561;  h1 = o·tanh(c1) = −.08434501587095848
    // t = 1, x = −1: z = −W_ih + W_hh·h1 + b = [−.5 + .1h1, −.2 + .1 + .4h1, .3 + .1 + .2h1, −.8 − .5h1]
    //              = [−.5084345015870958, −.1337380063483834, .3831309968258083, −.7578274920645208]
    //   i = .37556058654744984, f = .4666152431608487, g = .36542346750950155, o = .31911812692129904
    //   c2 = f·c1 + i·g = .07991118500675537;  h2 = o·tanh(c2) = .02544696433811451
    const m = oneUnit('lstm', 2);
    const ev = run(m, { 'r.weight_ih_l0': [0.5, 0.2, -0.3, 0.8], 'r.weight_hh_l0': [0.1, 0.4, 0.2, -0.5], 'r.bias_ih_l0': [0, 0.1, 0, 0], 'r.bias_hh_l0': [0, 0, 0.1, 0] },
      { x: f([1, 2, 1], [1, -1]) });
    expectClose(out(ev, 'y'), [-0.08434501587095848, 0.02544696433811451], 1e-15);
    expectClose(out(ev, 'hN'), [0.02544696433811451], 1e-15);
    expectClose(out(ev, 'cN'), [0.07991118500675537], 1e-15);
  });

  it('a GRU step (b_hn inside r·(…), as PyTorch)', () => {
    // x = 1, h0 = .5; W_ih = [.4, −.6, .9] (r, z, n), W_hh = [.3, .5, −.7], b_ih = [.1, 0, .2], b_hh = [0, .2, −.1]
    //   gi = [.5, −.6, 1.1], gh = W_hh·.5 + b_hh = [.15, .45, −.45]
    //   r = σ(.5 + .15) = .6570104626734988;  z = σ(−.6 + .45) = .46257015465625045
    //   n = tanh(1.1 + r·(−.45)) = .6664590236059343
    //   h' = (1 − z)·n + z·h0 = .5894600473126089
    const b = new ModelBuilder().recurrentParams('r', 'gru', 1, 1);
    const x = b.input('x', 'f32', [1, 1, 1]);
    const h0 = b.input('h0', 'f32', [1, 1, 1]);
    const y = b.f([1, 1]);
    const m = b.node({ op: 'recurrent', layer: 'r', cell: 'gru', nonlinearity: 'tanh', hidden: 1, layers: 1, bidirectional: false,
      dropout: 0, returnSequences: false, x, h0, y }).output('y', y).build();
    const ev = run(m, { 'r.weight_ih_l0': [0.4, -0.6, 0.9], 'r.weight_hh_l0': [0.3, 0.5, -0.7], 'r.bias_ih_l0': [0.1, 0, 0.2], 'r.bias_hh_l0': [0, 0.2, -0.1] },
      { x: f([1, 1, 1], [1]), h0: f([1, 1, 1], [0.5]) });
    expectClose(out(ev, 'y'), [0.5894600473126089], 1e-15);
  });

  it('a tanh RNN over 2 steps, and its reverse direction', () => {
    // w_ih = .5, w_hh = −1, b_ih = .1, b_hh = 0, x = [1, 2]
    // forward: a1 = .5 + .1 = .6, h1 = tanh(.6) = .5370495669980353; a2 = 1 − h1 + .1 = .5629504330019647, h2 = .5101632506598709
    // reverse: starts at x = 2: a = 1.1, g2 = tanh(1.1) = .8004990217606297; then x = 1: a = .5 − g2 + .1 = −.2004990217606297,
    //          g1 = tanh(−.2004990217606297) = −.1978560757316016; output [g1, g2] at t = [0, 1]
    const b = new ModelBuilder().recurrentParams('r', 'rnn_tanh', 1, 1, 1, 2);
    const x = b.input('x', 'f32', [1, 2, 1]);
    const y = b.f([1, 2, 2]);
    const m = b.node({ op: 'recurrent', layer: 'r', cell: 'rnn', nonlinearity: 'tanh', hidden: 1, layers: 1, bidirectional: true, dropout: 0,
      returnSequences: true, x, y }).output('y', y).build();
    const p = { 'r.weight_ih_l0': [0.5], 'r.weight_hh_l0': [-1], 'r.bias_ih_l0': [0.1], 'r.bias_hh_l0': [0] };
    const ev = run(m, { ...p, ...Object.fromEntries(Object.entries(p).map(([k, v]) => [`${k}_reverse`, v])) }, { x: f([1, 2, 1], [1, 2]) });
    expectClose(out(ev, 'y'), [0.5370495669980353, Math.tanh(0.6 - Math.tanh(1.1)), 0.5101632506598709, Math.tanh(1.1)], 1e-15);
    expect(Math.tanh(1.1)).toBeCloseTo(0.8004990217606297, 15);
  });

  it('additive attention of one query over 2 keys', () => {
    // q = .5, keys k = [1, −1], values [2, 4]; W_q = W_k = v = 1, b = 0 (A = 1):
    //   s1 = tanh(.5 + 1) = .9051482536448664, s2 = tanh(.5 − 1) = −.46211715726000974
    //   a1 = e^s1/(e^s1 + e^s2) = σ(s1 − s2) = .7969379802553438, a2 = .2030620197446562
    //   context = 2·a1 + 4·a2 = 2.4061240394893124
    const b = new ModelBuilder().additiveParams('att.', 1, 1, 1);
    const q = b.input('q', 'f32', [1, 1, 1]);
    const k = b.input('k', 'f32', [1, 2, 1]);
    const v = b.input('v', 'f32', [1, 2, 1]);
    const ctx = b.f([1, 1, 1]);
    const w = b.f([1, 1, 2]);
    const m = b.node({ op: 'attention', layer: 'att', score: 'additive', units: 1, query: q, keys: k, values: v, context: ctx, weights: w })
      .output('context', ctx).output('weights', w).build();
    const ev = run(m, { 'att.w_query': [1], 'att.w_key': [1], 'att.bias': [0], 'att.v': [1] },
      { q: f([1, 1, 1], [0.5]), k: f([1, 2, 1], [1, -1]), v: f([1, 2, 1], [2, 4]) });
    expectClose(out(ev, 'weights'), [0.7969379802553438, 0.2030620197446562], 1e-15);
    expectClose(out(ev, 'context'), [2.4061240394893124], 1e-15);
  });

  it('dot attention with a masked key puts all weight on the valid one', () => {
    // keys [1, 5] with lengths 1: the second key is padding, so a = [1, 0] and context = the first value.
    const b = new ModelBuilder();
    const q = b.input('q', 'f32', [1, 1, 1]);
    const k = b.input('k', 'f32', [1, 2, 1]);
    const len = b.input('len', 'i32', [1], { kind: 'lengths', dim: 2 });
    const ctx = b.f([1, 1, 1]);
    const w = b.f([1, 1, 2]);
    const m = b.node({ op: 'attention', score: 'dot', query: q, keys: k, lengths: len, context: ctx, weights: w })
      .output('context', ctx).output('weights', w).build();
    const ev = run(m, {}, { q: f([1, 1, 1], [3]), k: f([1, 2, 1], [1, 5]), len: i32([1], [1]) });
    expect(out(ev, 'weights')).toEqual([1, 0]);
    expect(out(ev, 'context')).toEqual([1]);
  });

  it('self-attention, 1 head, causal: step 0 sees only itself', () => {
    // E = 1, in_proj = [1, 1, 1] (q = k = v = x), biases 0, out_proj = 1. x = [1, 2].
    //   y0 = x0 = 1 (only key 0 is visible)
    //   y1: scores q1·k_j/√1 = [2, 4], a = [1/(1+e²), e²/(1+e²)] = [.11920292202211755, .8807970779778823]
    //       y1 = .11920292202211755·1 + .8807970779778823·2 = 1.8807970779778823
    const b = new ModelBuilder().param('sa.in_proj_weight', [3, 1]).param('sa.in_proj_bias', [3])
      .param('sa.out_proj.weight', [1, 1]).param('sa.out_proj.bias', [1]);
    const x = b.input('x', 'f32', [1, 2, 1]);
    const y = b.f([1, 2, 1]);
    const m = b.node({ op: 'self_attention', layer: 'sa', heads: 1, causal: true, x, y }).output('y', y).build();
    const ev = run(m, { 'sa.in_proj_weight': [1, 1, 1], 'sa.in_proj_bias': [0, 0, 0], 'sa.out_proj.weight': [1], 'sa.out_proj.bias': [0] },
      { x: f([1, 2, 1], [1, 2]) });
    expectClose(out(ev, 'y'), [1, 1.8807970779778823], 1e-15);
  });

  it('losses: cross-entropy, binary cross-entropy from logits, mse', () => {
    // CE of logits [1, 2, 3] with class 1: log(e + e² + e³) − 2 = 1.4076059644443801
    // BCE of logit 2 with target 1: log(1 + e^−2) = .1269280110429726; of logit 3, target 0: log(1 + e³) = 3.048587351573742
    // MSE of [1, 2] vs [0, 4]: (1 + 4)/2 = 2.5
    const ce = new ModelBuilder();
    const z = ce.input('z', 'f32', [1, 3]);
    const t = ce.input('t', 'i32', [1], { kind: 'index', bound: 3 });
    const l = ce.f([]);
    const mce = ce.node({ op: 'loss', fn: 'cross_entropy', reduction: 'mean', pred: z, target: t, y: l }).output('loss', l).loss(l).build();
    expectClose(out(run(mce, {}, { z: f([1, 3], [1, 2, 3]), t: i32([1], [1]) }), 'loss'), [1.4076059644443801], 1e-15);

    const bce = new ModelBuilder();
    const x = bce.input('x', 'f32', [2]);
    const y = bce.input('y', 'f32', [2]);
    const lb = bce.f([2]);
    const mb = bce.node({ op: 'loss', fn: 'binary_cross_entropy', reduction: 'none', pred: x, target: y, y: lb }).output('loss', lb).build();
    expectClose(out(run(mb, {}, { x: f([2], [2, 3]), y: f([2], [1, 0]) }), 'loss'), [0.1269280110429726, 3.048587351573742], 1e-15);
    // Stability: logit ±800 with the wrong target is exactly 800, not Infinity.
    expectClose(out(run(mb, {}, { x: f([2], [800, -800]), y: f([2], [0, 1]) }), 'loss'), [800, 800], 0);

    const mse = new ModelBuilder();
    const p = mse.input('p', 'f32', [1, 2]);
    const q = mse.input('q', 'f32', [1, 2]);
    const lm = mse.f([]);
    const mm = mse.node({ op: 'loss', fn: 'mse', reduction: 'mean', pred: p, target: q, y: lm }).output('loss', lm).loss(lm).build();
    expectClose(out(run(mm, {}, { p: f([1, 2], [1, 2]), q: f([1, 2], [0, 4]) }), 'loss'), [2.5], 0);
  });

  it('masked cross-entropy per step: mean over valid steps only, and its gradient', () => {
    // B = 1, T = 2, C = 2, lengths [1]: only step 0 counts. logits step 0 = [0, 0] (ℓ = log 2), step 1 = [9, −9] (ignored).
    //   loss = log 2 = .6931471805599453; ∂/∂z_0 = softmax − onehot(1) = [.5, −.5]; ∂/∂z_1 = 0 (masked)
    const b = new ModelBuilder();
    const z = b.input('z', 'f32', [1, 2, 2]);
    const t = b.input('t', 'i32', [1, 2], { kind: 'index', bound: 2 });
    const len = b.input('len', 'i32', [1], { kind: 'lengths', dim: 2 });
    const l = b.f([]);
    const m = b.node({ op: 'loss', fn: 'cross_entropy', reduction: 'mean', pred: z, target: t, lengths: len, y: l }).output('loss', l).loss(l).build();
    const g = gradients(m, paramsOf(m, {}), new Map(Object.entries({ z: f([1, 2, 2], [0, 0, 9, -9]), t: i32([1, 2], [1, 1]), len: i32([1], [1]) })));
    expectClose([g.evaluation.loss!], [Math.LN2], 1e-15);
    expect(Array.from(g.inputs.get('z')!.data)).toEqual([0.5, -0.5, 0, 0]);
  });

  it('layer norm of [1, 2, 3] (biased variance, eps inside the root)', () => {
    // μ = 2, σ² = (1 + 0 + 1)/3 = 2/3; y = (x − μ)/sqrt(2/3 + eps)·w + b with w = [1, 2, 1], b = [0, 0, 1], eps = 0
    //   x̂ = [−1.224744871391589, 0, 1.224744871391589] → y = [−1.224744871391589, 0, 2.224744871391589]
    const b = new ModelBuilder().param('ln.weight', [3]).param('ln.bias', [3]);
    const x = b.input('x', 'f32', [1, 3]);
    const y = b.f([1, 3]);
    const m = b.node({ op: 'layer_norm', layer: 'ln', eps: 0, x, y }).output('y', y).build();
    const ev = run(m, { 'ln.weight': [1, 2, 1], 'ln.bias': [0, 0, 1] }, { x: f([1, 3], [1, 2, 3]) });
    expectClose(out(ev, 'y'), [-1.224744871391589, 0, 2.224744871391589], 1e-15);
  });

  it('conv1d same padding (k = 3) and max/avg pool', () => {
    // x = [1, 2, 3, 4] (T = 4, C = 1), w = [1, 0, −1], no bias; same pads one zero each side:
    //   y_t = x_{t−1} − x_{t+1}: [0 − 2, 1 − 3, 2 − 4, 3 − 0] = [−2, −2, −2, 3]
    // pool1d max k = 2 stride 2 of y: [max(−2, −2), max(−2, 3)] = [−2, 3]; avg: [−2, .5]
    const b = new ModelBuilder().param('c.weight', [1, 1, 3]);
    const x = b.input('x', 'f32', [1, 4, 1]);
    const y = b.f([1, 4, 1]);
    const pm = b.f([1, 2, 1]);
    const pa = b.f([1, 2, 1]);
    const m = b.node({ op: 'conv1d', layer: 'c', filters: 1, kernel: 3, stride: 1, padding: 'same', bias: false, x, y })
      .node({ op: 'pool1d', mode: 'max', kernel: 2, stride: 2, x: y, y: pm }).node({ op: 'pool1d', mode: 'avg', kernel: 2, stride: 2, x: y, y: pa })
      .output('y', y).output('max', pm).output('avg', pa).build();
    const ev = run(m, { 'c.weight': [1, 0, -1] }, { x: f([1, 4, 1], [1, 2, 3, 4]) });
    expect(out(ev, 'y')).toEqual([-2, -2, -2, 3]);
    expect(out(ev, 'max')).toEqual([-2, 3]);
    expect(out(ev, 'avg')).toEqual([-2, 0.5]);
  });

  it('conv2d valid 2×2 kernel on a 3×3 image', () => {
    // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,0],[0,−1]], bias 10: y_ij = x_ij − x_(i+1)(j+1) + 10 = −4 + 10 = 6 everywhere
    const b = new ModelBuilder().param('c.weight', [1, 1, 2, 2]).param('c.bias', [1]);
    const x = b.input('x', 'f32', [1, 1, 3, 3]);
    const y = b.f([1, 1, 2, 2]);
    const m = b.node({ op: 'conv2d', layer: 'c', filters: 1, kernel: 2, stride: 1, padding: 'valid', bias: true, x, y }).output('y', y).build();
    const ev = run(m, { 'c.weight': [1, 0, 0, -1], 'c.bias': [10] }, { x: f([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    expect(out(ev, 'y')).toEqual([6, 6, 6, 6]);
  });

  it('time_pool and time_select respect lengths', () => {
    // x[b=0] = steps [1, 2, 30] with length 2 → mean 1.5, max 2, last 2; x[b=1] = [4, 5, 6] full → mean 5, max 6, last 6
    const b = new ModelBuilder();
    const x = b.input('x', 'f32', [2, 3, 1]);
    const len = b.input('len', 'i32', [2], { kind: 'lengths', dim: 3 });
    const mean = b.f([2, 1]);
    const max = b.f([2, 1]);
    const last = b.f([2, 1]);
    const m = b.node({ op: 'time_pool', mode: 'mean', x, lengths: len, y: mean }).node({ op: 'time_pool', mode: 'max', x, lengths: len, y: max })
      .node({ op: 'time_select', which: 'last', x, lengths: len, y: last })
      .output('mean', mean).output('max', max).output('last', last).build();
    const ev = run(m, {}, { x: f([2, 3, 1], [1, 2, 30, 4, 5, 6]), len: i32([2], [2, 3]) });
    expect(out(ev, 'mean')).toEqual([1.5, 5]);
    expect(out(ev, 'max')).toEqual([2, 6]);
    expect(out(ev, 'last')).toEqual([2, 6]);
  });
});
