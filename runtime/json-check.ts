// Typed readers for untrusted JSON. Each checks one value and throws a BundleError naming its path,
// so the validator reads top to bottom like the format it checks.
import { BundleError } from './errors.ts';

export type Obj = Readonly<Record<string, unknown>>;

export function fail(path: string, detail: string): never {
  throw new BundleError(path, detail);
}

/** A short description of a value for messages: never the whole (possibly huge) value. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 40)}…'` : `'${v}'`;
  return String(v);
}

/** A path segment for a key: `.name` when it reads as an identifier, `["odd key"]` otherwise. */
export function key(path: string, k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k.slice(0, 40))}]`;
}

/** A plain object with exactly the required keys and possibly the optional ones; unknown keys are errors. */
export function obj(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
  const o = v as Obj;
  for (const k of required) if (!Object.hasOwn(o, k)) fail(key(path, k), 'missing field');
  for (const k of Object.keys(o)) {
    if (!required.includes(k) && !optional.includes(k)) fail(key(path, k), 'unknown field');
  }
  return o;
}

/** An own property (never one inherited from Object.prototype, such as `constructor`). */
export function at(o: Obj, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

export function arr(v: unknown, path: string, max: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, `expected an array, got ${describe(v)}`);
  if (v.length > max) fail(path, `too many entries (${v.length}, at most ${max})`);
  return v;
}

export function str(v: unknown, path: string, max = 256): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${describe(v)}`);
  if (v.length === 0) fail(path, 'expected a non-empty string');
  if (v.length > max) fail(path, `string too long (${v.length} characters, at most ${max})`);
  return v;
}

/** A WGSL/JS-style identifier: dimension names and entry points appear in WGSL source. */
export function ident(v: unknown, path: string): string {
  const s = str(v, path, 64);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) fail(path, `expected an identifier, got ${describe(s)}`);
  return s;
}

export function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(path, `expected an integer in [${min}, ${max}], got ${v}`);
  return v;
}

export function num(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `expected a finite number, got ${describe(v)}`);
  if (v < min || v > max) fail(path, `expected a number in [${min}, ${max}], got ${v}`);
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `expected a boolean, got ${describe(v)}`);
  return v;
}

/** One of a fixed set of strings; `noun` makes the message read `unknown resource 'foo' (expected …)`. */
export function oneOf<T extends string>(v: unknown, path: string, options: readonly T[], noun = 'value'): T {
  if (typeof v !== 'string') fail(path, `expected a ${noun} (one of ${options.join(', ')}), got ${describe(v)}`);
  if (!(options as readonly string[]).includes(v)) fail(path, `unknown ${noun} ${describe(v)} (expected one of ${options.join(', ')})`);
  return v as T;
}

/** Names must be unique within a list; returns the set seen so far for reference checks. */
export function unique(names: Map<string, unknown>, name: string, path: string, what: string, value: unknown): void {
  if (names.has(name)) fail(path, `duplicate ${what} '${name}'`);
  names.set(name, value);
}
