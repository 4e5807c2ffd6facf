// A built-in function (`softmax`, `concat`, `cross_entropy`, ...): a Callable with a name.
import type { Signature } from '../bind-args.ts';
import type { Args, Callable } from '../callable.ts';
import type { ModelContext } from '../context.ts';
import type { Result } from '../operand.ts';
import type { OptionType } from '../options.ts';

export interface BuiltinDef extends Callable { readonly name: string }

export function builtin(name: string, signature: Signature,
  apply: (ctx: ModelContext, args: Args, want: number) => Result[], results: readonly string[] = ['y']): BuiltinDef {
  return { name, signature, results: () => results, apply: (ctx, args, want) => apply(ctx, args, want) };
}

/** A non-tensor argument read with its type: the fallback when absent, undefined when invalid (reported). */
export function optionValue<T>(ctx: ModelContext, args: Args, name: string, type: OptionType<T>, fallback: T): T | undefined {
  const a = args.option(name);
  return a === undefined ? fallback : type.read(a.value, name, ctx);
}
