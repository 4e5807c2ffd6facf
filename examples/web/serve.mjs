#!/usr/bin/env node
// `npm run demo`: serves examples/web on http://127.0.0.1:PORT (default 5173; a loopback address is a
// secure context, which WebGPU needs). Open it in a browser with WebGPU (Chrome, Edge; Chromium with
// --enable-unsafe-webgpu on Linux).
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT ?? 5173);
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(here, path === '/' ? 'index.html' : path));
  if (!file.startsWith(here + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log(`demo: http://127.0.0.1:${port}/ (Ctrl-C to stop)`));
