// The benchmark's five models (spec/performance.md): sizes, the .rnn file each compiles from, and the
// FLOP count the GFLOP/s figures divide by. Shared by the Node runner and the page.

export type ModelId = 'M1' | 'M2' | 'M3' | 'M4' | 'M5';
export type Cell = 'lstm' | 'gru';

/** One recurrent layer as Keras and ONNX see it. */
export interface RecurrentLayer { readonly cell: Cell; readonly hidden: number; readonly bidirectional: boolean; readonly sequences: boolean }

export interface BenchModel {
  readonly id: ModelId;
  readonly title: string;
  /** .rnn source, relative to the repository root. */
  readonly file: string;
  readonly batch: number;
  readonly time: number;
  /** Input features per step (M1-M4), or the frame [channels, height, width] (M5, channels first). */
  readonly features: number;
  readonly frame?: readonly [number, number, number];
  /** M1-M4: the recurrent stack; M5: a ConvLSTM with `filters` and `kernel`. */
  readonly layers: readonly RecurrentLayer[];
  readonly conv?: { readonly filters: number; readonly kernel: number };
  readonly classes: number;
}

const seq = (cell: Cell, hidden: number, more: Partial<RecurrentLayer> = {}): RecurrentLayer =>
  ({ cell, hidden, bidirectional: false, sequences: false, ...more });

export const MODELS: readonly BenchModel[] = [
  { id: 'M1', title: 'LSTM(128)', file: 'src/bench/models/m1-lstm.rnn', batch: 32, time: 64, features: 32,
    layers: [seq('lstm', 128)], classes: 10 },
  { id: 'M2', title: 'GRU(128)', file: 'src/bench/models/m2-gru.rnn', batch: 32, time: 64, features: 32,
    layers: [seq('gru', 128)], classes: 10 },
  { id: 'M3', title: 'LSTM(128, seq) → LSTM(128)', file: 'src/bench/models/m3-stacked-lstm.rnn', batch: 32, time: 64, features: 32,
    layers: [seq('lstm', 128, { sequences: true }), seq('lstm', 128)], classes: 10 },
  { id: 'M4', title: 'Bidirectional(LSTM(64))', file: 'src/bench/models/m4-bilstm.rnn', batch: 32, time: 64, features: 32,
    layers: [seq('lstm', 64, { bidirectional: true })], classes: 10 },
  { id: 'M5', title: 'ConvLSTM2D(16, 3x3) on [4, 8, 32, 32, 1]', file: 'src/bench/models/m5-convlstm.rnn', batch: 4, time: 8, features: 1,
    frame: [1, 32, 32], layers: [], conv: { filters: 16, kernel: 3 }, classes: 10 },
];

export function modelById(id: string): BenchModel {
  const m = MODELS.find((x) => x.id === id.toUpperCase());
  if (!m) throw new Error(`unknown model '${id}' (the models are ${MODELS.map((x) => x.id).join(', ')})`);
  return m;
}

/** Shape of the model's float input, batch first, time second (rnnc's layout; M5 channels first). */
export function inputShape(m: BenchModel): number[] {
  return m.frame ? [m.batch, m.time, ...m.frame] : [m.batch, m.time, m.features];
}

/**
 * Forward FLOPs of the recurrent part (the head is negligible): 2·G·H·(I+H)·B·T per layer and direction
 * (G = 4 for LSTM, 3 for GRU); ConvLSTM 2·4F·(C+F)·k²·h·w·B·T. A training step counts as 3× forward.
 */
export function forwardFlops(m: BenchModel): number {
  if (m.conv && m.frame) {
    const [c, h, w] = m.frame;
    const { filters: f, kernel: k } = m.conv;
    return 2 * 4 * f * (c + f) * k * k * h * w * m.batch * m.time;
  }
  let inputs = m.features, total = 0;
  for (const l of m.layers) {
    const gates = l.cell === 'lstm' ? 4 : 3;
    const dirs = l.bidirectional ? 2 : 1;
    total += dirs * 2 * gates * l.hidden * (inputs + l.hidden) * m.batch * m.time;
    inputs = dirs * l.hidden;
  }
  return total;
}

export const trainFlops = (m: BenchModel): number => 3 * forwardFlops(m);

/** The streaming case: one step of a 1-layer LSTM(128) at batch 1 (M1's model). */
export const STREAM_MODEL: ModelId = 'M1';
