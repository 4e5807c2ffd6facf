// CSV (RFC 4180): comma separated, double-quoted fields may hold commas, quotes ("") and newlines.
// The first line is the header. Returns records keyed by column name; values stay strings here
// (the mapping decides what is a number, a label or text).

export interface Table { readonly columns: readonly string[]; readonly rows: readonly Record<string, string>[] }

export function parseCsv(text: string): Table {
  const lines = splitRows(text.replace(/^\uFEFF/, ''));
  const header = lines.shift();
  if (!header) throw new Error('CSV: empty file (expected a header line)');
  const columns = header.map((c) => c.trim());
  const rows = lines.map((fields, i) => {
    if (fields.length !== columns.length) {
      throw new Error(`CSV line ${i + 2}: ${fields.length} fields, the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((c, j) => [c, fields[j]!]));
  });
  return { columns, rows };
}

function splitRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false, quoteLine = 0, line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (ch === '"' && field === '') { quoted = true; quoteLine = line; }
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);   // blank lines are skipped
      row = [];
    } else field += ch;
  }
  if (quoted) throw new Error(`CSV line ${quoteLine}: the quoted field that starts here is never closed`);
  row.push(field);
  if (row.length > 1 || row[0] !== '') rows.push(row);
  return rows;
}

/** Quote a field when it needs it (for files the generators and `rnnc predict` write). */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
