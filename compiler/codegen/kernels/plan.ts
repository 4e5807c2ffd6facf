// What a kernel generator returns: the body of `main`, its workgroup shape, and the dispatch grid.
import type { SizeExpr } from '../../../runtime/bundle.ts';

export interface KernelPlan {
  readonly body: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly grid: readonly [SizeExpr, SizeExpr, SizeExpr];
  /** Record the dispatch this many times with step.t = 0, 1, … (recurrences). */
  readonly loop?: SizeExpr;
  /** With loop: the loop covers this dispatch and the next body − 1 plans of the same op (a step of several kernels). */
  readonly loopBody?: number;
}

/** Grid-stride launch for n independent items: at most 65535 workgroups of 256 threads. */
export const STRIDE_WG = 256;
export function strideGrid(n: SizeExpr): readonly [SizeExpr, SizeExpr, SizeExpr] {
  return [typeof n === 'number' ? Math.min(Math.ceil(n / STRIDE_WG), 65535) : ['min', ['cdiv', n, STRIDE_WG], 65535], 1, 1];
}
/** The loop header that pairs with strideGrid: `i` runs over this thread's items. */
export function strideLoop(n: string): string {
  return `for (var i = gid.x; i < ${n}; i += ${STRIDE_WG}u * min((${n} + ${STRIDE_WG - 1}u) / ${STRIDE_WG}u, 65535u))`;
}
