// time_select: [B, T, ...] → [B, ...], step 0 ('first') or the last valid step ('last': lengths[b]−1, else T−1).
import type { TimeSelectNode } from '../../../compiler/check/model.ts';
import { validLengths } from '../lengths.ts';
import type { OpImpl } from '../op.ts';
import { ften, span } from '../tensor.ts';

export const timeSelectOp: OpImpl<TimeSelectNode> = (node, env) => {
  const x = env.float(node.x);
  const [batch, steps] = [x.shape[0]!, x.shape[1]!];
  const d = span(x.shape, 2);
  const lengths = validLengths(env, node.lengths, batch, steps, 'time_select');
  const pick = (b: number): number => (node.which === 'first' ? 0 : lengths[b]! - 1);
  const y = new Float64Array(batch * d);
  for (let b = 0; b < batch; b++) y.set(x.data.subarray((b * steps + pick(b)) * d, (b * steps + pick(b) + 1) * d), b * d);
  return {
    outputs: [[node.y, ften([batch, ...x.shape.slice(2)], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dx = new Float64Array(x.data.length);
      for (let b = 0; b < batch; b++) dx.set(dy.subarray(b * d, (b + 1) * d), (b * steps + pick(b)) * d);
      g.add(node.x, dx);
    },
  };
};
