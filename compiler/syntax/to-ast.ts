// The ohm semantics that turn a successful match into the syntax tree of ast.ts.
// One operation, `ast`, with one action per grammar rule (or labelled alternative).
import type { Node, NonterminalNode, TerminalNode, IterationNode } from 'ohm-js';
import { InternalError } from '../diagnostics/diagnostic.ts';
import type * as A from './ast.ts';
import { rnnGrammar } from './grammar.ts';

const spanOf = (n: Node): A.Span => ({ start: n.source.startIdx, end: n.source.endIdx });
const join = (a: A.Span, b: A.Span): A.Span => ({ start: a.start, end: b.end });
const list = <T>(n: Node): T[] => n.asIteration().children.map((c: Node) => c['ast']() as T);
const many = <T>(n: IterationNode): T[] => n.children.map((c: Node) => c['ast']() as T);

/** `a op b op c` → ((a op b) op c): the grammar gives flat lists, arithmetic is left-associative. */
function foldLeft(first: Node, ops: IterationNode, rest: IterationNode): A.Expr {
  let left = first['ast']() as A.Expr;
  // Ohm's `children` builds a fresh wrapper array on every access: read it once, or a chain of n terms costs n².
  const rights = rest.children;
  ops.children.forEach((op, i) => {
    const right = rights[i]!['ast']() as A.Expr;
    left = { kind: 'binary', op: op.sourceString as A.BinaryOp, left, right, opSpan: spanOf(op), span: join(left.span, right.span) };
  });
  return left;
}

export const astSemantics = rnnGrammar.createSemantics().addOperation<unknown>('ast', {
  File(models): A.FileSyntax {
    return { models: many<A.ModelSyntax>(models), span: spanOf(this) };
  },
  Model(_kw, name, _open, stmts, _close): A.ModelSyntax {
    return { name: name['ast'](), stmts: many<A.Stmt>(stmts), span: spanOf(this) };
  },
  Input(_kw, name, _colon, dtype, _open, dims, _close): A.InputStmt {
    return { kind: 'input', name: name['ast'](), dtype: dtype['ast'](), dims: list<A.DimSyntax>(dims), span: spanOf(this) };
  },
  Dim(d): A.DimSyntax {
    const id = d as NonterminalNode;
    if (id.ctorName === 'int') return { kind: 'int', value: Number(d.sourceString), text: d.sourceString, span: spanOf(d) };
    return { kind: 'name', name: d.sourceString, span: spanOf(d) };
  },
  Layer(_kw, name, _eq, call): A.LayerStmt {
    return { kind: 'layer', name: name['ast'](), call: call['ast'](), span: spanOf(this) };
  },
  Output(_kw, name, _eq, value): A.OutputStmt {
    const v = value.children[0];
    return { kind: 'output', name: name['ast'](), ...(v === undefined ? {} : { value: v['ast']() as A.Expr }), span: spanOf(this) };
  },
  Loss(kw, _eq, value): A.LossStmt {
    return { kind: 'loss', keyword: spanOf(kw), value: value['ast'](), span: spanOf(this) };
  },
  Train(kw, _open, settings, _close): A.TrainStmt {
    return { kind: 'train', keyword: spanOf(kw), settings: many<A.Setting>(settings), span: spanOf(this) };
  },
  Setting(key, _eq, value): A.Setting {
    return { key: key['ast'](), value: value['ast'](), span: spanOf(this) };
  },
  Assign(targets, _eq, value): A.AssignStmt {
    return { kind: 'assign', targets: list<A.Ident>(targets), value: value['ast'](), span: spanOf(this) };
  },
  AddExp(first, ops, rest) { return foldLeft(first, ops, rest); },
  MulExp(first, ops, rest) { return foldLeft(first, ops, rest); },
  UnaryExp_neg(_minus, operand): A.Expr {
    const e = operand['ast']() as A.Expr;
    const span = spanOf(this);
    // A literal like `-1` is a number, so options such as forget_bias=-1 read naturally.
    if (e.kind === 'number') return { ...e, value: -e.value, text: `-${e.text}`, span };
    return { kind: 'neg', operand: e, span };
  },
  // Parentheses only group; the expression keeps their span so carets cover `(a + b)` whole.
  PriExp_paren(_open, e, _close): A.Expr { return { ...(e['ast']() as A.Expr), span: spanOf(this) }; },
  PriExp_name(id): A.NameExpr {
    return { kind: 'name', name: id.sourceString, span: spanOf(id) };
  },
  Call(callee, _open, args, _close): A.CallExpr {
    return { kind: 'call', callee: callee['ast'](), args: list<A.Arg>(args), span: spanOf(this) };
  },
  Arg_named(name, _eq, value): A.Arg {
    return { name: name['ast'](), value: value['ast'](), span: spanOf(this) };
  },
  Arg_positional(value): A.Arg {
    return { value: value['ast'](), span: spanOf(this) };
  },
  ident(_start, _rest): A.Ident {
    return { name: this.sourceString, span: spanOf(this) };
  },
  number(_int, _fraction, _exponent): A.NumberExpr {
    const text = this.sourceString;
    return { kind: 'number', value: Number(text), isInt: /^[0-9]+$/.test(text), text, span: spanOf(this) };
  },
  bool(_word): A.BoolExpr {
    return { kind: 'bool', value: this.sourceString === 'true', span: spanOf(this) };
  },
  _iter(...children) { return children.map((c) => c['ast']()); },
  _terminal(this: TerminalNode) {
    throw new InternalError('to-ast', `no action reads terminal ${JSON.stringify(this.sourceString)}`, spanOf(this));
  },
});
