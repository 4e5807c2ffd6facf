// A first pass over a model's statements: where each name is first defined and which names
// each statement reads. It turns "unknown name" into "used before it is defined" (with the
// cycle, when the later definition depends on this statement).
import type { Expr, ModelSyntax, Span, Stmt } from '../syntax/ast.ts';

export interface Definitions {
  readonly first: ReadonlyMap<string, { readonly index: number; readonly span: Span }>;
  readonly reads: readonly ReadonlySet<string>[];
  readonly defines: readonly (readonly string[])[];
}

export function collectDefinitions(model: ModelSyntax): Definitions {
  const first = new Map<string, { index: number; span: Span }>();
  const reads: Set<string>[] = [];
  const defines: string[][] = [];
  model.stmts.forEach((s, index) => {
    const names = definedBy(s);
    defines.push(names.map((n) => n.name));
    for (const n of names) if (!first.has(n.name)) first.set(n.name, { index, span: n.span });
    const r = new Set<string>();
    for (const e of expressionsRead(s)) namesIn(e, r);
    reads.push(r);
  });
  return { first, reads, defines };
}

function definedBy(s: Stmt): { name: string; span: Span }[] {
  switch (s.kind) {
    case 'input': case 'layer': return [s.name];
    case 'assign': return [...s.targets];
    case 'output': return s.value === undefined ? [] : [s.name];
    case 'loss': case 'train': return [];
  }
}

function expressionsRead(s: Stmt): Expr[] {
  switch (s.kind) {
    case 'assign': case 'loss': return [s.value];
    case 'output': return s.value === undefined ? [] : [s.value];
    case 'input': case 'layer': case 'train': return [];
  }
}

function namesIn(e: Expr, out: Set<string>): void {
  const stack: Expr[] = [e];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    if (x.kind === 'name') out.add(x.name);
    else if (x.kind === 'binary') stack.push(x.left, x.right);
    else if (x.kind === 'neg') stack.push(x.operand);
    else if (x.kind === 'call') { out.add(x.callee.name); for (const a of x.args) stack.push(a.value); }
  }
}

/**
 * Statement `at` reads `name`, which a later statement defines. If that definition depends
 * (through other definitions) on a name statement `at` defines, return the cycle of names.
 */
export function findCycle(defs: Definitions, at: number, name: string): string[] | undefined {
  const targets = new Set(defs.defines[at] ?? []);
  if (targets.size === 0) return undefined;
  const parent = new Map<string, string>([[name, '']]);
  const queue = [name];
  for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
    const d = defs.first.get(n);
    if (d === undefined) continue;
    for (const r of defs.reads[d.index] ?? []) {
      if (targets.has(r)) {
        const chain: string[] = [];                       // n, its parent, ..., back to `name`
        for (let p: string | undefined = n; p !== undefined && p !== ''; p = parent.get(p)) chain.push(p);
        return [r, ...chain.reverse(), r];                // r depends on name → ... → n, and n on r
      }
      if (!parent.has(r)) { parent.set(r, n); queue.push(r); }
    }
  }
  return undefined;
}
