// The nine example models check without errors, with the parameters, shapes and roles a
// reader of each file expects (weights counted by hand from PyTorch's parameter shapes).
import { describe, expect, it } from 'vitest';
import type { CheckedModel, Node } from '../../compiler/check/model.ts';
import { checkSource } from '../../compiler/front.ts';
import { checkValid, EXAMPLES, readExample, shapeOf, weightCount } from './helpers.ts';

const models = new Map(EXAMPLES.map((name) => [name, checkValid(readExample(name), `examples/${name}.rnn`)]));
const get = (name: string): CheckedModel => models.get(name)!;
const role = (m: CheckedModel, input: string) => m.inputs.find((i) => i.name === input)?.role;

describe.each(EXAMPLES)('examples/%s.rnn', (name) => {
  it('has no diagnostics at all (no warnings either)', () => {
    expect(checkSource(readExample(name), name).diagnostics).toEqual([]);
  });
  it('has a header comment, a loss and a training block', () => {
    expect(readExample(name).startsWith('# ')).toBe(true);
    expect(get(name).loss).toBeDefined();
    expect(get(name).training).toBeDefined();
  });
  it('is a well-formed graph: ids are indices, nodes read only earlier values', () => {
    const m = get(name);
    m.values.forEach((v, i) => expect(v.id).toBe(i));
    m.nodes.forEach((n, i) => expect(n.id).toBe(i));
    const defined = new Set(m.inputs.map((i) => i.value));
    for (const n of m.nodes) {
      for (const id of reads(n)) expect(defined.has(id), `node ${n.id} (${n.op}) reads value ${id} before it exists`).toBe(true);
      for (const id of writes(n)) { expect(defined.has(id)).toBe(false); defined.add(id); }
    }
    expect(defined.size).toBe(m.values.length);
    const loss = m.values[m.loss!]!;
    expect(loss.type).toEqual({ dtype: 'f32', shape: [] });
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});

const READ_FIELDS = ['x', 'lengths', 'h0', 'c0', 'a', 'b', 'query', 'keys', 'values', 'memory', 'memoryLengths', 'targets', 'pred', 'target'];
const WRITE_FIELDS = ['y', 'hN', 'cN', 'context', 'weights', 'logits', 'tokens'];
const field = (n: Node, f: string): unknown => (n as unknown as Record<string, unknown>)[f];
function reads(n: Node): number[] {
  const ids = READ_FIELDS.map((f) => field(n, f)).filter((v): v is number => typeof v === 'number');
  return n.op === 'concat' ? [...ids, ...n.xs] : ids;
}
const writes = (n: Node): number[] => WRITE_FIELDS.map((f) => field(n, f)).filter((v): v is number => typeof v === 'number');

describe('example specifics', () => {
  it('vibration: 2-layer LSTM, attention pooling, dense; 13 parameters, 13,860 weights', () => {
    const m = get('vibration');
    expect(m.params.map((p) => `${p.name} [${p.shape.join(', ')}]`)).toEqual([
      'enc.weight_ih_l0 [128, 3]', 'enc.weight_hh_l0 [128, 32]', 'enc.bias_ih_l0 [128]', 'enc.bias_hh_l0 [128]',
      'enc.weight_ih_l1 [128, 32]', 'enc.weight_hh_l1 [128, 32]', 'enc.bias_ih_l1 [128]', 'enc.bias_hh_l1 [128]',
      'pool.weight [16, 32]', 'pool.bias [16]', 'pool.context [16]', 'head.weight [4, 32]', 'head.bias [4]',
    ]);
    expect(weightCount(m)).toBe(13_860);
    expect([shapeOf(m, 'h'), shapeOf(m, 'v'), shapeOf(m, 'logits'), shapeOf(m, 'probs')])
      .toEqual(['f32[batch, time, 32]', 'f32[batch, 32]', 'f32[batch, 4]', 'f32[batch, 4]']);
    expect(role(m, 'fault')).toEqual({ kind: 'index', bound: 4 });
    expect(role(m, 'len')).toEqual({ kind: 'lengths', dim: 'time' });
    expect(role(m, 'signal')).toEqual({ kind: 'float' });
    expect(m.dims).toEqual(['batch', 'time']);
    expect(m.outputs.map((o) => o.name)).toEqual(['logits', 'probs']);
    expect(m.params.find((p) => p.name === 'enc.bias_ih_l0')?.init).toEqual({ kind: 'forget_bias', value: 1, hidden: 32 });
    expect(m.training).toEqual({
      optimizer: { kind: 'adam', lr: 0.003, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      schedule: { kind: 'cosine', warmup: 20, minLr: 0 },
      weightDecay: 0.0001, clipNorm: 1, batchSize: 32, epochs: 20, seed: 7,
    });
  });

  it('sentiment: embedding with padding row, bidirectional last step, adamw decay default', () => {
    const m = get('sentiment');
    expect(shapeOf(m, 'e')).toBe('f32[batch, time, 48]');
    expect(shapeOf(m, 'v')).toBe('f32[batch, 128]');
    expect(m.nodes.find((n) => n.op === 'embedding')).toMatchObject({ vocab: 5000, dim: 48, paddingIdx: 0 });
    expect(m.params.filter((p) => p.name.endsWith('_reverse')).map((p) => p.name))
      .toEqual(['enc.weight_ih_l0_reverse', 'enc.weight_hh_l0_reverse', 'enc.bias_ih_l0_reverse', 'enc.bias_hh_l0_reverse']);
    expect(role(m, 'tokens')).toEqual({ kind: 'index', bound: 5000 });
    expect(m.training?.weightDecay).toBe(0.01);
    expect(m.training?.optimizer).toEqual({ kind: 'adamw', lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  });

  it('forecast: 29,670 weights; last step', () => {
    const m = get('forecast');
    expect(weightCount(m)).toBe(29_670);
    expect(m.params).toHaveLength(10);
    expect(m.nodes.find((n) => n.op === 'time_select')).toMatchObject({ which: 'last' });
    expect(m.training?.schedule).toEqual({ kind: 'cosine', warmup: 50, minLr: 0.00005 });
  });

  it('autoencoder: repeat over the symbolic time axis, per-window error output', () => {
    const m = get('autoencoder');
    expect(shapeOf(m, 'code')).toBe('f32[batch, 8]');
    expect(shapeOf(m, 'steps')).toBe('f32[batch, time, 8]');
    expect(shapeOf(m, 'x_hat')).toBe('f32[batch, time, 8]');
    expect(shapeOf(m, 'error')).toBe('f32[batch]');
    expect(m.nodes.filter((n) => n.op === 'loss').map((n) => n.op === 'loss' && n.reduction)).toEqual(['none', 'mean']);
  });

  it('tagger: per-step cross-entropy masked by lengths', () => {
    const m = get('tagger');
    expect(shapeOf(m, 'logits')).toBe('f32[batch, time, 17]');
    expect(role(m, 'tags')).toEqual({ kind: 'index', bound: 17 });
    expect(role(m, 'words')).toEqual({ kind: 'index', bound: 8000 });
    const loss = m.nodes.find((n) => n.op === 'loss');
    expect(loss && loss.op === 'loss' && loss.lengths).toBe(m.inputs.find((i) => i.name === 'len')!.value);
  });

  it('seq2seq: 151,309 weights; decoder parameters named like PyTorch submodules', () => {
    const m = get('seq2seq');
    expect(weightCount(m)).toBe(151_309);
    expect(m.params.filter((p) => p.layer === 'dec').map((p) => `${p.name} [${p.shape.join(', ')}]`)).toEqual([
      'dec.embedding.weight [45, 32]', 'dec.cell.weight_ih [288, 160]', 'dec.cell.weight_hh [288, 96]',
      'dec.cell.bias_ih [288]', 'dec.cell.bias_hh [288]',
      'dec.attention.w_query [64, 96]', 'dec.attention.w_key [64, 128]', 'dec.attention.bias [64]', 'dec.attention.v [64]',
      'dec.out.weight [45, 224]', 'dec.out.bias [45]',
    ]);
    expect(shapeOf(m, 'logits')).toBe('f32[batch, tgt_time, 45]');
    expect(shapeOf(m, 'phones')).toBe('i32[batch, 24]');
    expect(role(m, 'letters_len')).toEqual({ kind: 'lengths', dim: 'src_time' });
    expect(role(m, 'phonemes_len')).toEqual({ kind: 'lengths', dim: 'tgt_time' });
    expect(role(m, 'phonemes')).toEqual({ kind: 'index', bound: 45 });
    expect(m.dims).toEqual(['batch', 'src_time', 'tgt_time']);
  });

  it('convlstm: the final spatial state is pooled and flattened; 4,163 weights', () => {
    const m = get('convlstm');
    expect(shapeOf(m, 'state')).toBe('f32[batch, 8, 16, 16]');
    expect(shapeOf(m, 'pooled')).toBe('f32[batch, 8, 8, 8]');
    expect(weightCount(m)).toBe(4_163);
    expect(m.params[0]).toMatchObject({ name: 'clstm.weight', shape: [32, 9, 3, 3] });
    expect(m.params[1]!.init).toEqual({ kind: 'forget_bias', value: 1, hidden: 8 });
  });

  it('cnn-bilstm: convolutions applied per frame', () => {
    const m = get('cnn-bilstm');
    expect(shapeOf(m, 'f1')).toBe('f32[batch, time, 8, 12, 12]');
    expect(shapeOf(m, 'f2')).toBe('f32[batch, time, 16, 6, 6]');
    expect(shapeOf(m, 'h')).toBe('f32[batch, time, 96]');
    expect(m.params.find((p) => p.name === 'enc.weight_ih_l0')?.shape).toEqual([192, 576]);
  });

  it('row-mnist: 28 constant steps, relu RNN, sgd with momentum; 21,514 weights', () => {
    const m = get('row-mnist');
    expect(weightCount(m)).toBe(21_514);
    expect(m.nodes[0]).toMatchObject({ op: 'recurrent', cell: 'rnn', nonlinearity: 'relu', returnSequences: false });
    expect(m.training?.optimizer).toEqual({ kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false });
    expect(m.dims).toEqual(['batch']);
  });
});
