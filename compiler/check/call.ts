// A call `f(args)`: the application of a declared layer, or a built-in function. Binds and
// evaluates the arguments, checks how many results the statement takes, then runs `apply`.
import * as E from '../diagnostics/catalogue.ts';
import type { CallExpr, Expr } from '../syntax/ast.ts';
import { bindArgs, type Bound } from './bind-args.ts';
import { BUILTINS } from './builtins/registry.ts';
import { nulls, type Args, type Callable, type LayerSelf } from './callable.ts';
import type { ModelContext } from './context.ts';
import { reportUndefined } from './expr.ts';
import type { LayerBinding } from './layers/layer.ts';
import { LAYER_KINDS } from './layers/registry.ts';
import type { Operand, Result } from './operand.ts';

type EvalValue = (ctx: ModelContext, e: Expr) => Result;

export function evalCall(ctx: ModelContext, call: CallExpr, want: number, evalValue: EvalValue): Result[] {
  const name = call.callee.name;
  const binding = ctx.scope.get(name);
  if (binding?.kind === 'layer') return applyLayer(ctx, name, binding.layer, call, want, evalValue);
  const builtin = BUILTINS.get(name);
  if (builtin !== undefined) return run(ctx, name, builtin, call, want, evalValue, undefined);
  if (binding?.kind === 'value') ctx.report(E.valueIsNotCallable(call.callee.span, name));
  else if (LAYER_KINDS.has(name)) ctx.report(E.undeclaredLayerKind(call.callee.span, name));
  else if (ctx.definitions.first.has(name)) reportUndefined(ctx, name, call.callee.span, []);
  else ctx.report(E.unknownCallee(call.callee.span, name, [...ctx.layerNames(), ...BUILTINS.keys()]));
  for (const a of call.args) evalValue(ctx, a.value);   // still report what is wrong inside
  return nulls(want);
}

function applyLayer(ctx: ModelContext, name: string, layer: LayerBinding, call: CallExpr, want: number, evalValue: EvalValue): Result[] {
  const def = layer.def;
  if (def === null || layer.impl === null) {
    for (const a of call.args) evalValue(ctx, a.value);
    return nulls(want);
  }
  const first = layer.uses[0];
  if (first !== undefined && !def.shareable) {
    ctx.report(E.layerAppliedTwice(call.callee.span, name, def.kind, first));
    return nulls(want);
  }
  layer.uses.push(call.span);
  const self: LayerSelf = {
    name, declSpan: layer.declSpan, first: first === undefined,
    sameInput(key: string, op: Operand): boolean {
      if (layer.shared === undefined) { layer.shared = { key, span: op.span }; return true; }
      if (layer.shared.key === key) return true;
      ctx.report(E.sharedLayerMismatch(op.span, name, layer.shared.key, key, layer.shared.span));
      return false;
    },
  };
  return run(ctx, `${name}`, layer.impl, call, want, evalValue, self);
}

function run(ctx: ModelContext, name: string, f: Callable, call: CallExpr, want: number, evalValue: EvalValue, self: LayerSelf | undefined): Result[] {
  const bound = bindArgs((d) => ctx.report(d), name, f.signature, call);
  const evaluated = evaluate(ctx, f, bound, evalValue);
  if (!bound.ok || evaluated === undefined) return nulls(want);
  const args: Args = {
    call,
    tensor: (n) => evaluated.tensors.get(n),
    rest: evaluated.rest,
    option: (n) => bound.args.get(n),
  };
  const results = f.results(args);
  if (want > results.length) {
    ctx.report(E.tooManyTargets(call.span, name, results, want));
    return nulls(want);
  }
  const out = f.apply(ctx, args, want, self);
  return out.length === want ? out : [...out, ...nulls(want - out.length)].slice(0, want);
}

/** Undefined when some tensor argument is unknown (its error is already reported). */
function evaluate(ctx: ModelContext, f: Callable, bound: Bound, evalValue: EvalValue) {
  const tensors = new Map<string, Operand>();
  let known = true;
  for (const p of f.signature.params) {
    const a = bound.args.get(p.name);
    if (a === undefined || !p.tensor) continue;
    const r = evalValue(ctx, a.value);
    if (r === null) known = false; else tensors.set(p.name, r);
  }
  const rest: Operand[] = [];
  for (const a of bound.rest) {
    const r = evalValue(ctx, a.value);
    if (r === null) known = false; else rest.push(r);
  }
  return known ? { tensors, rest } : undefined;
}

