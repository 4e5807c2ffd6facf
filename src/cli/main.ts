// rnnc's command-line entry (bundled into dist/rnnc.js by scripts/build.mjs).
// To add a command: write src/cli/<name>.ts exporting a `Command` (see command.ts), add it to COMMANDS.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { version } from '../../package.json';
import { CliError, type CliIo, type Command } from './command.ts';
import { checkCommand } from './check.ts';
import { runCommand } from './run.ts';
import { smokeCommand } from './smoke.ts';
import { compileCommand } from './compile.ts';
import { trainCommand } from './train.ts';
import { predictCommand } from './predict.ts';

export const COMMANDS: readonly Command[] = [
  checkCommand,
  compileCommand,
  runCommand,
  smokeCommand,
  trainCommand,
  predictCommand,
];

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function helpText(): string {
  const width = Math.max(4, ...COMMANDS.map((c) => c.name.length));
  return [
    `rnnc ${version}: a compiler and runtime for recurrent neural networks on WebGPU`,
    '',
    'usage: rnnc <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show this help, or \`rnnc help <command>\``,
    '',
    'options: --version, --help',
  ].join('\n');
}

/** Runs the CLI; returns the exit status. Never throws. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? rest[0] : undefined;
      if (topic === undefined) {
        io.out(helpText());
        return name === undefined ? 1 : 0;
      }
      const cmd = COMMANDS.find((c) => c.name === topic);
      if (!cmd) throw new CliError(`unknown command '${topic}' (see \`rnnc help\`)`);
      io.out(`usage: ${cmd.usage}`);
      return 0;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      io.out(version);
      return 0;
    }
    const cmd = COMMANDS.find((c) => c.name === name);
    if (!cmd) throw new CliError(`unknown command '${name}' (see \`rnnc help\`)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`usage: ${cmd.usage}`);
      return 0;
    }
    return (await cmd.run(rest, io)) ?? 0;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`rnnc: error: ${err.message}`);
    if (process.env.RNNC_DEBUG && err.stack) io.err(err.stack);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

// Run when executed directly (dist/rnnc.js, also through an npm bin symlink), not when imported by
// tests. process.exit: Dawn keeps the event loop alive once it is loaded.
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then((code) => process.exit(code), () => process.exit(1));
}
