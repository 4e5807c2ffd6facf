// Checks an expression and adds its nodes to the graph. `want` is how many results the
// statement destructures (`y, h_n = enc(x)` wants 2); only calls can give more than one.
import * as E from '../diagnostics/catalogue.ts';
import type { BinaryExpr, Expr, NameExpr } from '../syntax/ast.ts';
import { evalCall } from './call.ts';
import type { ModelContext } from './context.ts';
import { findCycle } from './definitions.ts';
import { expectDtype } from './expect.ts';
import type { BinaryNode, Span } from './model.ts';
import { at, type Result } from './operand.ts';
import { broadcastShapes, showShape } from './shape.ts';

export function evalExpr(ctx: ModelContext, e: Expr, want: number): Result[] {
  if (e.kind === 'call') return evalCall(ctx, e, want, evalValue);
  const r = evalValue(ctx, e);
  if (want > 1) {
    ctx.report(E.tooManyTargets(e.span, e.kind === 'binary' ? e.op : e.kind === 'neg' ? '-' : describe(e), ['value'], want));
    return new Array<Result>(want).fill(null);
  }
  return [r];
}

const describe = (e: Expr): string => (e.kind === 'name' ? e.name : e.kind === 'number' ? e.text : 'this expression');

export function evalValue(ctx: ModelContext, e: Expr): Result {
  switch (e.kind) {
    case 'number': {
      const y = ctx.addValue({ dtype: 'f32', shape: [] }, e.span);
      ctx.addNode({ op: 'const', value: e.value, y: y.id, span: e.span });
      return y;
    }
    case 'bool':
      ctx.report(E.notAValueExpression(e.span, `\`${e.value}\``));
      return null;
    case 'name': return lookupValue(ctx, e);
    case 'call': return evalCall(ctx, e, 1, evalValue)[0] ?? null;
    case 'neg': {
      const x = evalValue(ctx, e.operand);
      if (x === null || !expectDtype(ctx, x, 'f32', '`-`')) return null;
      const y = ctx.addValue(x.type, e.span);
      ctx.addNode({ op: 'activation', fn: 'neg', x: x.id, y: y.id, span: e.span });
      return y;
    }
    case 'binary': return evalBinary(ctx, e);
  }
}

const FN: Record<BinaryExpr['op'], BinaryNode['fn']> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };

function evalBinary(ctx: ModelContext, e: BinaryExpr): Result {
  const a = evalValue(ctx, e.left), b = evalValue(ctx, e.right);
  if (a === null || b === null) return null;
  const okA = expectDtype(ctx, a, 'f32', `\`${e.op}\``), okB = expectDtype(ctx, b, 'f32', `\`${e.op}\``);
  if (!okA || !okB) return null;
  const shape = broadcastShapes(a.type.shape, b.type.shape);
  if (shape === undefined) {
    ctx.report(E.shapeMismatch(e.opSpan, `cannot combine ${showShape(a.type.shape)} and ${showShape(b.type.shape)} with \`${e.op}\``,
      'shapes must be equal, or 1, axis by axis from the last'));
    return null;
  }
  const y = ctx.addValue({ dtype: 'f32', shape }, e.span);
  ctx.addNode({ op: 'binary', fn: FN[e.op], a: a.id, b: b.id, y: y.id, span: e.span });
  return y;
}

function lookupValue(ctx: ModelContext, e: NameExpr): Result {
  const b = ctx.scope.get(e.name);
  if (b?.kind === 'value') return b.value === null ? null : at(b.value, e.span);
  if (b?.kind === 'layer') { ctx.report(E.layerIsNotAValue(e.span, e.name)); return null; }
  reportUndefined(ctx, e.name, e.span, ctx.valueNames());
  return null;
}

/** Not in scope: defined further down (maybe in a cycle), a dimension, or unknown. */
export function reportUndefined(ctx: ModelContext, name: string, span: Span, candidates: readonly string[]): void {
  const def = ctx.definitions.first.get(name);
  if (def !== undefined && def.index >= ctx.statement) {
    const cycle = def.index === ctx.statement ? [name, name] : findCycle(ctx.definitions, ctx.statement, name);
    ctx.report(E.usedBeforeDefinition(span, name, def.span, cycle));
  } else if (ctx.dims.includes(name)) {
    ctx.report({ ...E.unknownName(span, name, []), hint: `\`${name}\` is a dimension; only options such as \`steps=\` take dimensions` });
  } else {
    ctx.report(E.unknownName(span, name, candidates));
  }
}
