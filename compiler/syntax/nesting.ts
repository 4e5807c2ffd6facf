// Guards the parser's recursion: ohm descends a few dozen stack frames per bracket or unary
// minus, so absurdly deep nesting would overflow the stack. Found before parsing, reported as
// a diagnostic. Also finds the first unclosed bracket, for syntax error hints.
import type { Expr, Span } from './ast.ts';

export const NESTING_LIMIT = 48;
const OPEN = '([{', CLOSE = ')]}';

/** The span of the first bracket or minus sign that goes past `limit` levels, if any. */
export function findDeepNesting(text: string, limit = NESTING_LIMIT): Span | undefined {
  let depth = 0, minusRun = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '#') { i = endOfLine(text, i) - 1; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    if (ch === '-') { if (++minusRun > limit) return { start: i, end: i + 1 }; continue; }
    minusRun = 0;
    if (OPEN.includes(ch)) { if (++depth > limit) return { start: i, end: i + 1 }; }
    else if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

export interface Unbalanced { readonly bracket: string; readonly span: Span; readonly kind: 'unclosed' | 'unopened' }

/** The first bracket without a partner (comments skipped): a likely cause of a syntax error. */
export function findUnbalanced(text: string): Unbalanced | undefined {
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '#') { i = endOfLine(text, i) - 1; continue; }
    const open = OPEN.indexOf(ch), close = CLOSE.indexOf(ch);
    if (open >= 0) stack.push(i);
    else if (close >= 0) {
      const top = stack.pop();
      if (top === undefined) return { bracket: ch, span: { start: i, end: i + 1 }, kind: 'unopened' };
      if (OPEN.indexOf(text[top]!) !== close) return { bracket: text[top]!, span: { start: top, end: top + 1 }, kind: 'unclosed' };
    }
  }
  const top = stack[0];
  return top === undefined ? undefined : { bracket: text[top]!, span: { start: top, end: top + 1 }, kind: 'unclosed' };
}

function endOfLine(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/** Deepest expression nesting, counted without recursion (long `a + b + ...` chains nest too). */
export function exprDepth(root: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [e, depth] = top;
    max = Math.max(max, depth);
    if (e.kind === 'binary') stack.push([e.left, depth + 1], [e.right, depth + 1]);
    else if (e.kind === 'neg') stack.push([e.operand, depth + 1]);
    else if (e.kind === 'call') for (const a of e.args) stack.push([a.value, depth + 1]);
  }
  return max;
}
