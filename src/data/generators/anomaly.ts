// Generated 8-channel periodic sensor windows with injected anomalies, for the LSTM autoencoder
// (examples/autoencoder.rnn). Normal windows: each channel is a sum of two harmonics of one base period
// with channel-specific phases plus noise. A fraction `anomalyRate` of the windows get one of: a spike,
// a level shift on some channels, or a frequency change; `anomaly` = 1 marks them (never a model input:
// it is for scoring the reconstruction error as a detector).
import type { DataRecord } from '../jsonl.ts';
import { gaussian, makeRng } from '../random.ts';

export const ANOMALY_KINDS = ['none', 'spike', 'shift', 'frequency'] as const;

export function generateAnomalies(count: number, seed: number, opts: { length?: number; anomalyRate?: number } = {}): DataRecord[] {
  const rng = makeRng(seed);
  const T = opts.length ?? 32, rate = opts.anomalyRate ?? 0.1;
  const out: DataRecord[] = [];
  for (let w = 0; w < count; w++) {
    const kind = rng() < rate ? 1 + Math.floor(rng() * 3) : 0;
    const start = Math.floor(rng() * 16);             // position in the period: windows are not aligned
    const at = 4 + Math.floor(rng() * (T - 8));
    const freq = kind === 3 ? 1.6 : 1;
    const x: number[][] = [];
    for (let t = 0; t < T; t++) {
      const row: number[] = [];
      for (let c = 0; c < 8; c++) {
        const a = 2 * Math.PI * (start + t) * freq / 16;
        let v = Math.sin(a + c * 0.7) + 0.4 * Math.sin(2 * a + c * 1.3) + 0.05 * gaussian(rng);
        if (kind === 1 && t === at && c % 3 === 0) v += 3;
        if (kind === 2 && t >= at && c < 4) v += 1.5;
        row.push(Math.round(v * 1e4) / 1e4);
      }
      x.push(row);
    }
    out.push({ window: w, x, anomaly: kind === 0 ? 0 : 1, kind: ANOMALY_KINDS[kind] });
  }
  return out;
}
