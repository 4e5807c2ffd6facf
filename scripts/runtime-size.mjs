#!/usr/bin/env node
// `node scripts/runtime-size.mjs`: the size a web app pays for the runtime: dist/runtime.js as built
// (esbuild-minified, one ESM file) and gzipped (level 9, what a server would send). Builds first when
// dist/runtime.js is missing. `--json` prints the numbers as JSON.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'dist', 'runtime.js');
if (!existsSync(file)) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const bytes = readFileSync(file);
const gz = gzipSync(bytes, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
if (process.argv.includes('--json')) console.log(JSON.stringify({ file: 'dist/runtime.js', minified: bytes.length, gzipped: gz }));
else console.log(`dist/runtime.js: ${kib(bytes.length)} minified (${bytes.length} bytes), ${kib(gz)} gzipped (${gz} bytes)`);
