// The Node <-> page value codec (src/gpu/wire.ts), without a browser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from '../../src/gpu/wire.ts';
import { fuzz } from '../fuzz-options.ts';

const roundTrip = (v: unknown) => decodeWire(JSON.parse(JSON.stringify(encodeWire(v))));

describe('wire codec', () => {
  it('round-trips typed arrays bit-exactly through JSON', () => {
    const f = new Float32Array([0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234e38, 0.1]);
    const back = roundTrip(f) as Float32Array;
    expect(back).toBeInstanceOf(Float32Array);
    expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array(f.buffer));
    expect(roundTrip(new Int32Array([-5, 7]))).toEqual(new Int32Array([-5, 7]));
    expect(roundTrip(new Float64Array([Math.PI]))).toEqual(new Float64Array([Math.PI]));
  });

  it('encodes a view of a larger buffer as just the view', () => {
    const big = new Float32Array([1, 2, 3, 4, 5]);
    expect(roundTrip(big.subarray(1, 3))).toEqual(new Float32Array([2, 3]));
  });

  it('keeps non-finite numbers and nested JSON', () => {
    const v = { a: [1, 'two', null, true, { b: NaN }], c: -Infinity, d: { e: new Uint8Array([255]) } };
    expect(roundTrip(v)).toEqual(v);
    expect(encodeWire({ skip: undefined, keep: 1 })).toEqual({ keep: 1 });
  });

  it('rejects what cannot cross', () => {
    expect(() => encodeWire(() => 1)).toThrow(/function/);
    expect(() => encodeWire(10n)).toThrow(/bigint/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encodeWire(cyc)).toThrow(/cyclic/);
  });

  it('base64 agrees with Node for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 70000 }), (bytes) => {
      const b64 = bytesToBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(b64)).toEqual(bytes);
    }), fuzz(30));
  });

  it('round-trips arbitrary float32 arrays', () => {
    fc.assert(fc.property(fc.float32Array({ maxLength: 300 }), (f) => {
      const back = roundTrip(f) as Float32Array;
      expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array(f.buffer));
    }));
  });
});
