// The CLI dispatcher (src/cli/main.ts) without a GPU: help, version, errors without stack traces.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../src/cli/main.ts';
import { CliError, parseFlags } from '../../src/cli/command.ts';
import pkg from '../../package.json' with { type: 'json' };

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rnnc CLI', () => {
  it('prints the version', async () => {
    expect(await run('--version')).toEqual({ code: 0, out: pkg.version, err: '' });
  });

  it('compile writes nothing when --dim is wrong (it used to write the bundle first)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rnnc-compile-')), 'out');
    const r = await run('compile', 'examples/vibration.rnn', '-o', dir, '--dim', 'batch=0');
    expect([r.code, r.err]).toEqual([1, 'rnnc: error: --dim batch must be at least 1']);
    expect(existsSync(dir)).toBe(false);
  });

  it('compile -o onto a file says a file is in the way', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rnnc-compile-')), 'taken');
    writeFileSync(file, '');
    const r = await run('compile', 'examples/vibration.rnn', '-o', file);
    expect([r.code, r.err]).toEqual([1, `rnnc: error: -o ${file}: a file is in the way of that folder`]);
  });

  it('lists every command in help', async () => {
    const r = await run('help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(c.name);
    expect(r.out).toContain('smoke');
  });

  it('shows a command\'s usage', async () => {
    const r = await run('help', 'smoke');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: rnnc smoke/);
    expect((await run('smoke', '--help')).out).toMatch(/^usage: rnnc smoke/);
  });

  it('reports errors as `rnnc: error:` without a stack trace and exits 1', async () => {
    for (const r of [await run('frobnicate'), await run('help', 'frobnicate'), await run('smoke', '--n', 'x')]) {
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^rnnc: error: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('has unique command names', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('parseFlags', () => {
  it('splits flags, valued flags and positionals', () => {
    const { flags, positionals } = parseFlags(['a.rnn', '--json', '--n', '5', '--out=x.json', '--', '--raw'], ['n', 'out']);
    expect(positionals).toEqual(['a.rnn', '--raw']);
    expect(Object.fromEntries(flags)).toEqual({ json: true, n: '5', out: 'x.json' });
    expect(() => parseFlags(['--n'], ['n'])).toThrow(CliError);
    expect(parseFlags(['--n', '-5'], ['n']).flags.get('n')).toBe('-5');
  });
  // Found by an adversarial audit: `--grads=false` computed gradients, `--out --grads` wrote a file named --grads.
  it('refuses a value on a switch and an option where a value belongs', () => {
    expect(() => parseFlags(['--grads=false'], ['out'])).toThrow("--grads takes no value (got '--grads=false')");
    expect(() => parseFlags(['--out', '--grads'], ['out'])).toThrow('--out needs a value (got the option --grads)');
  });
});
