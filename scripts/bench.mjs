#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --model M1]`: bundles the benchmark runner src/bench/run.ts for Node
// (esbuild; playwright and esbuild stay external) into node_modules/.cache/rnnc/bench.mjs and runs it
// with the same arguments. With `--node`, the runner is src/bench/node-run.ts (rnnc alone on Dawn in
// Node, bundled to bench-node.mjs with only `webgpu` external, so that it runs where playwright is
// not installed). RNNC_BENCH_BUILD_ONLY=1 writes the bundle and stops (scripts/device-pack.sh).
// See spec/performance.md.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.argv.includes('--node');
const args = process.argv.slice(2).filter((a) => a !== '--node');
const outfile = join(root, 'node_modules', '.cache', 'rnnc', node ? 'bench-node.mjs' : 'bench.mjs');

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
  entryPoints: [join(root, 'src', 'bench', node ? 'node-run.ts' : 'run.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: node ? ['webgpu'] : ['playwright', 'playwright-core', 'esbuild', 'webgpu'],
  banner: { js: "import { createRequire as __rnncCreateRequire } from 'node:module';\nconst require = __rnncCreateRequire(import.meta.url);" },
  plugins: [keepMetaUrl],
  logLevel: 'warning',
});
if (process.env.RNNC_BENCH_BUILD_ONLY) {
  process.stdout.write(`${outfile}\n`);
} else {
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main(args);
}
