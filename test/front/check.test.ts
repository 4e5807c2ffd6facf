// Checker semantics: shapes inferred by each construct, defaults filled in, parameters
// created once, roles inferred, warnings that don't fail a file.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/front.ts';
import { checkValid, diagnosticsOf, model, shapeOf } from './helpers.ts';

const seq = 'input x: f32[batch, time, 6]';

it('reads a byte-order mark as a space (columns stay where an editor shows them)', () => {
  const r = checkSource('\uFEFFmodel m {\n  input x: f32[batch, 3]\n  output y = relu(z)\n}\n', 'bom.rnn');
  expect(r.diagnostics.map((d) => [d.code, d.span.start])).toEqual([['E0201', 54]]);
});

describe('recurrent layers', () => {
  it('fill PyTorch defaults and name every parameter', () => {
    const m = checkValid(model(seq, 'layer g = gru(hidden=5)', 'y = g(x)', 'output y'));
    expect(m.nodes[0]).toEqual({
      id: 0, op: 'recurrent', cell: 'gru', nonlinearity: 'tanh', hidden: 5, layers: 1, bidirectional: false,
      dropout: 0, returnSequences: true, x: 0, y: 1, span: m.nodes[0]!.span, layer: 'g',
    });
    expect(m.params.map((p) => [p.name, p.shape, p.init.kind])).toEqual([
      ['g.weight_ih_l0', [15, 6], 'xavier_uniform'], ['g.weight_hh_l0', [15, 5], 'orthogonal'],
      ['g.bias_ih_l0', [15], 'zeros'], ['g.bias_hh_l0', [15], 'zeros'],
    ]);
    expect(m.training).toBeUndefined();
    expect(m.loss).toBeUndefined();
  });

  it('create the final states only when destructured', () => {
    const m = checkValid(model(seq, 'layer e = lstm(hidden=4, layers=3, bidirectional=true)', 'y, h_n, c_n = e(x)', 'output c_n'));
    expect(m.nodes[0]).toMatchObject({ hN: 2, cN: 3 });
    expect([shapeOf(m, 'y'), shapeOf(m, 'h_n'), shapeOf(m, 'c_n')]).toEqual(['f32[batch, time, 8]', 'f32[6, batch, 4]', 'f32[6, batch, 4]']);
    expect(m.params.filter((p) => p.name.startsWith('e.weight_ih')).map((p) => `${p.name}:${p.shape}`))
      .toEqual(['e.weight_ih_l0:16,6', 'e.weight_ih_l0_reverse:16,6', 'e.weight_ih_l1:16,8', 'e.weight_ih_l1_reverse:16,8', 'e.weight_ih_l2:16,8', 'e.weight_ih_l2_reverse:16,8']);
    const single = checkValid(model(seq, 'layer e = lstm(hidden=4)', 'y = e(x)', 'output y'));
    expect(single.nodes[0]).not.toHaveProperty('hN');
  });

  it('accept initial states and custom initialisers', () => {
    const m = checkValid(model(seq, 'input h0: f32[2, batch, 3]', 'input c0: f32[2, batch, 3]',
      'layer e = lstm(hidden=3, layers=2, init=normal(std=0.1), recurrent_init=xavier_uniform, forget_bias=2)',
      'y = e(x, h0=h0, c0=c0)', 'output y'));
    expect(m.params.map((p) => p.init)).toContainEqual({ kind: 'normal', std: 0.1 });
    expect(m.params.find((p) => p.name === 'e.weight_hh_l1')?.init).toEqual({ kind: 'xavier_uniform' });
    expect(m.params.find((p) => p.name === 'e.bias_ih_l1')?.init).toEqual({ kind: 'forget_bias', value: 2, hidden: 3 });
    expect(m.nodes[0]).toMatchObject({ h0: 1, c0: 2 });
  });

  it('use bias_init on both biases when no forget bias is asked for', () => {
    const m = checkValid(model(seq, 'layer e = lstm(hidden=3, bias_init=constant(value=0.5))', 'y = e(x)', 'output y'));
    expect(m.params.filter((p) => p.name.includes('bias')).map((p) => p.init)).toEqual([{ kind: 'constant', value: 0.5 }, { kind: 'constant', value: 0.5 }]);
  });

  it("attn_decoder's bias_init reaches every bias: the cell's, the attention's and the output's", () => {
    const m = checkValid(model('input m: f32[batch, src, 6]', 'input t: i32[batch, tgt]',
      'layer d = attn_decoder(hidden=4, vocab=7, embed_dim=3, sos=1, eos=2, max_len=5, units=4, bias_init=ones)',
      'logits, toks = d(m, targets=t)', 'output toks'));
    expect(m.params.filter((p) => p.name.includes('bias')).map((p) => [p.name, p.init.kind])).toEqual([
      ['d.cell.bias_ih', 'ones'], ['d.cell.bias_hh', 'ones'], ['d.attention.bias', 'ones'], ['d.out.bias', 'ones']]);
  });

  it('give the last step with return_sequences=false', () => {
    const m = checkValid(model(seq, 'layer r = rnn(hidden=7, return_sequences=false, bidirectional=true)', 'y = r(x)', 'output y'));
    expect(shapeOf(m, 'y')).toBe('f32[batch, 14]');
  });

  it('warn (not fail) about dropout on a single layer', () => {
    const r = checkSource(model(seq, 'layer e = gru(hidden=3, dropout=0.5)', 'y = e(x)', 'output y'), 't.rnn');
    expect(r.file).toBeDefined();
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'W0002']]);
  });
});

