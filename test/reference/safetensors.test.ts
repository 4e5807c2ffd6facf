// runtime/safetensors.ts: round trips, I64 input, and rejection of malformed (untrusted) files.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSafetensors, SafetensorsError, writeSafetensors } from '../../runtime/safetensors.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { fuzz } from '../fuzz-options.ts';

/** A file from a header object and raw data bytes, with a correct length prefix. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const sample: [string, Tensor][] = [
  ['a', { dtype: 'f64', shape: [2, 3], data: Float64Array.of(1, -2, 3.5, Math.PI, 1e-300, -0) }],
  ['b', { dtype: 'f32', shape: [3], data: Float32Array.of(0.1, 2, -3) }],
  ['c', { dtype: 'i32', shape: [], data: Int32Array.of(-7) }],
  ['empty', { dtype: 'f32', shape: [0, 4], data: new Float32Array(0) }],
];

describe('safetensors', () => {
  it('round-trips every dtype, scalars, empty tensors and metadata; header is 8-byte aligned', () => {
    const bytes = writeSafetensors(sample, { format: 'pt', note: 'x' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const r = readSafetensors(bytes);
    expect(r.metadata).toEqual({ format: 'pt', note: 'x' });
    for (const [name, t] of sample) {
      const got = r.tensors.get(name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
    }
  });

  it('reads I64 as int32 when in range, and refuses values that do not fit', () => {
    const data = new Uint8Array(16);
    const v = new DataView(data.buffer);
    v.setBigInt64(0, -5n, true);
    v.setBigInt64(8, 2147483647n, true);
    const t = readSafetensors(file({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data)).tensors.get('ids')!;
    expect(t.dtype).toBe('i32');
    expect(Array.from(t.data)).toEqual([-5, 2147483647]);
    v.setBigInt64(8, 2147483648n, true);
    expect(() => readSafetensors(file({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data))).toThrow(/does not fit in int32/);
  });

  it('rejects malformed files with a message naming the problem', () => {
    const d8 = new Uint8Array(8);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(3), /too short/],
      [file({}, undefined, '[1,2]'), /does not start with "\{"/],
      [file({}, undefined, '{"a":'), /not valid JSON/],
      [file({ a: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, d8), /unsupported dtype "F16"/],
      [file({ a: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }, d8), /unsupported dtype "toString"/],
      [file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }, d8), /shape must be/],
      [file({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, d8), /data_offsets must be/],
      [file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, d8), /8 bytes of data but dtype F32 and shape \[3\] need 12/],
      [file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 16] } }, d8), /run past the data buffer/],
      [file({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, d8), /reversed/],
      [file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] } }, d8), /overlaps/],
      [file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, d8), /belong to no tensor/],
      [file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, d8), /at the end of the data buffer belong to no tensor/],
      [file({ __metadata__: { k: 1 } }), /__metadata__\.k is not a string/],
      [file({ a: 5 }), /entry is not an object/],
    ];
    for (const [bytes, message] of cases) expect(() => readSafetensors(bytes)).toThrow(message);
    // A header length beyond the file.
    const big = file({});
    new DataView(big.buffer).setBigUint64(0, 1n << 60n, true);
    expect(() => readSafetensors(big)).toThrow(/exceeds the file/);
  });

  it('never throws anything but SafetensorsError on corrupted files (fuzz)', () => {
    const good = writeSafetensors(sample, { format: 'pt' });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(good.length - 1), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(good.length) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(good.length), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    const corrupt = (ms: { kind: 'flip' | 'truncate' | 'insert'; at: number; byte?: number }[]): Uint8Array => {
      let b = Uint8Array.from(good);
      for (const m of ms) {
        const at = Math.min(m.at, b.length);
        if (m.kind === 'flip' && at < b.length) b[at] = m.byte!;
        else if (m.kind === 'truncate') b = b.slice(0, at);
        else if (m.kind === 'insert') b = Uint8Array.from([...b.slice(0, at), m.byte ?? 0, ...b.slice(at)]);
      }
      return b;
    };
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      try {
        readSafetensors(corrupt(ms));
      } catch (e) {
        if (!(e instanceof SafetensorsError)) throw e;
      }
    }), fuzz(600));
    // Arbitrary bytes, and headers of arbitrary JSON.
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try { readSafetensors(bytes); } catch (e) { if (!(e instanceof SafetensorsError)) throw e; }
    }), fuzz(300));
    fc.assert(fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 32 }), (header, data) => {
      try { readSafetensors(file(header, data)); } catch (e) { if (!(e instanceof SafetensorsError)) throw e; }
    }), fuzz(300));
  });

  it('writer refuses inconsistent tensors and duplicate names', () => {
    expect(() => writeSafetensors([['a', { dtype: 'f32', shape: [3], data: new Float32Array(2) }]])).toThrow(/2 elements for shape \[3\]/);
    expect(() => writeSafetensors([['a', sample[0]![1]], ['a', sample[0]![1]]])).toThrow(/written twice/);
  });
});
