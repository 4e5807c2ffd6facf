// The CLI dispatcher (src/cli/main.ts) without a GPU: help, version, errors without stack traces.
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
    const { flags, positionals } = parseFlags(['a.rnn', '--json', '--n', '5', '--out=x.json', '--', '--raw'], ['n']);
    expect(positionals).toEqual(['a.rnn', '--raw']);
    expect(Object.fromEntries(flags)).toEqual({ json: true, n: '5', out: 'x.json' });
    expect(() => parseFlags(['--n'], ['n'])).toThrow(CliError);
  });
});
