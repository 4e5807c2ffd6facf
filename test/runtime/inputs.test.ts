import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../runtime/bundle.ts';
import { prepareInputs } from '../../runtime/inputs.ts';
import { tinyBundle } from './fixtures/tiny-bundle.ts';

/** The tiny bundle with a sequence input [batch, time, 3] that stream_step reads one step at a time. */
function seqBundle(): Bundle {
  const b = tinyBundle();
  return {
    ...b,
    inputs: [...b.inputs, { name: 'sig', tensor: 'sig', role: { kind: 'float' }, programs: ['infer', 'stream_step'] },
      { name: 'len', tensor: 'len', role: { kind: 'lengths', dim: 'time' }, programs: ['infer'] }],
    tensors: [...b.tensors, { name: 'sig', dtype: 'f32', shape: ['batch', 'time', 3], slot: 20 }, { name: 'len', dtype: 'i32', shape: ['batch'], slot: 21 }],
  };
}

const base = { x: [[1, 2, 3, 4], [5, 6, 7, 8]], s: new Float32Array(10), ids: [0, 1] };

describe('prepareInputs', () => {
  it('infers dims from shapes and converts data to typed arrays', () => {
    const r = prepareInputs(seqBundle(), 'infer', { ...base, sig: { data: new Float32Array(30), shape: [2, 5, 3] }, len: [5, 1] });
    expect(r.dims).toEqual({ batch: 2, time: 5 });
    expect(r.inputs.map((i) => [i.input.name, i.data.constructor.name, i.data.length])).toEqual([
      ['x', 'Float32Array', 8], ['s', 'Float32Array', 10], ['ids', 'Int32Array', 2], ['sig', 'Float32Array', 30], ['len', 'Int32Array', 2],
    ]);
  });

  it('names the input and the expected shape', () => {
    expect(() => prepareInputs(seqBundle(), 'infer', { ...base, sig: { data: new Float32Array(40), shape: [4, 10, 1] }, len: [1, 1] }))
      .toThrow("input 'sig': expected shape [batch, time, 3], got [4, 10, 1]");
    expect(() => prepareInputs(seqBundle(), 'infer', { ...base, sig: { data: new Float32Array(30), shape: [2, 5, 3] }, len: [6, 1] }))
      .toThrow("input 'len': value 6 at index 0 is out of range [1, 5]");
    expect(() => prepareInputs(seqBundle(), 'infer', { ...base, sig: { data: new Float32Array(3), shape: [2, 5, 3] }, len: [1, 1] }))
      .toThrow("input 'sig': shape [2, 5, 3] holds 30 values, data has 3");
  });

  it('lets a stream step leave out the axis the program fixes to 1', () => {
    const b = seqBundle();
    const r = prepareInputs(b, 'stream_step', { x: [[1, 2, 3, 4]], sig: [[1, 2, 3]] });
    expect(r.dims).toEqual({ time: 1, batch: 1 });
    expect(prepareInputs(b, 'stream_step', { x: [[1, 2, 3, 4]], sig: { data: [1, 2, 3], shape: [1, 1, 3] } }).dims).toEqual({ time: 1, batch: 1 });
    expect(() => prepareInputs(b, 'stream_step', { x: [[1, 2, 3, 4]], sig: [[1, 2, 3]] }, { time: 2 })).toThrow('dims.time: stream_step fixes it to 1, got 2');
  });

  it('cannot infer two dims from one flat array', () => {
    expect(prepareInputs(seqBundle(), 'stream_step', { x: new Float32Array(4), sig: new Float32Array(3) }).dims).toEqual({ time: 1, batch: 1 });
    const b = seqBundle();
    const only: Bundle = { ...b, inputs: b.inputs.filter((i) => i.name === 'sig'), programs: { ...b.programs, stream_step: { ...b.programs.stream_step!, dims: {} } } };
    expect(() => prepareInputs(only, 'stream_step', { sig: new Float32Array(6) }))
      .toThrow("input 'sig': cannot infer batch, time from a flat array of 6 values; pass {data, shape} or give them in dims");
    expect(prepareInputs(only, 'stream_step', { sig: new Float32Array(6) }, { batch: 1 }).dims).toEqual({ batch: 1, time: 2 });
  });
});
