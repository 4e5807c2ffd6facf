// The benchmark's inputs: the same seeded random batch for every framework (values in [-1, 1),
// class labels in 0..classes-1), laid out batch first, time second, frames channels first.
import { inputShape, type BenchModel } from './models.ts';

/** A small seeded generator (mulberry32): the same numbers in every framework and every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchData { readonly x: Float32Array; readonly labels: Int32Array }

export function benchData(m: BenchModel, seed = 7): BenchData {
  const next = random(seed);
  const x = new Float32Array(inputShape(m).reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = 2 * next() - 1;
  const labels = new Int32Array(m.batch);
  for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(next() * m.classes);
  return { x, labels };
}

/** Uniform weights in [-bound, bound) for generated models (ONNX). */
export function randomWeights(n: number, bound: number, seed: number): Float32Array {
  const next = random(seed);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = bound * (2 * next() - 1);
  return w;
}
