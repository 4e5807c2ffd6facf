// The `rnnc/esbuild` plugin: a tiny app that imports a .rnn file builds into JavaScript whose default
// export is a valid bundle (it runs in Node here and validates with the runtime); errors in the .rnn file
// come back as esbuild errors at the right file, line and column. Uses the built dist/esbuild-plugin.js,
// as a user would (npm test builds first).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { validateBundle } from '../../runtime/index.ts';

const plugin = async () => (await import(pathToFileURL(resolve('dist/esbuild-plugin.js')).href)).default as (o?: object) => esbuild.Plugin;

const MODEL = `model tiny {
  input x: f32[batch, time, 2]
  layer enc = gru(hidden=4, return_sequences=false)
  output y = enc(x)
}
model other {
  input x: f32[batch, 3]
  layer d = dense(units=2)
  output y = d(x)
}
`;

describe('rnnc/esbuild', () => {
  it('compiles an imported .rnn into a bundle the runtime accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-esb-'));
    writeFileSync(join(dir, 'model.rnn'), MODEL);
    writeFileSync(join(dir, 'app.ts'), `import model, { bundles } from './model.rnn';\nexport const names = Object.keys(bundles);\nexport default model;\n`);
    const r = await esbuild.build({ entryPoints: [join(dir, 'app.ts')], bundle: true, format: 'esm', outfile: join(dir, 'out.js'),
                                    plugins: [(await plugin())()], logLevel: 'silent', metafile: true });
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.metafile!.inputs).some((f) => f.endsWith('model.rnn'))).toBe(true);
    const app = await import(pathToFileURL(join(dir, 'out.js')).href);
    expect(app.names).toEqual(['tiny', 'other']);
    const bundle = validateBundle(app.default);
    expect(bundle.model).toBe('tiny');
    expect(bundle.inputs.map((i) => i.name)).toEqual(['x']);
  });

  it('reports .rnn errors as esbuild errors with file, line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-esb-'));
    writeFileSync(join(dir, 'bad.rnn'), 'model bad {\n  input x: f32[batch, 3]\n  output y = nope(x)\n}\n');
    writeFileSync(join(dir, 'app.ts'), `import m from './bad.rnn';\nconsole.log(m);\n`);
    const err = await esbuild.build({ entryPoints: [join(dir, 'app.ts')], bundle: true, write: false, plugins: [(await plugin())()], logLevel: 'silent' })
      .then(() => null, (e: esbuild.BuildFailure) => e);
    expect(err).not.toBeNull();
    const e = err!.errors[0]!;
    expect(e.location?.file).toMatch(/bad\.rnn$/);
    expect(e.location?.line).toBe(3);
    expect(e.location?.column).toBe(13);
    expect(e.location?.lineText).toBe('  output y = nope(x)');
    expect(e.text).toMatch(/nope/);
  });
});
