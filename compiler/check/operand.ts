// What checking an expression yields: a value of the graph with its type, seen at a use site,
// or null when an error was already reported there (null never causes a second diagnostic).
import type { Span, TensorType, ValueId } from './model.ts';

export interface Operand {
  readonly id: ValueId;
  readonly type: TensorType;
  /** Where this use is written, for diagnostics about it (not where the value was defined). */
  readonly span: Span;
}

export type Result = Operand | null;

export const at = (op: Operand, span: Span): Operand => ({ ...op, span });
