// The generators a data spec can name (`"source": { "generator": NAME, "count": N, "seed": S }`).
import type { DataRecord } from '../jsonl.ts';
import { generateAnomalies } from './anomaly.ts';
import { generateShapes } from './shapes.ts';
import { generateVibration } from './vibration.ts';

export const GENERATORS: Readonly<Record<string, (count: number, seed: number) => DataRecord[]>> = {
  vibration: (n, s) => generateVibration(n, s),
  anomaly: (n, s) => generateAnomalies(n, s),
  shapes: (n, s) => generateShapes(n, s),
};

export function generate(name: string, count: number, seed: number): DataRecord[] {
  const g = GENERATORS[name];
  if (!g) throw new Error(`unknown generator '${name}' (known: ${Object.keys(GENERATORS).join(', ')})`);
  return g(count, seed);
}
