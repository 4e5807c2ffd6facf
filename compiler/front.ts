// The front end: .rnn source text → checked model graph (compiler/check/model.ts) + diagnostics.
// User mistakes come back as diagnostics, never as exceptions; `file` is set only without errors.
import { checkFile } from './check/check-file.ts';
import type { CheckedFile } from './check/model.ts';
import { InternalError, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts';
import { parse } from './syntax/parse.ts';

export interface FrontResult { readonly file?: CheckedFile; readonly diagnostics: readonly Diagnostic[] }

export function checkSource(text: string, file: string): FrontResult {
  try {
    // A byte-order mark (Windows editors write one) reads as a space, so offsets and columns stay put.
    const parsed = parse(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
    if (parsed.syntax === undefined) return { diagnostics: parsed.diagnostics };
    const checked = checkFile(parsed.syntax, text, file);
    return { ...(checked.file === undefined ? {} : { file: checked.file }), diagnostics: sortDiagnostics(checked.diagnostics) };
  } catch (e) {
    // Anything thrown here is a bug in rnnc: report it as one, naming the file.
    if (e instanceof InternalError) throw e;
    throw new InternalError('checkSource', `${file}: ${e instanceof Error ? e.message : String(e)}`, undefined, e);
  }
}

export { formatDiagnostic, formatDiagnostics } from './diagnostics/format.ts';
export { hasErrors, InternalError, type Diagnostic } from './diagnostics/diagnostic.ts';
