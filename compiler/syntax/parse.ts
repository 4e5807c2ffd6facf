// Source text → syntax tree, or exactly one syntax diagnostic (ohm stops at the first failure).
import { syntaxError, tooDeeplyNested } from '../diagnostics/catalogue.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Expr, FileSyntax } from './ast.ts';
import { rnnGrammar } from './grammar.ts';
import { exprDepth, findDeepNesting, NESTING_LIMIT } from './nesting.ts';
import { syntaxDiagnostic } from './syntax-message.ts';
import { astSemantics } from './to-ast.ts';

/** Deeper expressions (e.g. a chain of thousands of `+`) would overflow the checker's recursion. */
export const EXPRESSION_DEPTH_LIMIT = 256;

export interface ParseResult { readonly syntax?: FileSyntax; readonly diagnostics: readonly Diagnostic[] }

export function parse(text: string): ParseResult {
  const deep = findDeepNesting(text);
  if (deep !== undefined) return { diagnostics: [tooDeeplyNested(deep, NESTING_LIMIT)] };
  let syntax: FileSyntax;
  try {
    const match = rnnGrammar.match(text);
    if (match.failed()) return { diagnostics: [syntaxDiagnostic(text, match)] };
    syntax = astSemantics(match)['ast']() as FileSyntax;
  } catch (e) {
    // Backstop for a stack smaller than the nesting limit assumes.
    if (e instanceof RangeError) return { diagnostics: [syntaxError({ start: 0, end: 0 }, 'this file is nested too deeply to parse')] };
    throw e;
  }
  for (const e of expressionsOf(syntax)) {
    if (exprDepth(e) > EXPRESSION_DEPTH_LIMIT) return { diagnostics: [tooDeeplyNested(e.span, EXPRESSION_DEPTH_LIMIT)] };
  }
  return { syntax, diagnostics: [] };
}

function* expressionsOf(file: FileSyntax): Generator<Expr> {
  for (const m of file.models) {
    for (const s of m.stmts) {
      if (s.kind === 'layer') yield s.call;
      else if (s.kind === 'assign' || s.kind === 'loss') yield s.value;
      else if (s.kind === 'output' && s.value !== undefined) yield s.value;
      else if (s.kind === 'train') for (const t of s.settings) yield t.value;
    }
  }
}
