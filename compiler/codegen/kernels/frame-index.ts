// Element indices of frame tensors in the two layouts the convolution family uses.
import type { ConvGeom } from '../../ir/conv-ops.ts';

/**
 * WGSL index of element (n, c, r, col) of frames with `C` channels, `H` rows and `W` columns
 * (names of WGSL values): nchw [N, C, H, W]; nwc [N, W, C] (r is always 0 there).
 */
export function frameIndex(layout: ConvGeom['layout'], C: string, H: string, W: string,
                           n: string, c: string, r: string, col: string): string {
  return layout === 'nchw' ? `(((${n}) * ${C} + (${c})) * ${H} + (${r})) * ${W} + (${col})` : `((${n}) * ${W} + (${col})) * ${C} + (${c})`;
}
