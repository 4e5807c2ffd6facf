// The benchmark's inputs: the same seeded random batch for every framework (values in [-1, 1),
// class labels in 0..classes-1), laid out batch first, time second, frames channels first.
import { makeRng } from '../data/random.ts';
import { inputShape, type BenchModel } from './models.ts';

export interface BenchData { readonly x: Float32Array; readonly labels: Int32Array }

export function benchData(m: BenchModel, seed = 7): BenchData {
  const next = makeRng(seed);
  const x = new Float32Array(inputShape(m).reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = 2 * next() - 1;
  const labels = new Int32Array(m.batch);
  for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(next() * m.classes);
  return { x, labels };
}

/** Uniform weights in [-bound, bound) for generated models (ONNX). */
export function randomWeights(n: number, bound: number, seed: number): Float32Array {
  const next = makeRng(seed);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = bound * (2 * next() - 1);
  return w;
}
