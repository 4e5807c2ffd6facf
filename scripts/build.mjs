#!/usr/bin/env node
// `npm run build`: esbuild builds
//   dist/runtime.js  runtime/index.ts: one minified ESM file for browsers (platform neutral) that imports
//                    nothing: the build fails if the runtime imports anything outside runtime/
//                    (type-only imports are erased and allowed).
//   dist/rnnc.js     the CLI src/cli/main.ts bundled for Node 20 (ESM, shebang, executable);
//                    webgpu and playwright stay external (native module / browser driver), ohm-js is bundled.
//   dist/esbuild-plugin.js  `rnnc/esbuild` (src/esbuild-plugin.ts): compiles `.rnn` imports at build time;
//                    the compiler and ohm-js are bundled in, esbuild itself stays external (the user's).
import * as esbuild from 'esbuild';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runtimeDir = join(root, 'runtime');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const inside = (dir, file) => {
  const r = relative(dir, file);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
};

/** Rejects every import that leaves runtime/: packages, node: builtins, relative paths outside it. */
const runtimeSelfContained = {
  name: 'runtime-self-contained',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const where = relative(root, args.importer) || args.importer;
      if (!args.path.startsWith('.') && !isAbsolute(args.path)) {
        return { errors: [{ text: `the runtime must not import packages or builtins: '${args.path}' (in ${where})` }] };
      }
      const target = resolve(args.resolveDir, args.path);
      if (!inside(runtimeDir, target)) {
        return { errors: [{ text: `the runtime must not import outside runtime/: '${args.path}' (in ${where})` }] };
      }
      return undefined;
    });
  },
};

const started = performance.now();
const results = await Promise.allSettled([
  esbuild.build({
    entryPoints: [join(runtimeDir, 'index.ts')],
    outfile: join(dist, 'runtime.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    plugins: [runtimeSelfContained],
  }),
  esbuild.build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: join(dist, 'rnnc.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['webgpu', 'playwright', 'playwright-core'],
    banner: {
      js: [
        '#!/usr/bin/env node',
        // Bundled CommonJS code may call require(); give it one in this ESM file.
        "import { createRequire as __rnncCreateRequire } from 'node:module';",
        'const require = __rnncCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  }),
  esbuild.build({
    entryPoints: [join(root, 'src', 'esbuild-plugin.ts')],
    outfile: join(dist, 'esbuild-plugin.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['esbuild'],
    banner: {
      js: [
        "import { createRequire as __rnncCreateRequire } from 'node:module';",
        'const require = __rnncCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  }),
]);

const NAMES = ['dist/runtime.js', 'dist/rnnc.js', 'dist/esbuild-plugin.js'];
let failed = false;
for (const [i, r] of results.entries()) {
  const name = NAMES[i];
  if (r.status === 'rejected') {
    failed = true;
    const errors = r.reason?.errors ?? [];
    if (errors.length === 0) console.error(`build: ${name}: ${r.reason?.message ?? r.reason}`);
    for (const e of errors) {
      const loc = e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : '';
      console.error(`build: ${name}: ${loc}${e.text}`);
    }
    continue;
  }
  // Second line of defence for the runtime: every bundled input must come from runtime/.
  if (i === 0) {
    const outside = Object.keys(r.value.metafile.inputs).filter((f) => !inside(runtimeDir, resolve(root, f)));
    if (outside.length > 0) {
      failed = true;
      console.error(`build: dist/runtime.js bundles files outside runtime/: ${outside.join(', ')}`);
      continue;
    }
  }
  const size = statSync(join(root, name)).size;
  console.log(`build: ${name} ${(size / 1024).toFixed(1)} KiB`);
}
if (failed) process.exit(1);
chmodSync(join(dist, 'rnnc.js'), 0o755);
console.log(`build: done in ${Math.round(performance.now() - started)} ms`);

