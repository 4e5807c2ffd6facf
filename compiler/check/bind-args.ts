// Binds the arguments of a call (a layer application or a built-in function) to its
// signature, Python style: positional arguments first, then `name=value`.
import * as E from '../diagnostics/catalogue.ts';
import type { Arg, CallExpr } from '../syntax/ast.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { closest } from '../diagnostics/suggest.ts';

export interface ParamSpec {
  readonly name: string;
  /** A tensor argument is checked as an expression; any other is an option read by the callee. */
  readonly tensor: boolean;
  readonly positional: boolean;
  readonly required: boolean;
}

export interface Signature {
  readonly params: readonly ParamSpec[];
  /** Collects further positional tensors (concat). */
  readonly variadic?: string;
  /** Shown when an argument is missing: `cross_entropy(logits, labels, lengths=?, reduction=mean)`. */
  readonly usage: string;
}

export interface Bound { readonly args: ReadonlyMap<string, Arg>; readonly rest: readonly Arg[]; readonly ok: boolean }

/** Helpers for writing signatures: `tensor('x')`, `tensor('lengths', { named })`, `option('p')`. */
export const tensor = (name: string, o: { named?: boolean; optional?: boolean } = {}): ParamSpec =>
  ({ name, tensor: true, positional: !o.named, required: !o.named && !o.optional });
export const option = (name: string, o: { positional?: boolean; required?: boolean } = {}): ParamSpec =>
  ({ name, tensor: false, positional: o.positional ?? false, required: o.required ?? false });

export function bindArgs(report: (d: Diagnostic) => void, callee: string, sig: Signature, call: CallExpr): Bound {
  const args = new Map<string, Arg>();
  const rest: Arg[] = [];
  const positional = sig.params.filter((p) => p.positional);
  let ok = true, next = 0, sawNamed = false, tooMany = false, misplaced = false;
  const misspelt = new Set<string>();
  for (const a of call.args) {
    if (a.name === undefined) {
      if (sawNamed) { report(E.positionalAfterNamed(a.span)); ok = false; misplaced = true; continue; }
      const p = positional[next++];
      if (p !== undefined) args.set(p.name, a);
      else if (sig.variadic !== undefined) rest.push(a);
      else { if (!tooMany) report(E.tooManyArguments(a.span, callee, positional.length)); tooMany = true; ok = false; }
      continue;
    }
    sawNamed = true;
    const name = a.name.name;
    const spec = sig.params.find((p) => p.name === name);
    if (spec === undefined) {
      const meant = closest(name, sig.params.map((p) => p.name));
      if (meant !== undefined) misspelt.add(meant);
      report(E.unknownArgument(a.name.span, name, callee, sig.params.map((p) => p.name)));
      ok = false;
      continue;
    }
    const first = args.get(name);
    if (first !== undefined) { report(E.duplicateArgument(a.name.span, name, first.span)); ok = false; continue; }
    args.set(name, a);
  }
  for (const p of sig.params) {
    if (!p.required || args.has(p.name)) continue;
    ok = false;
    // A misplaced or misspelt argument was reported already; it most likely is the missing one.
    if (!misplaced && !misspelt.has(p.name)) report(E.missingArgument(call.span, callee, p.name, sig.usage));
  }
  return { args, rest, ok };
}
