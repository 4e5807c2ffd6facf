// Diagnostics are data: checks build them with the factories in catalogue.ts and never throw
// for a user's mistake. A thrown InternalError is a bug in rnnc, never in the model file.
import type { Span } from '../check/model.ts';

export type Severity = 'error' | 'warning';

/** A secondary location ("first defined here") or a remark without one. */
export interface Note { readonly message: string; readonly span?: Span }

export interface Diagnostic {
  /** Stable identifier (E0203, W0001); tests and golden files key on it. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly hint?: string;
  readonly notes?: readonly Note[];
}

export class InternalError extends Error {
  /** `where` names the stage or function whose invariant broke. */
  constructor(readonly where: string, message: string, readonly span?: Span, cause?: unknown) {
    super(`internal error in ${where}: ${message} (this is a bug in rnnc, not in the model file)`, cause === undefined ? undefined : { cause });
    this.name = 'InternalError';
  }
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** Sort by position, then errors before warnings; stable otherwise (esbuild sorts the same way). */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.span.start - b.span.start || rank(a) - rank(b));
}
const rank = (d: Diagnostic): number => (d.severity === 'error' ? 0 : 1);
