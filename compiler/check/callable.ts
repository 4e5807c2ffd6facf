// What layers and built-in functions share: a signature, named results, and `apply`, which
// checks evaluated operands and adds nodes to the graph. call.ts binds and evaluates the
// arguments before `apply` runs, and `apply` only runs when every tensor argument is known.
import type { Arg, CallExpr, Span } from '../syntax/ast.ts';
import type { Signature } from './bind-args.ts';
import type { ModelContext } from './context.ts';
import type { Result, Operand } from './operand.ts';

export interface Args {
  readonly call: CallExpr;
  /** An evaluated tensor argument, if given. */
  tensor(name: string): Operand | undefined;
  /** Further positional tensors of a variadic signature. */
  readonly rest: readonly Operand[];
  /** A non-tensor argument as written (read it with an OptionType). */
  option(name: string): Arg | undefined;
}

export interface Callable {
  readonly signature: Signature;
  /** Names of the results, in destructuring order (`y, h_n, c_n = enc(x)`). */
  results(args: Args): readonly string[];
  /** Returns exactly `want` results (the first `want` of `results`). */
  apply(ctx: ModelContext, args: Args, want: number, self: LayerSelf | undefined): Result[];
}

/** A declared layer as seen by its application. */
export interface LayerSelf {
  readonly name: string;
  readonly declSpan: Span;
  /** True on the first application: that one creates the parameters. */
  readonly first: boolean;
  /** For shared layers: later applications must see the same parameter-shaping input. */
  sameInput(key: string, op: Operand): boolean;
}

export const nulls = (n: number): Result[] => new Array<Result>(n).fill(null);