describe('other layers', () => {
  it('dense maps leading axes and may be shared', () => {
    const m = checkValid(model('input a: f32[batch, time, 4]', 'input b: f32[batch, 4]', 'layer d = dense(units=2, activation=relu, bias=false)',
      'ya = d(a)', 'yb = d(b)', 'output ya', 'output yb'));
    expect([shapeOf(m, 'ya'), shapeOf(m, 'yb')]).toEqual(['f32[batch, time, 2]', 'f32[batch, 2]']);
    expect(m.params.map((p) => p.name)).toEqual(['d.weight']);
    expect(m.nodes.map((n) => n.op === 'dense' && [n.layer, n.activation, n.bias])).toEqual([['d', 'relu', false], ['d', 'relu', false]]);
  });

  it('embedding takes ids of any rank and bounds their role', () => {
    const m = checkValid(model('input ids: i32[batch, 5]', 'layer emb = embedding(vocab=10, dim=3)', 'e = emb(ids)', 'output e'));
    expect(shapeOf(m, 'e')).toBe('f32[batch, 5, 3]');
    expect(m.params[0]).toMatchObject({ name: 'emb.weight', shape: [10, 3], init: { kind: 'normal', std: 1 } });
    expect(m.inputs[0]?.role).toEqual({ kind: 'index', bound: 10 });
  });

  it('conv1d keeps time with same padding and shrinks it with valid padding and strides', () => {
    const m = checkValid(model('input a: f32[batch, time, 3]', 'input b: f32[batch, 20, 3]',
      'layer c1 = conv1d(filters=8, kernel=5)', 'layer c2 = conv1d(filters=4, kernel=4, stride=2, padding=valid)',
      'ya = c1(a)', 'yb = c2(b)', 'output ya', 'output yb'));
    expect([shapeOf(m, 'ya'), shapeOf(m, 'yb')]).toEqual(['f32[batch, time, 8]', 'f32[batch, 9, 4]']);
    expect(m.params.map((p) => `${p.name}:${p.shape}`)).toEqual(['c1.weight:8,3,5', 'c1.bias:8', 'c2.weight:4,3,4', 'c2.bias:4']);
  });

  it('conv2d and 2-d pooling work per frame on [batch, time, c, h, w]', () => {
    const m = checkValid(model('input v: f32[batch, time, 3, 10, 10]', 'layer c = conv2d(filters=4, kernel=3, padding=valid)',
      'y = avg_pool2d(c(v), 2, stride=2)', 'output y'));
    expect(shapeOf(m, 'y')).toBe('f32[batch, time, 4, 4, 4]');
    expect(m.nodes[1]).toMatchObject({ op: 'pool2d', mode: 'avg', kernel: 2, stride: 2 });
  });

  it('layer_norm keeps the shape; ones and zeros', () => {
    const m = checkValid(model(seq, 'layer n = layer_norm()', 'y = n(x)', 'output y'));
    expect(m.params.map((p) => [p.name, p.init.kind])).toEqual([['n.weight', 'ones'], ['n.bias', 'zeros']]);
    expect(m.nodes[0]).toMatchObject({ op: 'layer_norm', eps: 1e-5 });
  });

  it('attention gives the context and the weights', () => {
    const m = checkValid(model('input q: f32[batch, tq, 4]', 'input k: f32[batch, tk, 6]', 'input len: i32[batch]',
      'layer att = attention(units=5)', 'ctx, w = att(q, k, lengths=len)', 'output ctx', 'output w'));
    expect([shapeOf(m, 'ctx'), shapeOf(m, 'w')]).toEqual(['f32[batch, tq, 6]', 'f32[batch, tq, tk]']);
    expect(m.params.map((p) => `${p.name}:${p.shape}`)).toEqual(['att.w_query:5,4', 'att.w_key:5,6', 'att.bias:5', 'att.v:5']);
    expect(m.inputs[2]?.role).toEqual({ kind: 'lengths', dim: 'tk' });
    const dot = checkValid(model('input q: f32[batch, tq, 4]', 'input k: f32[batch, tk, 4]', 'input v: f32[batch, tk, 9]',
      'layer att = attention(score=scaled_dot)', 'c = att(q, k, v)', 'output c'));
    expect(shapeOf(dot, 'c')).toBe('f32[batch, tq, 9]');
    expect(dot.params).toEqual([]);
  });

  it('self_attention uses nn.MultiheadAttention names', () => {
    const m = checkValid(model('input x: f32[batch, time, 8]', 'layer sa = self_attention(heads=2, causal=true)', 'y = sa(x)', 'output y'));
    expect(m.params.map((p) => `${p.name}:${p.shape}`)).toEqual(['sa.in_proj_weight:24,8', 'sa.in_proj_bias:24', 'sa.out_proj.weight:8,8', 'sa.out_proj.bias:8']);
    expect(m.nodes[0]).toMatchObject({ heads: 2, causal: true });
  });

  it('attn_decoder without targets decodes tokens only', () => {
    const m = checkValid(model('input mem: f32[batch, src, 6]', 'layer dec = attn_decoder(hidden=6, vocab=9, embed_dim=4, score=dot, sos=1, eos=2, max_len=7)',
      'toks = dec(mem)', 'output toks'));
    expect(shapeOf(m, 'toks')).toBe('i32[batch, 7]');
    expect(m.nodes[0]).not.toHaveProperty('logits');
    expect(m.params.map((p) => p.name)).not.toContain('dec.attention.v');
    expect(diagnosticsOf(model('input mem: f32[batch, src, 6]', 'layer dec = attn_decoder(hidden=6, vocab=9, embed_dim=4, score=dot, sos=1, eos=2, max_len=7)',
      'l, t = dec(mem)'))).toEqual(['4:10 E0406 `dec` gives 1 value (tokens), not 2']);
  });
});

