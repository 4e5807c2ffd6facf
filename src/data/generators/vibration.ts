// Generated 3-axis vibration of a motor housing, for fault diagnosis (examples/vibration.rnn). No real
// recording ships in an npm package, so the classes follow textbook signatures instead:
//   healthy       a small 1x running-speed tone on the radial axes (x, y), broadband noise
//   imbalance     a strong 1x tone, x and y in quadrature (a rotating force), little axial (z) motion
//   misalignment  a strong 2x tone and a 1x axial (z) tone
//   bearing       periodic impacts (the defect frequency, 1.6x) ringing at a high resonance, on all axes
// Running speed, amplitudes, phases and noise are drawn per window, so no single number separates classes.
import type { DataRecord } from '../jsonl.ts';
import { gaussian, makeRng } from '../random.ts';

export const VIBRATION_CLASSES = ['healthy', 'imbalance', 'misalignment', 'bearing'] as const;

export interface VibrationOptions { readonly minLength?: number; readonly maxLength?: number }

export function generateVibration(count: number, seed: number, opts: VibrationOptions = {}): DataRecord[] {
  const rng = makeRng(seed);
  const lo = opts.minLength ?? 24, hi = opts.maxLength ?? 32;
  const out: DataRecord[] = [];
  for (let w = 0; w < count; w++) {
    const fault = w % VIBRATION_CLASSES.length;
    const T = lo + Math.floor(rng() * (hi - lo + 1));
    const f = 0.07 + 0.04 * rng();                     // running speed, cycles per sample
    const phase = 2 * Math.PI * rng();
    const amp = 0.7 + 0.6 * rng();
    const noise = 0.15 + 0.1 * rng();
    const signal: number[][] = [];
    for (let t = 0; t < T; t++) {
      const a1 = 2 * Math.PI * f * t + phase;
      let x = 0.25 * amp * Math.sin(a1), y = 0.25 * amp * Math.cos(a1), z = 0;
      if (fault === 1) { x = 1.2 * amp * Math.sin(a1); y = 1.2 * amp * Math.cos(a1); }
      if (fault === 2) { x += 1.0 * amp * Math.sin(2 * a1); y += 0.7 * amp * Math.sin(2 * a1 + 0.5); z = 1.0 * amp * Math.sin(a1); }
      if (fault === 3) {
        const since = (t * f * 1.6 + phase / (2 * Math.PI)) % 1;     // fraction of the impact period elapsed
        const ring = Math.exp(-since * 6) * Math.sin(2 * Math.PI * 0.42 * t) * amp;
        x += 1.6 * ring; y += 1.2 * ring; z += 1.2 * ring;
      }
      signal.push([x + noise * gaussian(rng), y + noise * gaussian(rng), z + noise * gaussian(rng)].map(round4));
    }
    out.push({ window: w, signal, fault: VIBRATION_CLASSES[fault] });
  }
  return out;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
