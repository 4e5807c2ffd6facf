#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --model M1]`: bundles the benchmark runner src/bench/run.ts for Node
// (esbuild; playwright and esbuild stay external) into node_modules/.cache/rnnc/bench.mjs and runs it
// with the same arguments. See spec/performance.md.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'node_modules', '.cache', 'rnnc', 'bench.mjs');

/** Each module keeps its own import.meta.url (src/gpu/browser.ts finds the page harness next to itself). */
const keepMetaUrl = {
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};
await esbuild.build({
  entryPoints: [join(root, 'src', 'bench', 'run.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['playwright', 'playwright-core', 'esbuild', 'webgpu'],
  banner: { js: "import { createRequire as __rnncCreateRequire } from 'node:module';\nconst require = __rnncCreateRequire(import.meta.url);" },
  plugins: [keepMetaUrl],
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main(process.argv.slice(2));
