// `rnnc check FILE.rnn...`: parse and check model files. Prints the diagnostics (clang style)
// and, for a valid file, a one-line summary; exit status 1 when any file has an error.
import { readFileSync } from 'node:fs';
import { checkSource, formatDiagnostics, hasErrors } from '../../compiler/front.ts';
import type { CheckedFile } from '../../compiler/check/model.ts';
import { CliError, parseFlags, type CliIo, type Command } from './command.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'check .rnn model files: syntax, names, shapes and types',
  usage: 'rnnc check FILE.rnn... [--json]\n\n  --json   print each checked model graph as JSON (compiler/check/model.ts)',
  run(args, io) {
    const { flags, positionals } = parseFlags(args);
    for (const f of flags.keys()) if (f !== 'json') throw new CliError(`check: unknown option --${f}`);
    if (positionals.length === 0) throw new CliError('check needs a file: rnnc check FILE.rnn');
    let failed = false;
    for (const path of positionals) failed = !checkOne(path, flags.has('json'), io) || failed;
    return failed ? 1 : 0;
  },
};

function checkOne(path: string, json: boolean, io: CliIo): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    io.err(`${path}: error: cannot read the file: ${why}`);
    return false;
  }
  const result = checkSource(text, path);
  if (result.diagnostics.length > 0) io.err(formatDiagnostics(result.diagnostics, text, path).trimEnd());
  if (result.file === undefined || hasErrors(result.diagnostics)) {
    const n = result.diagnostics.filter((d) => d.severity === 'error').length;
    io.err(`${path}: ${n} error${n === 1 ? '' : 's'}`);
    return false;
  }
  io.out(json ? JSON.stringify(result.file, null, 2) : summary(path, result.file, result.diagnostics.length));
  return true;
}

export function summary(path: string, file: CheckedFile, warnings = 0): string {
  const models = file.models;
  const params = models.reduce((n, m) => n + m.params.length, 0);
  const weights = models.reduce((n, m) => n + m.params.reduce((w, p) => w + p.shape.reduce((a, b) => a * b, 1), 0), 0);
  const names = models.map((m) => m.name).join(', ');
  const warned = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
  return `${path}: ok${warned} — ${models.length} model${models.length === 1 ? '' : 's'} (${names}), `
    + `${params} parameter${params === 1 ? '' : 's'}, ${weights.toLocaleString('en-US')} weights`;
}