describe('built-in functions', () => {
  it('infer shapes', () => {
    const m = checkValid(model('input a: f32[batch, time, 4]', 'input b: f32[batch, time, 2]', 'input img: f32[batch, 3, 4, 4]',
      'c = concat(a, b)', 'l = last(c)', 'f = first(a)', 'mt = mean_time(a)', 'xt = max_time(b)', 'r = repeat(mt, steps=5)',
      'fl = flatten(img)', 'f2 = flatten(img, axes=2)', 'p = max_pool1d(repeat(mt, steps=9), 3)', 's = sum(a)', 's1 = mean(a, axis=-1)',
      'z = dropout(a, 0.2)', 'sm = log_softmax(a)',
      ...['c', 'l', 'f', 'mt', 'xt', 'r', 'fl', 'f2', 'p', 's', 's1', 'z', 'sm'].map((n) => `output ${n}`)));
    expect(['c', 'l', 'f', 'mt', 'xt', 'r', 'fl', 'f2', 'p', 's', 's1', 'z', 'sm'].map((n) => shapeOf(m, n))).toEqual([
      'f32[batch, time, 6]', 'f32[batch, 6]', 'f32[batch, 4]', 'f32[batch, 4]', 'f32[batch, 2]', 'f32[batch, 5, 4]',
      'f32[batch, 48]', 'f32[batch, 3, 16]', 'f32[batch, 3, 4]', 'f32[]', 'f32[batch, time]', 'f32[batch, time, 4]', 'f32[batch, time, 4]',
    ]);
    expect(m.nodes.find((n) => n.op === 'concat')).toMatchObject({ axis: 2 });
    expect(m.nodes.find((n) => n.op === 'reduce' && n.fn === 'mean')).toMatchObject({ axis: 2 });
    expect(m.nodes.find((n) => n.op === 'reduce' && n.fn === 'sum')).toMatchObject({ axis: 'all' });
  });

  it('broadcast arithmetic and make constants scalar nodes', () => {
    const m = checkValid(model('input a: f32[batch, time, 4]', 'input w: f32[4]', 'input t: f32[batch, time, 4]',
      'y = -(a * w) / 2', 'loss = mse(y, t) + 0.1 * mean(y * y)'));
    expect(shapeOf(m, 'y')).toBe('f32[batch, time, 4]');
    expect(m.nodes.map((n) => (n.op === 'binary' ? n.fn : n.op === 'activation' ? n.fn : n.op))).toEqual(
      ['mul', 'neg', 'const', 'div', 'loss', 'const', 'mul', 'reduce', 'mul', 'add']);
    expect(m.nodes.find((n) => n.op === 'const')).toMatchObject({ value: 2 });
    expect(m.values[m.loss!]).toMatchObject({ name: 'loss', type: { dtype: 'f32', shape: [] } });
  });

  it('masked losses: per-step cross-entropy, mse with lengths, bce', () => {
    const m = checkValid(model('input logits: f32[batch, time, 5]', 'input labels: i32[batch, time]', 'input len: i32[batch]',
      'input p: f32[batch, time, 2]', 'input q: f32[batch, time, 2]',
      'loss = cross_entropy(logits, labels, lengths=len, reduction=sum) + mse(p, q, lengths=len) + binary_cross_entropy(p, q)'));
    expect(m.nodes.filter((n) => n.op === 'loss').map((n) => n.op === 'loss' && [n.fn, n.reduction, n.lengths ?? null]))
      .toEqual([['cross_entropy', 'sum', 2], ['mse', 'mean', 2], ['binary_cross_entropy', 'mean', null]]);
  });
});

