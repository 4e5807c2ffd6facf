// The CLI's command contract. Each command lives in its own file under src/cli/ and is listed once
// in the table in src/cli/main.ts.
import { mkdirSync } from 'node:fs';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  /** The word after `rnnc`. */
  name: string;
  /** One line for `rnnc help`. */
  summary: string;
  /** Usage text for `rnnc help <name>` (first line: the synopsis). */
  usage: string;
  /** Runs the command; the number it returns is the exit status (default 0). */
  run(args: string[], io: CliIo): Promise<number | void> | number | void;
}

/** A user-facing failure: main prints `rnnc: error: <message>` (no stack trace) and exits 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** Splits `--flag`, `--key=value` / `--key value` (for keys in `valued`) and positionals: a switch
 *  takes no `=value`, and a valued key's value is not another option. */
export function parseFlags(
  args: string[],
  valued: readonly string[] = [],
): { flags: Map<string, string | true>; positionals: string[] } {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (eq >= 0) {
        // A switch given a value (`--grads=false`) would otherwise be on whatever the value says.
        if (!valued.includes(key)) throw new CliError(`--${key} takes no value (got '${a}')`);
        flags.set(key, a.slice(eq + 1));
      } else if (valued.includes(key)) {
        const v = args[++i];
        // `--out --grads` would otherwise write a file named --grads.
        if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new CliError(`--${key} needs a value${v === undefined ? '' : ` (got the option ${v})`}`);
        flags.set(key, v);
      } else flags.set(key, true);
    } else positionals.push(a);
  }
  return { flags, positionals };
}

/** Creates an output folder (and its parents), as a CliError when a file of that name is in the way. */
export function makeOutputDir(dir: string, option: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new CliError(`${option} ${dir}: ${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way of that folder' : (e as Error).message}`);
  }
}
