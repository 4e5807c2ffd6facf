// The data pipeline against a hand-written bundle stub: mapping → split → state → encoded → padded batches.
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../runtime/bundle.ts';
import { makeBatch } from '../../src/data/batch.ts';
import { splitExamples } from '../../src/data/examples.ts';
import { addMetric, metricValue } from '../../src/data/metrics.ts';
import { prepareData } from '../../src/data/prepare.ts';
import { parseDataSpec } from '../../src/data/spec.ts';

/** Just the fields the data layer reads: inputs, their tensors' shapes and dtypes. */
function stubBundle(inputs: { name: string; shape: (number | string)[]; dtype: 'f32' | 'i32'; bound?: number; infer?: boolean }[]): Bundle {
  return {
    model: 'stub',
    inputs: inputs.map((i) => ({ name: i.name, tensor: `t_${i.name}`, role: i.bound ? { kind: 'index', bound: i.bound } : { kind: 'float' },
                                 programs: i.infer === false ? ['train_step'] : ['infer', 'train_step'] })),
    tensors: inputs.map((i) => ({ name: `t_${i.name}`, dtype: i.dtype, shape: i.shape, slot: 0 })),
  } as unknown as Bundle;
}

describe('data pipeline', () => {
  const bundle = stubBundle([
    { name: 'chars', shape: ['batch', 'time'], dtype: 'i32', bound: 10 },
    { name: 'len', shape: ['batch'], dtype: 'i32' },
    { name: 'label', shape: ['batch'], dtype: 'i32', infer: false },
  ]);
  const spec = parseDataSpec({
    source: { file: 'x.csv' },
    inputs: { chars: { text: 'name', tokenize: 'chars' }, len: { lengthsOf: 'chars' }, label: { label: 'g' } },
    split: { heldOut: 0.25, seed: 3 },
  });
  const records = ['ab', 'abc', 'b', 'ca', 'aa', 'bb', 'cc', 'abcab'].map((name, i) => ({ name, g: i % 2 ? 'm' : 'f' }));

  it('splits with the seed, learns classes and a vocabulary from the training split, pads batches', () => {
    const a = prepareData(spec, bundle, records), b = prepareData(spec, bundle, records);
    expect(a.train.length).toBe(6);
    expect(a.heldOut.length).toBe(2);
    expect(a).toEqual(b);
    expect(a.state.classes.label).toEqual(['f', 'm']);
    expect(a.state.vocabularies.chars!.tokens.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    const batch = makeBatch(bundle, a.train.slice(0, 3), a.names);
    const lens = [...batch.len!.data];
    expect(batch.chars!.shape).toEqual([3, Math.max(...lens)]);
    lens.forEach((n, i) => {
      const row = [...batch.chars!.data.slice(i * batch.chars!.shape[1]!, (i + 1) * batch.chars!.shape[1]!)];
      expect(row.slice(0, n).every((id) => id >= 2)).toBe(true);
      expect(row.slice(n).every((id) => id === 0)).toBe(true);
    });
  });

  it('says which model input the mapping misses', () => {
    const s = parseDataSpec({ source: { file: 'x.csv' }, inputs: { chars: { text: 'name' } } });
    expect(() => prepareData(s, bundle, records)).toThrow("gives no value for model inputs 'len', 'label'");
  });

  // Found by an adversarial audit: each of these used to pass without a word (or crash the stack).
  it('rejects data that does not fit the model instead of reading it some other way', () => {
    const sb = stubBundle([{ name: 'sig', shape: ['batch', 'time', 3], dtype: 'f32' }, { name: 'y', shape: ['batch'], dtype: 'i32', bound: 2, infer: false }]);
    const mapping = (extra: Record<string, unknown> = {}, y: Record<string, unknown> = { label: 'y' }) =>
      parseDataSpec({ source: { file: 'x.jsonl' }, inputs: { sig: { field: 'sig' }, y, ...extra }, split: { heldOut: 0 } });
    const rec = (sig: unknown, y: unknown) => ({ sig, y });
    const ok = [rec([[1, 2, 3], [4, 5, 6]], 0), rec([[1, 2, 3]], 1)];
    expect(prepareData(mapping(), sb, ok).train).toHaveLength(2);
    expect(() => prepareData(mapping(), sb, [...ok, rec([[1, 2, 3], [4, 5]], 0)])).toThrow("input 'sig': field 'sig' is a ragged nested array");
    expect(() => prepareData(mapping(), sb, [...ok, rec([[1, 2, 3]], 2 ** 40)])).toThrow(`id ${2 ** 40} (column 'y'), but the model takes ids below 2`);
    expect(() => prepareData(mapping(), sb, [...ok, rec([[1, 2, 3]], [1])])).toThrow("column 'y' holds [1], not a class");
    expect(() => prepareData(mapping({}, { label: 'y', classes: ['a', 'b', 'c'] }), sb, [rec([[1, 2, 3]], 'c')]))
      .toThrow("class 'c' is id 2 (column 'y'), but the model takes ids below 2 (the data has 3 classes)");
    const cols = parseDataSpec({ source: { file: 'x.csv' }, inputs: { sig: { columns: ['a', 'b', 'c'] }, y: { label: 'y' } } });
    expect(() => prepareData(cols, sb, [{ a: '1', b: '0x10', c: '2', y: '0' }])).toThrow("column 'b' holds \"0x10\", not a number");
    expect(() => prepareData(mapping({ extra: { field: 'sig' } }), sb, ok)).toThrow("the data mapping names 'extra', not an input of model stub");
    const withMetric = parseDataSpec({ source: { file: 'x.jsonl' }, inputs: { sig: { field: 'sig' }, y: { label: 'y' } }, metric: { kind: 'accuracy', output: 'probs', target: 'y' } });
    expect(() => prepareData(withMetric, { ...sb, outputs: [{ name: 'p', tensor: 'p' }] }, ok)).toThrow("metric.output: model stub has no output 'probs' (its outputs: p)");
    expect(() => mapping({ n: { lengthsOf: 'n' } })).toThrow("inputs.n.lengthsOf: 'n' is a lengths input");
    expect(() => mapping({ n: { lengthsOf: 'y' } })).toThrow("inputs.n.lengthsOf: 'y' is a label input");
    expect(() => mapping({}, { label: 'y', classes: ['a', 'b', 'a'] })).toThrow("inputs.y.classes: 'a' is listed twice");
    expect(() => parseDataSpec({ source: { generator: 'vibration', count: 1e12 }, inputs: { a: { field: 'a' } } })).toThrow('source.count: expected a positive integer up to 100000');
  });

  it('forecasting windows: held-out windows end after the cut; z-score from training rows only', () => {
    const fb = stubBundle([{ name: 'history', shape: ['batch', 'time', 1], dtype: 'f32' }, { name: 'future', shape: ['batch', 2], dtype: 'f32', infer: false }]);
    const ws = parseDataSpec({
      source: { file: 'x.csv' }, windows: { length: 5 }, split: { heldOut: 0.3 },
      inputs: { history: { columns: ['v'], steps: [0, 3], normalize: 'zscore' }, future: { columns: ['v'], steps: [3, 5], normalize: 'zscore' } },
    });
    const rows = Array.from({ length: 20 }, (_, i) => ({ v: String(i) }));
    const split = splitExamples(rows, ws);
    expect(split.train.length + split.heldOut.length).toBe(16);
    expect(Math.max(...split.train.map((w) => Number(w.at(-1)!.v)))).toBeLessThan(14);
    expect(Math.min(...split.heldOut.map((w) => Number(w.at(-1)!.v)))).toBe(14);
    const p = prepareData(ws, fb, rows);
    expect(p.train[0]!.history!.shape).toEqual([3, 1]);
    expect(p.train[0]!.future!.shape).toEqual([2]);
    expect(p.state.stats.history!.mean[0]).toBeCloseTo(5.5, 6);   // histories of the 10 training windows (rows s..s+2, s = 0..9)
  });
});

describe('metrics', () => {
  it('accuracy by argmax, by threshold, per step under lengths, by tokens; MAE in original units', () => {
    const acc = () => ({ sum: 0, count: 0 });
    const a = acc();
    addMetric(a, { kind: 'accuracy', output: 'p', target: 'y' }, { data: Float32Array.of(0.1, 0.9, 0.8, 0.2), shape: [2, 2] },
      { y: { data: Int32Array.of(1, 1), shape: [2] } });
    expect(metricValue(a)).toBe(0.5);
    const b = acc();
    addMetric(b, { kind: 'accuracy', output: 'p', target: 'y' }, { data: Float32Array.of(0.7, 0.2), shape: [2, 1] },
      { y: { data: Float32Array.of(1, 1), shape: [2, 1] } });
    expect(metricValue(b)).toBe(0.5);
    const c = acc();
    addMetric(c, { kind: 'accuracy', output: 'p', target: 'y', lengths: 'n' }, { data: Float32Array.of(1, 0, 0, 1, 1, 0, 1, 0), shape: [2, 2, 2] },
      { y: { data: Int32Array.of(0, 1, 1, 1), shape: [2, 2] }, n: { data: Int32Array.of(2, 1), shape: [2] } });
    expect(c).toEqual({ sum: 2, count: 3 });
    const d = acc();
    addMetric(d, { kind: 'accuracy', output: 'tok', target: 'y', lengths: 'n' }, { data: Int32Array.of(5, 6, 2), shape: [1, 3] },
      { y: { data: Int32Array.of(5, 7, 2, 0, 0), shape: [1, 5] }, n: { data: Int32Array.of(3), shape: [1] } });
    expect(d).toEqual({ sum: 2, count: 3 });
    const e = acc();
    addMetric(e, { kind: 'mae', output: 'f', target: 'y' }, { data: Float32Array.of(1, 2), shape: [1, 2] },
      { y: { data: Float32Array.of(0, 0), shape: [1, 2] } }, { mean: [10], std: [2] });
    expect(metricValue(e)).toBe(3);
  });
});
