// Generated moving shapes on 16x16 frames, for the ConvLSTM (examples/convlstm.rnn): a bright 3x3 square
// or cross starts at a random place and moves one pixel per frame; the class is its direction (0 left,
// 1 right, 2 down), which no single frame shows: the model has to remember where it was.
import type { DataRecord } from '../jsonl.ts';
import { gaussian, makeRng } from '../random.ts';

export const SHAPE_DIRECTIONS = ['left', 'right', 'down'] as const;
const MOVES: readonly (readonly [number, number])[] = [[0, -1], [0, 1], [1, 0]];

export function generateShapes(count: number, seed: number, opts: { frames?: number; size?: number } = {}): DataRecord[] {
  const rng = makeRng(seed);
  const T = opts.frames ?? 6, S = opts.size ?? 16;
  const out: DataRecord[] = [];
  for (let n = 0; n < count; n++) {
    const dir = n % 3;
    const [dr, dc] = MOVES[dir]!;
    const cross = rng() < 0.5;
    // Start so that the whole path stays on the frame.
    const span = (d: number) => [d < 0 ? 1 + T : 1, d > 0 ? S - 2 - T : S - 2] as const;
    const [r0, r1] = span(dr), [c0, c1] = span(dc);
    let r = r0 + Math.floor(rng() * (r1 - r0 + 1)), c = c0 + Math.floor(rng() * (c1 - c0 + 1));
    const frames: number[][][][] = [];
    for (let t = 0; t < T; t++) {
      const img = Array.from({ length: S }, () => Array.from({ length: S }, () => Math.round(0.1 * gaussian(rng) * 1e3) / 1e3));
      for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) {
        if (!cross || i === 0 || j === 0) img[r + i]![c + j] = 1;
      }
      frames.push([img]);
      r += dr;
      c += dc;
    }
    out.push({ clip: n, frames, direction: SHAPE_DIRECTIONS[dir] });
  }
  return out;
}
