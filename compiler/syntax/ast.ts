// The syntax tree of a .rnn file, as written (no names resolved, no shapes). Every node keeps
// its span: string offsets [start, end) into the source, as ohm reports them.
import type { Span } from '../check/model.ts';

export type { Span };

export interface Ident { readonly name: string; readonly span: Span }

export type Expr = NumberExpr | BoolExpr | NameExpr | CallExpr | BinaryExpr | NegExpr;

/** `isInt`: written without a fraction or an exponent (`64`, not `64.0` or `1e3`). */
export interface NumberExpr { readonly kind: 'number'; readonly value: number; readonly isInt: boolean; readonly text: string; readonly span: Span }
export interface BoolExpr { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
export interface NameExpr { readonly kind: 'name'; readonly name: string; readonly span: Span }
export interface CallExpr { readonly kind: 'call'; readonly callee: Ident; readonly args: readonly Arg[]; readonly span: Span }
export type BinaryOp = '+' | '-' | '*' | '/';
export interface BinaryExpr {
  readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr;
  readonly opSpan: Span; readonly span: Span;
}
export interface NegExpr { readonly kind: 'neg'; readonly operand: Expr; readonly span: Span }

/** `value` or `name=value`. */
export interface Arg { readonly name?: Ident; readonly value: Expr; readonly span: Span }

/** A dimension in an input type: a constant size or a symbolic name. */
export type DimSyntax =
  | { readonly kind: 'int'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly span: Span };

export interface InputStmt {
  readonly kind: 'input'; readonly name: Ident; readonly dtype: Ident; readonly dims: readonly DimSyntax[];
  readonly span: Span;
}
export interface LayerStmt { readonly kind: 'layer'; readonly name: Ident; readonly call: CallExpr; readonly span: Span }
export interface AssignStmt { readonly kind: 'assign'; readonly targets: readonly Ident[]; readonly value: Expr; readonly span: Span }
export interface OutputStmt { readonly kind: 'output'; readonly name: Ident; readonly value?: Expr; readonly span: Span }
export interface LossStmt { readonly kind: 'loss'; readonly keyword: Span; readonly value: Expr; readonly span: Span }
export interface Setting { readonly key: Ident; readonly value: Expr; readonly span: Span }
export interface TrainStmt { readonly kind: 'train'; readonly keyword: Span; readonly settings: readonly Setting[]; readonly span: Span }

export type Stmt = InputStmt | LayerStmt | AssignStmt | OutputStmt | LossStmt | TrainStmt;

export interface ModelSyntax { readonly name: Ident; readonly stmts: readonly Stmt[]; readonly span: Span }
export interface FileSyntax { readonly models: readonly ModelSyntax[]; readonly span: Span }
