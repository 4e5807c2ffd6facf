#!/usr/bin/env node
// Line budget (run by `npm test` after the typecheck): counts the lines of every .ts file in src/,
// compiler/ and runtime/, prints the largest, and fails when one file exceeds MAX_FILE lines or all of
// them together exceed MAX_TOTAL. Generated files are left out: names *.generated.ts / *.gen.ts, or a
// first-lines marker `@generated` / `DO NOT EDIT`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_FILE = 600;
const MAX_TOTAL = 40000;
const DIRS = ['src', 'compiler', 'runtime'];
const SHOW = 8;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

function isGenerated(path, text) {
  if (/\.(generated|gen)\.ts$/.test(path)) return true;
  const head = text.slice(0, 400);
  return /@generated\b|DO NOT EDIT/.test(head);
}

const files = [];
let skipped = 0;
for (const d of DIRS) {
  for (const p of walk(join(root, d))) {
    const text = readFileSync(p, 'utf8');
    if (isGenerated(p, text)) {
      skipped++;
      continue;
    }
    const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    files.push({ path: relative(root, p), lines });
  }
}
files.sort((a, b) => b.lines - a.lines);
const total = files.reduce((s, f) => s + f.lines, 0);
const over = files.filter((f) => f.lines > MAX_FILE);

console.log(`line-budget: ${files.length} files, ${total} lines (limit ${MAX_TOTAL}; ${MAX_FILE} per file)` +
  (skipped ? `, ${skipped} generated skipped` : ''));
for (const f of files.slice(0, SHOW)) console.log(`  ${String(f.lines).padStart(5)}  ${f.path}${f.lines > MAX_FILE ? '  <-- over' : ''}`);
let failed = false;
for (const f of over.filter((f) => files.indexOf(f) >= SHOW)) console.log(`  ${String(f.lines).padStart(5)}  ${f.path}  <-- over`);
if (over.length > 0) {
  failed = true;
  console.error(`line-budget: error: ${over.length} file(s) over ${MAX_FILE} lines: ${over.map((f) => f.path).join(', ')} (split them)`);
}
if (total > MAX_TOTAL) {
  failed = true;
  console.error(`line-budget: error: ${total} lines in total, over the budget of ${MAX_TOTAL}`);
}
if (failed) process.exit(1);
