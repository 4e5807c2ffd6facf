// A layer kind (`lstm`, `dense`, ...): reads its options at the declaration
// (`layer enc = lstm(hidden=64)`) and returns the Callable that applications use.
import type { CallExpr, Span } from '../../syntax/ast.ts';
import type { Callable } from '../callable.ts';
import type { ModelContext } from '../context.ts';

export interface LayerDef {
  readonly kind: string;
  /** May one declared layer be applied more than once (sharing its parameters)? */
  readonly shareable: boolean;
  /** Null after reporting invalid options. */
  declare(ctx: ModelContext, name: string, call: CallExpr): Callable | null;
}

/** A `layer` declaration in scope. `def` is null for an unknown kind, `impl` for invalid options. */
export interface LayerBinding {
  readonly def: LayerDef | null;
  readonly impl: Callable | null;
  readonly declSpan: Span;
  readonly uses: Span[];
  shared?: { readonly key: string; readonly span: Span };
}
