// Size formulas: validation (bounded, known ops and dims only) and checked evaluation at run time.
import type { SizeExpr, SizeOp } from './bundle.ts';
import { InputError } from './errors.ts';
import { describe, fail } from './json-check.ts';

export const SIZE_OPS: readonly SizeOp[] = ['+', '*', 'cdiv', 'max', 'min'];
/** Bounds keep evaluation cheap and recursion shallow for any bundle, however hostile. */
export const MAX_SIZE_DEPTH = 8;
export const MAX_SIZE_NODES = 64;
/** Sizes are element counts that WGSL indexes with u32 and JS holds exactly. */
export const MAX_SIZE = 2 ** 32 - 1;

export function checkSizeExpr(v: unknown, path: string, dims: ReadonlySet<string>): SizeExpr {
  const budget = { nodes: 0 };
  walk(v, path, dims, 0, budget);
  return v as SizeExpr;
}

function walk(v: unknown, path: string, dims: ReadonlySet<string>, depth: number, budget: { nodes: number }): void {
  if (++budget.nodes > MAX_SIZE_NODES) fail(path, `size formula too large (more than ${MAX_SIZE_NODES} terms)`);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > MAX_SIZE) fail(path, `expected a size (integer in [0, ${MAX_SIZE}]), got ${v}`);
    return;
  }
  if (typeof v === 'string') {
    if (!dims.has(v)) fail(path, `unknown dimension ${describe(v)}`);
    return;
  }
  if (!Array.isArray(v)) fail(path, `expected a size formula (number, dimension name or [op, ...args]), got ${describe(v)}`);
  if (depth >= MAX_SIZE_DEPTH) fail(path, `size formula nested too deeply (more than ${MAX_SIZE_DEPTH} levels)`);
  const [op, ...args] = v as unknown[];
  if (typeof op !== 'string' || !(SIZE_OPS as readonly string[]).includes(op)) {
    fail(`${path}[0]`, `unknown size operation ${describe(op)} (expected one of ${SIZE_OPS.join(' ')})`);
  }
  if (op === 'cdiv' ? args.length !== 2 : args.length < 1) {
    fail(path, `'${op}' takes ${op === 'cdiv' ? 'exactly 2' : 'at least 1'} arguments, got ${args.length}`);
  }
  args.forEach((a, i) => walk(a, `${path}[${i + 1}]`, dims, depth + 1, budget));
  if (op === 'cdiv' && args[1] === 0) fail(`${path}[2]`, 'division by zero');
}

/** The value of a validated formula at concrete dims, as an exact size; `what` names it in errors. */
export function sizeAt(e: SizeExpr, dims: Readonly<Record<string, number>>, what: string): number {
  const v = evaluate(e, dims);
  if (!Number.isSafeInteger(v) || v < 0 || v > MAX_SIZE) {
    throw new InputError(`${what}: size ${JSON.stringify(e)} evaluates to ${v} at ${formatDims(dims)}, not a valid size`);
  }
  return v;
}

function evaluate(e: SizeExpr, dims: Readonly<Record<string, number>>): number {
  if (typeof e === 'number') return e;
  if (typeof e === 'string') {
    const v = Object.hasOwn(dims, e) ? dims[e] : undefined;
    if (v === undefined) throw new InputError(`dimension '${e}' is not set (give it in dims or through an input's shape)`);
    return v;
  }
  const [op, ...args] = e;
  const xs = args.map((a) => evaluate(a, dims));
  switch (op) {
    case '+': return xs.reduce((a, b) => a + b, 0);
    case '*': return xs.reduce((a, b) => a * b, 1);
    case 'max': return Math.max(...xs);
    case 'min': return Math.min(...xs);
    case 'cdiv': return Math.ceil((xs[0] ?? 0) / (xs[1] ?? 1));   // 0 divisor → Infinity/NaN, rejected by sizeAt
  }
}

export function formatDims(dims: Readonly<Record<string, number>>): string {
  const parts = Object.entries(dims).map(([k, v]) => `${k}=${v}`);
  return parts.length ? `{${parts.join(', ')}}` : '{}';
}
