// The initialiser options (`init=`, `recurrent_init=`, `bias_init=`): a name such as
// `xavier_uniform`, or a call with named arguments such as `normal(std=0.02)`.
import * as E from '../diagnostics/catalogue.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type { Expr } from '../syntax/ast.ts';
import type { Init } from './model.ts';
import { describeExpr, num, type OptionCtx, type OptionType } from './options.ts';

const MATRIX_ONLY = ['xavier_uniform', 'orthogonal'];
const NAMES = ['zeros', 'ones', 'constant', 'uniform', 'normal', 'xavier_uniform', 'orthogonal'];

/** `target` says whether the option initialises weight matrices (or kernels) or bias vectors. */
export function initSpec(target: 'weight' | 'vector'): OptionType<Init> {
  const names = target === 'weight' ? NAMES : NAMES.filter((n) => !MATRIX_ONLY.includes(n));
  const expected = `an initialiser (${names.map((n) => `\`${n}\``).join(', ')})`;
  return {
    expected,
    read(e, option, c) {
      const name = e.kind === 'name' ? e.name : e.kind === 'call' ? e.callee.name : undefined;
      if (name === undefined || !names.includes(name)) {
        const hint = name !== undefined && MATRIX_ONLY.includes(name) ? `\`${name}\` needs a matrix; biases are vectors`
          : name !== undefined ? didYouMean(name, names) : undefined;
        c.report(E.badOptionValue(e.span, option, expected, describeExpr(e), hint));
        return undefined;
      }
      const args = readArgs(e, c);
      if (args === undefined) return undefined;
      return build(name, args, e, c);
    },
  };
}

function readArgs(e: Expr, c: OptionCtx): Map<string, Expr> | undefined {
  const out = new Map<string, Expr>();
  if (e.kind !== 'call') return out;
  let ok = true;
  for (const a of e.args) {
    if (a.name === undefined) { c.report(E.positionalLayerOption(a.span, e.callee.name)); ok = false; continue; }
    if (out.has(a.name.name)) { c.report(E.duplicateArgument(a.name.span, a.name.name, a.span)); ok = false; continue; }
    out.set(a.name.name, a.value);
  }
  return ok ? out : undefined;
}

const PARAMS: Record<string, { name: string; required: boolean } | undefined> = {
  normal: { name: 'std', required: false },
  uniform: { name: 'bound', required: true },
  constant: { name: 'value', required: true },
};

function build(name: string, args: Map<string, Expr>, e: Expr, c: OptionCtx): Init | undefined {
  const p = PARAMS[name];
  for (const [k, v] of args) {
    if (k !== p?.name) { c.report(E.unknownOption(spanOfArg(e, k) ?? v.span, k, name, p ? [p.name] : [])); return undefined; }
  }
  const given = p ? args.get(p.name) : undefined;
  if (p?.required && given === undefined) { c.report(E.missingOption(e.span, p.name, name, `${name}(${p.name}=0.1)`)); return undefined; }
  const value = given === undefined ? undefined : num(name === 'constant' ? {} : { min: 0, minOpen: true }).read(given, p?.name ?? '', c);
  if (given !== undefined && value === undefined) return undefined;
  switch (name) {
    case 'zeros': return { kind: 'zeros' };
    case 'ones': return { kind: 'ones' };
    case 'xavier_uniform': return { kind: 'xavier_uniform' };
    case 'orthogonal': return { kind: 'orthogonal' };
    case 'normal': return { kind: 'normal', std: value ?? 1 };
    case 'uniform': return { kind: 'uniform', bound: value ?? 0 };
    default: return { kind: 'constant', value: value ?? 0 };
  }
}

function spanOfArg(e: Expr, name: string) {
  return e.kind === 'call' ? e.args.find((a) => a.name?.name === name)?.name?.span : undefined;
}