describe('training block', () => {
  const base = ['input x: f32[batch, 3]', 'input t: f32[batch, 3]', 'loss = mse(x, t)'];
  it('fills every default for an empty block', () => {
    const m = checkValid(model(...base, 'train {', '}'));
    expect(m.training).toEqual({
      optimizer: { kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      schedule: { kind: 'constant', warmup: 0, minLr: 0 }, weightDecay: 0, batchSize: 32, epochs: 10, seed: 0,
    });
  });
  it('reads sgd, bare optimizer names and schedules with options', () => {
    const m = checkValid(model(...base, 'train {', '  optimizer = sgd(lr=0.1, momentum=0.9, nesterov=true)',
      '  schedule = linear(warmup=5, min_lr=0.001, total_steps=1000)', '  weight_decay = 0.001', '}'));
    expect(m.training?.optimizer).toEqual({ kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true });
    expect(m.training?.schedule).toEqual({ kind: 'linear', warmup: 5, minLr: 0.001, totalSteps: 1000 });
    expect(checkValid(model(...base, 'train {', '  optimizer = adamw', '}')).training?.weightDecay).toBe(0.01);
  });
});

describe('names and roles', () => {
  it('takes the smallest bound of an input used as ids twice', () => {
    const m = checkValid(model('input ids: i32[batch]', 'layer e = embedding(vocab=50, dim=4)', 'layer d = dense(units=7)',
      'logits = d(e(ids))', 'loss = cross_entropy(logits, ids)'));
    expect(m.inputs[0]?.role).toEqual({ kind: 'index', bound: 7 });
  });

  it('warns about a declared layer that is never applied', () => {
    const r = checkSource(model('input x: f32[batch, 3]', 'layer unused = dense(units=2)', 'output x'), 't.rnn');
    expect(r.file).toBeDefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['W0001']);
  });

  it('lets later models reuse names (each model has its own scope)', () => {
    const text = `${model('input x: f32[batch, 3]', 'output x')}model n {\n  input x: f32[batch, 4]\n  output x\n}\n`;
    expect(checkSource(text, 't.rnn').file?.models.map((m) => m.values[0]?.type.shape)).toEqual([['batch', 3], ['batch', 4]]);
  });

  it('reports every independent error in one pass', () => {
    expect(diagnosticsOf(model('input x: f32[batch, 3]', 'a = relu(q1)', 'b = tanh(q2)', 'c = dense_layer(x)'))).toEqual([
      '3:12 E0201 unknown name `q1`', '4:12 E0201 unknown name `q2`', '5:7 E0204 unknown layer or function `dense_layer`',
    ]);
  });
});

describe('internal errors', () => {
  it('are InternalError, distinct from diagnostics', async () => {
    const { InternalError } = await import('../../compiler/diagnostics/diagnostic.ts');
    const e = new InternalError('pass', 'broken invariant');
    expect(e.message).toBe('internal error in pass: broken invariant (this is a bug in rnnc, not in the model file)');
    expect(e).toBeInstanceOf(Error);
  });
});
