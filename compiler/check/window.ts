// Output length of a sliding window (convolution, pooling) along one axis of an operand.
import * as E from '../diagnostics/catalogue.ts';
import type { ModelContext } from './context.ts';
import type { Dim } from './model.ts';
import type { Operand } from './operand.ts';
import { windowOut } from './shape.ts';

/** 'same' keeps the length (odd kernel, stride 1); 'valid' needs a constant length. */
export function windowLength(ctx: ModelContext, x: Operand, axis: number, kernel: number, stride: number,
  padding: 'same' | 'valid', what: string, axisName: string): Dim | undefined {
  const n = x.type.shape[axis < 0 ? x.type.shape.length + axis : axis]!;
  if (padding === 'same') return n;
  if (typeof n !== 'number') {
    ctx.report(E.needsConstantDim(x.span, `the ${axisName} of the input to ${what}`, n,
      'a window without `padding=same` needs a known length: declare it as a number, or use a `padding=same` convolution'));
    return undefined;
  }
  const out = windowOut(n, kernel, stride, 0);
  if (out < 1) {
    ctx.report(E.shapeMismatch(x.span, `${what} has a window of ${kernel}, longer than the ${axisName} of its input (${n})`));
    return undefined;
  }
  return out;
}
