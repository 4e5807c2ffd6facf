import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAnomalies } from '../../src/data/generators/anomaly.ts';
import { generate } from '../../src/data/generators/index.ts';
import { generateShapes } from '../../src/data/generators/shapes.ts';
import { generateVibration, VIBRATION_CLASSES } from '../../src/data/generators/vibration.ts';
import { parseDataSpec } from '../../src/data/spec.ts';

describe('data specs', () => {
  it('every examples/data/*.data.json parses', () => {
    for (const f of readdirSync('examples/data').filter((n) => n.endsWith('.data.json'))) {
      expect(() => parseDataSpec(JSON.parse(readFileSync(`examples/data/${f}`, 'utf8')), f), f).not.toThrow();
    }
  });
  it('errors name the field', () => {
    expect(() => parseDataSpec({ source: { generator: 'vibration' }, inputs: { a: { field: 'a' } } })).toThrow('source.count');
    expect(() => parseDataSpec({ source: { file: 'a.csv' }, inputs: { a: { lengthsOf: 'b' } } })).toThrow("inputs.a.lengthsOf: no input 'b'");
    expect(() => parseDataSpec({ source: { file: 'a.csv' }, inputs: { a: { colums: ['x'] } } })).toThrow('inputs.a: expected one of');
    expect(() => parseDataSpec({ source: { file: 'a.csv' }, inputs: { a: { field: 'a' } }, split: { heldOut: 1 } })).toThrow('split.heldOut');
  });
  it('rejects keys it does not know, with the nearest known one, and values of the wrong type', () => {
    const base = { source: { file: 'a.csv' }, inputs: { a: { field: 'a' } } };
    expect(() => parseDataSpec({ ...base, inputs: { a: { field: 'a', normalise: 'zscore' } } }))
      .toThrow("inputs.a.normalise: unknown key (did you mean 'normalize'?)");
    expect(() => parseDataSpec({ ...base, split: { heldout: 0.1 } })).toThrow("split.heldout: unknown key (did you mean 'heldOut'?)");
    expect(() => parseDataSpec({ source: { file: 'a.csv', format: 'csv' }, inputs: base.inputs })).toThrow('source.format: unknown key');
    expect(() => parseDataSpec({ ...base, metrics: {} })).toThrow("metrics: unknown key (did you mean 'metric'?)");
    expect(() => parseDataSpec({ ...base, inputs: { a: { field: 'a', normalize: 'minmax' } } })).toThrow("inputs.a.normalize: expected 'zscore'");
    expect(() => parseDataSpec({ ...base, split: { seed: 'x' } })).toThrow('split.seed: expected an integer');
    expect(() => parseDataSpec({ ...base, inputs: { t: { text: 't', lowercase: 'no' } } })).toThrow('inputs.t.lowercase: expected true or false');
    expect(parseDataSpec({ ...base, format: 'csv', split: { heldOut: 0.1, seed: 3, shuffle: false } }).split).toEqual({ heldOut: 0.1, seed: 3, shuffle: false });
  });
});

describe('generators', () => {
  it('are deterministic per seed and balanced over classes', () => {
    expect(generate('vibration', 8, 5)).toEqual(generate('vibration', 8, 5));
    expect(generate('vibration', 8, 5)).not.toEqual(generate('vibration', 8, 6));
    const v = generateVibration(40, 1);
    for (const c of VIBRATION_CLASSES) expect(v.filter((r) => r.fault === c).length).toBe(10);
    for (const r of v) {
      const s = r.signal as number[][];
      expect(s.length).toBeGreaterThanOrEqual(24);
      expect(s.length).toBeLessThanOrEqual(32);
      expect(s.every((row) => row.length === 3 && row.every(Number.isFinite))).toBe(true);
    }
  });
  it('anomaly windows: 8 channels, about the asked rate flagged', () => {
    const a = generateAnomalies(500, 2, { anomalyRate: 0.2 });
    expect((a[0]!.x as number[][])[0]!.length).toBe(8);
    const rate = a.filter((r) => r.anomaly === 1).length / a.length;
    expect(rate).toBeGreaterThan(0.14);
    expect(rate).toBeLessThan(0.26);
  });
  it('shapes stay on the frame and move in their direction', () => {
    for (const r of generateShapes(30, 3)) {
      const f = r.frames as number[][][][];
      expect(f.length).toBe(6);
      const centre = (img: number[][]) => {
        let rs = 0, cs = 0, n = 0;
        img.forEach((row, i) => row.forEach((v, j) => { if (v === 1) { rs += i; cs += j; n++; } }));
        return [rs / n, cs / n];
      };
      const [r0, c0] = centre(f[0]![0]!), [r5, c5] = centre(f[5]![0]!);
      const move = r.direction === 'left' ? c0! - c5! : r.direction === 'right' ? c5! - c0! : r5! - r0!;
      expect(move).toBeCloseTo(5, 6);
    }
  });
});
