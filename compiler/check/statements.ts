// One function per statement kind. Every statement binds the names it defines, even when it
// is wrong (to a null value or an unusable layer), so later uses don't cascade into errors.
import * as E from '../diagnostics/catalogue.ts';
import type { AssignStmt, Ident, InputStmt, LayerStmt, LossStmt, OutputStmt } from '../syntax/ast.ts';
import { BUILTINS } from './builtins/registry.ts';
import type { Binding, ModelContext } from './context.ts';
import { evalExpr, evalValue } from './expr.ts';
import { LAYER_KINDS } from './layers/registry.ts';
import type { Dim, DType } from './model.ts';
import type { Result } from './operand.ts';
import { showShape } from './shape.ts';

/** Binds a name unless it is taken (then reports it and keeps the first binding). */
function bind(ctx: ModelContext, id: Ident, binding: Binding): void {
  const first = ctx.scope.get(id.name);
  if (first !== undefined) { ctx.report(E.duplicateName(id.span, id.name, first.span)); return; }
  ctx.scope.set(id.name, binding);
}

function bindValue(ctx: ModelContext, id: Ident, value: Result): void {
  if (value !== null && !ctx.scope.has(id.name)) ctx.nameValue(value.id, id.name);
  bind(ctx, id, { kind: 'value', name: id.name, value, span: id.span });
}

export function checkInput(ctx: ModelContext, s: InputStmt): void {
  const dtype = s.dtype.name;
  let ok = true;
  if (dtype !== 'f32' && dtype !== 'i32') { ctx.report(E.unknownDtype(s.dtype.span, dtype)); ok = false; }
  const shape: Dim[] = [];
  for (const d of s.dims) {
    if (d.kind === 'name') { shape.push(d.name); continue; }
    if (d.value < 1 || !Number.isSafeInteger(d.value) || d.value > 2 ** 31 - 1) { ctx.report(E.badDimension(d.span, d.text)); ok = false; }
    shape.push(d.value);
  }
  if (!ok || ctx.scope.has(s.name.name)) { bind(ctx, s.name, { kind: 'value', name: s.name.name, value: null, span: s.name.span }); return; }
  for (const d of shape) ctx.addDim(d);
  const value = ctx.addInput(s.name.name, { dtype: dtype as DType, shape }, s.span);
  bind(ctx, s.name, { kind: 'value', name: s.name.name, value, span: s.name.span });
}

export function checkLayer(ctx: ModelContext, s: LayerStmt): void {
  const kind = s.call.callee.name;
  const def = LAYER_KINDS.get(kind) ?? null;
  if (def === null) {
    const d = E.unknownLayerKind(s.call.callee.span, kind, LAYER_KINDS.keys());
    const hint = BUILTINS.has(kind) ? `\`${kind}\` is a function with no parameters: call it directly, e.g. \`y = ${kind}(x)\`` : d.hint;
    ctx.report({ ...d, ...(hint === undefined ? {} : { hint }) });
  }
  const impl = def === null || ctx.scope.has(s.name.name) ? null : def.declare(ctx, s.name.name, s.call);
  bind(ctx, s.name, { kind: 'layer', name: s.name.name, layer: { def, impl, declSpan: s.span, uses: [] }, span: s.name.span });
}

export function checkAssign(ctx: ModelContext, s: AssignStmt): void {
  const results = evalExpr(ctx, s.value, s.targets.length);
  s.targets.forEach((t, i) => bindValue(ctx, t, results[i] ?? null));
}

export function checkOutput(ctx: ModelContext, s: OutputStmt): void {
  let value: Result;
  if (s.value === undefined) value = evalValue(ctx, { kind: 'name', name: s.name.name, span: s.name.span });
  else { value = evalValue(ctx, s.value); bindValue(ctx, s.name, value); }
  const first = ctx.outputs.find((o) => o.name === s.name.name);
  if (first !== undefined) { ctx.report(E.duplicateOutput(s.name.span, s.name.name, first.span)); return; }
  if (value !== null) ctx.outputs.push({ name: s.name.name, value: value.id, span: s.span });
}

export function checkLoss(ctx: ModelContext, s: LossStmt): void {
  if (ctx.loss !== undefined) { ctx.report(E.duplicateLoss(s.keyword, ctx.loss.span)); return; }
  const value = evalValue(ctx, s.value);
  if (value === null) { ctx.loss = { value: -1, span: s.span }; return; }
  if (value.type.dtype !== 'f32') ctx.report(E.dtypeMismatch(s.value.span, 'the loss', 'an f32 scalar', `i32${showShape(value.type.shape)}`));
  else if (value.type.shape.length !== 0) ctx.report(E.lossNotScalar(s.value.span, showShape(value.type.shape)));
  ctx.nameValue(value.id, 'loss');
  ctx.loss = { value: value.id, span: s.span };
}
