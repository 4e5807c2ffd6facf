// What both benchmark runners (run.ts in Chromium, node-run.ts on Dawn in Node) need on the Node side:
// progress lines on stderr and the value of a `--flag value` / `--flag=value` option.

/** Progress lines (stderr); tests set RNNC_BENCH_QUIET=1. */
export const log = (s: string): void => {
  if (!process.env.RNNC_BENCH_QUIET) process.stderr.write(`${s}\n`);
};

/**
 * The value of option argv[i] (`--flag=value`, or the next argument when it is not itself an option) and
 * the index of the last argument it used; throws with `usage` when there is none.
 */
export function optionValue(argv: readonly string[], i: number, usage: string): [value: string, last: number] {
  const a = argv[i]!;
  if (a.includes('=')) return [a.slice(a.indexOf('=') + 1), i];
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value\n${usage}`);
  return [v, i + 1];
}
