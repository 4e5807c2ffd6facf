// Per-sequence valid lengths: steps t ≥ lengths[b] of row b are padding. Without a lengths input every
// row is full (T steps). Lengths must lie in 1..T, as for PyTorch's pack_padded_sequence.
import type { ValueId } from '../../compiler/check/model.ts';
import type { OpEnv } from './op.ts';

export function validLengths(env: OpEnv, id: ValueId | undefined, batch: number, steps: number, what: string): Int32Array {
  if (id === undefined) return new Int32Array(batch).fill(steps);
  const l = env.int(id);
  if (l.data.length !== batch) throw new Error(`${what}: lengths has ${l.data.length} entries for a batch of ${batch}`);
  for (let b = 0; b < batch; b++) {
    const v = l.data[b]!;
    if (v < 1 || v > steps) throw new Error(`${what}: lengths[${b}] = ${v} is outside 1..${steps}`);
  }
  return l.data;
}
