// Small helpers shared by the layer kinds.
import * as E from '../../diagnostics/catalogue.ts';
import { InternalError } from '../../diagnostics/diagnostic.ts';
import type { Arg } from '../../syntax/ast.ts';
import type { Signature } from '../bind-args.ts';
import type { Args, Callable, LayerSelf } from '../callable.ts';
import type { ModelContext } from '../context.ts';
import type { Init } from '../model.ts';
import type { Result } from '../operand.ts';

/** How messages name a layer: "`enc` (lstm)". */
export const layerWhat = (name: string, kind: string): string => `\`${name}\` (${kind})`;

export interface LayerImpl {
  readonly signature: Signature;
  readonly results: readonly string[] | ((args: Args) => readonly string[]);
  apply(ctx: ModelContext, args: Args, want: number, self: LayerSelf): Result[];
}

/** A Callable whose `apply` always gets the layer it belongs to. */
export function layerCallable(impl: LayerImpl): Callable {
  return {
    signature: impl.signature,
    results: (args) => (typeof impl.results === 'function' ? impl.results(args) : impl.results),
    apply(ctx, args, want, self) {
      if (self === undefined) throw new InternalError('layerCallable', 'a layer was applied without its declaration', args.call.span);
      return impl.apply(ctx, args, want, self);
    },
  };
}

/** Reports an option that only some kinds accept; false if it was given. */
export function onlyFor(ctx: ModelContext, given: ReadonlyMap<string, Arg>, option: string, applies: boolean, reason: string): boolean {
  const a = given.get(option);
  if (applies || a === undefined) return true;
  ctx.report(E.optionNotApplicable(a.name?.span ?? a.span, option, reason));
  return false;
}

/** A value the caller asked for: result i exists only when the statement destructures that far. */
export const wanted = <T>(want: number, i: number, make: () => T): T | undefined => (want > i ? make() : undefined);

/** A weight initialiser applied to a vector (attention `v`, pooling `context`): Glorot for a [1, n] matrix. */
export function vectorInit(init: Init, n: number): Init {
  return init.kind === 'xavier_uniform' || init.kind === 'orthogonal' ? { kind: 'uniform', bound: Math.sqrt(6 / (1 + n)) } : init;
}
