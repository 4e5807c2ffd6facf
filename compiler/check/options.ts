// Types of option values (`hidden=64`, `cell=gru`, `init=normal(std=0.02)`): each reads an
// expression written in the model and either returns the value or reports why it can't.
import * as E from '../diagnostics/catalogue.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type { Expr } from '../syntax/ast.ts';
import type { Activation, Dim } from './model.ts';

export interface OptionCtx { report(d: Diagnostic): void; readonly dims: readonly string[] }

/** `read` returns undefined after reporting a diagnostic. */
export interface OptionType<T> {
  readonly expected: string;
  read(e: Expr, option: string, c: OptionCtx): T | undefined;
}

export const INT_MAX = 2_147_483_647;

/** How an expression is quoted in "got ..." messages. */
export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'number': return e.text;
    case 'bool': return String(e.value);
    case 'name': return `\`${e.name}\``;
    case 'call': return `\`${e.callee.name}(...)\``;
    default: return 'an expression';
  }
}

function bad<T>(e: Expr, option: string, expected: string, c: OptionCtx, hint?: string): T | undefined {
  c.report(E.badOptionValue(e.span, option, expected, describeExpr(e), hint));
  return undefined;
}

export function int(min = 0, max = INT_MAX): OptionType<number> {
  const expected = max < INT_MAX ? `an integer in ${min}..${max}` : min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
  return {
    expected,
    read(e, option, c) {
      if (e.kind !== 'number' || !e.isInt || e.value < min || e.value > max) {
        const inRange = e.kind === 'number' && e.value >= min && e.value <= max;
        // `1e3` for an integer: suggest `1000`, only where that would be accepted.
        const hint = inRange && !e.isInt && Number.isInteger(e.value) ? `write \`${e.value}\`` : undefined;
        const tooBig = e.kind === 'number' && e.value > max && max === INT_MAX;
        return bad(e, option, tooBig ? `${expected} no larger than ${INT_MAX}` : expected, c, hint);
      }
      return e.value;
    },
  };
}

export interface NumRange { readonly min?: number; readonly max?: number; readonly minOpen?: boolean; readonly maxOpen?: boolean }

export function num(r: NumRange = {}): OptionType<number> {
  const expected = describeRange(r);
  return {
    expected,
    read(e, option, c) {
      if (e.kind !== 'number' || !Number.isFinite(e.value)) return bad(e, option, expected, c);
      const v = e.value;
      const low = r.min === undefined || (r.minOpen ? v > r.min : v >= r.min);
      const high = r.max === undefined || (r.maxOpen ? v < r.max : v <= r.max);
      return low && high ? v : bad(e, option, expected, c);
    },
  };
}

function describeRange(r: NumRange): string {
  if (r.min !== undefined && r.max !== undefined) return `a number in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  if (r.min === 0) return r.minOpen ? 'a positive number' : 'a non-negative number';
  if (r.min !== undefined) return `a number ${r.minOpen ? '>' : '≥'} ${r.min}`;
  return 'a finite number';
}

export const bool: OptionType<boolean> = {
  expected: '`true` or `false`',
  read: (e, option, c) => (e.kind === 'bool' ? e.value : bad(e, option, '`true` or `false`', c)),
};

export function oneOf<const T extends string>(choices: readonly T[]): OptionType<T> {
  const expected = choices.length === 2 ? `\`${choices[0]}\` or \`${choices[1]}\`` : `one of ${choices.map((x) => `\`${x}\``).join(', ')}`;
  return {
    expected,
    read(e, option, c) {
      if (e.kind === 'name' && (choices as readonly string[]).includes(e.name)) return e.name as T;
      return bad(e, option, expected, c, e.kind === 'name' ? didYouMean(e.name, choices) : undefined);
    },
  };
}

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'gelu', 'softmax', 'log_softmax', 'exp', 'log'] as const satisfies readonly Activation[];
export const activation = oneOf(ACTIVATIONS);

/** A number of steps: a symbolic dimension of the model (`time`) or a positive integer. */
export const dimOrInt: OptionType<Dim> = {
  expected: 'a dimension name or a positive integer',
  read(e, option, c) {
    if (e.kind === 'name') {
      if (c.dims.includes(e.name)) return e.name;
      c.report(E.unknownDim(e.span, e.name, c.dims));
      return undefined;
    }
    return int(1).read(e, option, c);
  },
};
