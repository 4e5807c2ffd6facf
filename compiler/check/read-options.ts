// Reads the named options of a layer declaration (or an optimizer, a schedule) against a
// schema: unknown, duplicate, positional and missing options are reported, each value is read
// by its OptionType, and defaults fill the rest.
import * as E from '../diagnostics/catalogue.ts';
import type { Arg, Span } from '../syntax/ast.ts';
import { closest } from '../diagnostics/suggest.ts';
import type { OptionCtx, OptionType } from './options.ts';

export interface Field<T> {
  readonly type: OptionType<NonNullable<T>>;
  readonly presence: 'required' | 'default' | 'optional';
  readonly fallback?: T;
  /** For "needs the option" messages: `hidden=64`. */
  readonly example?: string;
}

export const required = <T>(type: OptionType<T>, example: string): Field<T> =>
  ({ type: type as OptionType<NonNullable<T>>, presence: 'required', example });
export const defaulted = <T>(type: OptionType<T>, fallback: T): Field<T> =>
  ({ type: type as OptionType<NonNullable<T>>, presence: 'default', fallback });
export const optional = <T>(type: OptionType<T>): Field<T | undefined> =>
  ({ type: type as OptionType<NonNullable<T>>, presence: 'optional' });

export type Schema = Record<string, Field<unknown>>;
export type Values<S extends Schema> = { -readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export interface OptionsRead<S extends Schema> {
  readonly values: Values<S>;
  /** The options written in the model, for checks between options. */
  readonly given: ReadonlyMap<string, Arg>;
}

/** Null when anything was wrong (every problem is reported first). */
export function readOptions<S extends Schema>(
  c: OptionCtx, owner: string, schema: S, args: readonly Arg[], span: Span, hints: Readonly<Record<string, string>> = {},
): OptionsRead<S> | null {
  let ok = true;
  const given = new Map<string, Arg>();
  let positionalReported = false;
  const misspelt = new Set<string>();   // required options an unknown one probably meant: no "missing" error too
  for (const a of args) {
    if (a.name === undefined) {
      if (!positionalReported) c.report(E.positionalLayerOption(a.span, owner));
      positionalReported = true; ok = false;
      continue;
    }
    const key = a.name.name;
    const first = given.get(key);
    if (first !== undefined) { c.report(E.duplicateArgument(a.name.span, key, first.span)); ok = false; continue; }
    given.set(key, a);
    if (!Object.hasOwn(schema, key)) {
      const meant = closest(key, Object.keys(schema));
      if (meant !== undefined) misspelt.add(meant);
      const d = E.unknownOption(a.name.span, key, owner, Object.keys(schema));
      c.report(hints[key] !== undefined && d.hint === undefined ? { ...d, hint: hints[key] } : d);
      ok = false;
    }
  }
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const a = given.get(key);
    if (a === undefined) {
      if (field.presence === 'required' && !positionalReported && !misspelt.has(key)) { c.report(E.missingOption(span, key, owner, `${owner}(${field.example ?? `${key}=...`})`)); ok = false; }
      if (field.presence === 'required') ok = false;
      values[key] = field.fallback;
      continue;
    }
    const v = field.type.read(a.value, key, c);
    if (v === undefined) ok = false;
    values[key] = v;
  }
  return ok ? { values: values as Values<S>, given } : null;
}
