// What each integer input holds (model.ts InputRole), inferred from how it is used:
// token or class ids bounded by a vocabulary or class count, or per-sequence lengths.
import * as E from '../diagnostics/catalogue.ts';
import type { ModelContext } from './context.ts';
import type { Dim, InputDecl, InputRole } from './model.ts';
import type { Operand } from './operand.ts';

const describe = (r: InputRole): string =>
  r.kind === 'index' ? `ids below ${r.bound}` : r.kind === 'lengths' ? `lengths of \`${r.dim}\`` : 'real values';

/** `op` holds ids in [0, bound): token ids of an embedding, class ids of a loss. */
export function useAsIndex(ctx: ModelContext, op: Operand, bound: number): void {
  record(ctx, op, { kind: 'index', bound });
}

/** `op` holds per-sequence lengths in 1..dim (the time dimension it masks). */
export function useAsLengths(ctx: ModelContext, op: Operand, dim: Dim): void {
  record(ctx, op, { kind: 'lengths', dim });
}

function record(ctx: ModelContext, op: Operand, role: InputRole): void {
  const input = ctx.inputOf(op);
  if (input === undefined || input.type.dtype !== 'i32') return;
  const was = input.role;
  if (was === undefined) { input.role = { role, what: describe(role), span: op.span }; return; }
  const a = was.role;
  if (a.kind === 'index' && role.kind === 'index') {
    // Used with two bounds (a shared vocabulary and a class count): the values must satisfy both.
    if (role.bound < a.bound) input.role = { role, what: describe(role), span: op.span };
    return;
  }
  if (a.kind === 'lengths' && role.kind === 'lengths' && a.dim === role.dim) return;
  ctx.report(E.conflictingRole(op.span, input.name, was.what, describe(role), was.span));
}

export function finishInputs(ctx: ModelContext): InputDecl[] {
  const out: InputDecl[] = [];
  for (const i of ctx.inputs) {
    if (i.type.dtype === 'f32') { out.push({ name: i.name, value: i.value, role: { kind: 'float' }, span: i.span }); continue; }
    if (i.role === undefined) { ctx.report(E.integerInputUnused(i.span, i.name)); continue; }
    out.push({ name: i.name, value: i.value, role: i.role.role, span: i.span });
  }
  return out;
}
