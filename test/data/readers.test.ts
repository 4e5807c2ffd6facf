import { describe, expect, it } from 'vitest';
import { csvField, parseCsv } from '../../src/data/csv.ts';
import { parseJsonl } from '../../src/data/jsonl.ts';

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF and a BOM; skips blank lines', () => {
    const t = parseCsv('\uFEFFa,b\r\n1,"x, ""y"""\r\n\r\n2,"two\nlines"\n');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toEqual([{ a: '1', b: 'x, "y"' }, { a: '2', b: 'two\nlines' }]);
  });
  it('names the line with the wrong field count', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow('CSV line 3: 1 fields, the header has 2');
    expect(() => parseCsv('a,b\n1,2\n3,"never\nclosed\n')).toThrow('CSV line 3: the quoted field that starts here is never closed');
  });
  it('round-trips csvField', () => {
    const v = 'he said "hi", twice\n';
    expect(parseCsv(`x\n${csvField(v)}\n`).rows[0]!.x).toBe(v);
  });
});

describe('JSON Lines', () => {
  it('reads one object per line and names the bad line', () => {
    expect(parseJsonl('{"a":1}\n\n{"a":[1,2]}\n')).toEqual([{ a: 1 }, { a: [1, 2] }]);
    expect(() => parseJsonl('{"a":1}\n[1]\n')).toThrow('line 2: expected an object');
    expect(() => parseJsonl('{"a":\n')).toThrow('JSON Lines line 1');
  });
});
