// Checks every model of a file; the CheckedFile exists only when there is no error.
import * as E from '../diagnostics/catalogue.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { FileSyntax } from '../syntax/ast.ts';
import { checkModel } from './check-model.ts';
import type { CheckedFile, CheckedModel, Span } from './model.ts';

export function checkFile(syntax: FileSyntax, source: string, file: string): { file?: CheckedFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const models: CheckedModel[] = [];
  const seen = new Map<string, Span>();
  let ok = true;
  for (const m of syntax.models) {
    const first = seen.get(m.name.name);
    if (first !== undefined) { diagnostics.push(E.duplicateModel(m.name.span, m.name.name, first)); ok = false; }
    else seen.set(m.name.name, m.name.span);
    const checked = checkModel(m, diagnostics);
    if (checked === undefined) ok = false; else models.push(checked);
  }
  return ok ? { file: { file, source, models }, diagnostics } : { diagnostics };
}
