// JSON Lines: one JSON object per line (blank lines skipped). Each object is one example, or one row of
// a grouped sequence; its fields may be numbers, strings or nested arrays (e.g. a whole [time, 3] window).

export type DataRecord = Readonly<Record<string, unknown>>;

export function parseJsonl(text: string): DataRecord[] {
  const out: DataRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new Error(`JSON Lines line ${i + 1}: ${(e as Error).message}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`JSON Lines line ${i + 1}: expected an object`);
    out.push(v as DataRecord);
  });
  return out;
}
