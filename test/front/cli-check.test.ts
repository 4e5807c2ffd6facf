// `rnnc check` as a function (the same object src/cli/main.ts dispatches to).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/cli/check.ts';
import { CliError } from '../../src/cli/command.ts';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await checkCommand.run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rnnc check', () => {
  it('prints a one-line summary for valid files and exits 0', async () => {
    const r = await run('examples/vibration.rnn', 'examples/row-mnist.rnn');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'examples/vibration.rnn: ok — 1 model (vibration), 13 parameters, 13,860 weights',
      'examples/row-mnist.rnn: ok — 1 model (row_mnist), 6 parameters, 21,514 weights',
    ]);
    expect(r.err).toBe('');
  });

  it('prints diagnostics and exits 1 for an invalid file', async () => {
    const r = await run('test/front/invalid/unknown-option.rnn');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('test/front/invalid/unknown-option.rnn:5:20: error: unknown option `hiden` for `lstm` [E0302]');
    expect(r.err).toContain('  hint: did you mean `hidden`?');
    expect(r.err.endsWith('test/front/invalid/unknown-option.rnn: 1 error')).toBe(true);
  });

  it('reports unreadable files without a stack trace', async () => {
    const r = await run('no/such/file.rnn');
    expect(r).toEqual({ code: 1, out: '', err: 'no/such/file.rnn: error: cannot read the file: no such file' });
    expect((await run('examples')).err).toBe('examples: error: cannot read the file: it is a directory');
  });

  it('prints warnings but still succeeds, and counts them in the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-check-'));
    const file = join(dir, 'w.rnn');
    writeFileSync(file, 'model w {\n  input x: f32[batch, 3]\n  layer spare = dense(units=2)\n  output x\n}\n');
    const r = await run(file);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: layer `spare` is never applied [W0001]');
    expect(r.out).toBe(`${file}: ok (1 warning) — 1 model (w), 0 parameters, 0 weights`);
  });

  it('prints the checked graph with --json', async () => {
    const r = await run('examples/forecast.rnn', '--json');
    expect(JSON.parse(r.out).models[0].name).toBe('forecast');
  });

  it('rejects a call without files or with unknown flags', async () => {
    await expect(run()).rejects.toThrow(CliError);
    await expect(run('--fast', 'a.rnn')).rejects.toThrow('unknown option --fast');
  });
});
