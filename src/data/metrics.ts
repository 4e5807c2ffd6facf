// Held-out metrics from a batch's outputs: accuracy (class argmax, a binary threshold, per step under a
// lengths mask, or token by token for decoded sequences) or mean absolute error (in the target's original
// units when the target was z-scored).
import type { Batch } from './batch.ts';
import type { ZScore } from './normalize.ts';
import type { MetricSpec } from './spec.ts';

export interface MetricSum { sum: number; count: number }
export interface OutputValue { readonly data: Float32Array | Int32Array; readonly shape: readonly number[] }

export function addMetric(acc: MetricSum, m: MetricSpec, out: OutputValue, batch: Batch, targetStats?: ZScore): void {
  const target = batch[m.target];
  if (!target) throw new Error(`metric: the batch has no target input '${m.target}'`);
  const lengths = m.lengths ? batch[m.lengths]?.data : undefined;
  if (m.kind === 'mae') {
    if (out.data.length !== target.data.length) throw new Error(`metric: output has ${out.data.length} values, target '${m.target}' ${target.data.length}`);
    const k = targetStats?.std.length ?? 1;
    for (let i = 0; i < out.data.length; i++) acc.sum += Math.abs(out.data[i]! - target.data[i]!) * (targetStats?.std[i % k] ?? 1);
    acc.count += out.data.length;
    return;
  }
  const B = target.shape[0]!;
  if (out.data instanceof Int32Array) return tokens(acc, out, target, lengths);
  const perTarget = target.data.length / B, perOut = out.data.length / B;
  if (target.data instanceof Float32Array || perOut === perTarget) {
    const th = m.threshold ?? 0.5;          // binary: one probability (or logit, with threshold 0) per target value
    for (let i = 0; i < target.data.length; i++) {
      acc.sum += Number((out.data[i]! > th) === (target.data[i]! > 0.5));
      acc.count++;
    }
    return;
  }
  const C = perOut / perTarget;              // classes: the last output axis
  for (let b = 0; b < B; b++) {
    const steps = lengths ? Math.min(lengths[b]!, perTarget) : perTarget;
    for (let t = 0; t < steps; t++) {
      const base = (b * perTarget + t) * C;
      let best = 0;
      for (let c = 1; c < C; c++) if (out.data[base + c]! > out.data[base + best]!) best = c;
      acc.sum += Number(best === target.data[b * perTarget + t]);
      acc.count++;
    }
  }
}

/** Decoded token ids [B, L] against target ids [B, T]: positions below each target's length. */
function tokens(acc: MetricSum, out: OutputValue, target: { data: ArrayLike<number>; shape: readonly number[] }, lengths?: ArrayLike<number>): void {
  const B = target.shape[0]!, T = target.data.length / B, L = out.data.length / B;
  for (let b = 0; b < B; b++) {
    const n = lengths ? Math.min(lengths[b]!, T) : T;
    for (let t = 0; t < n; t++) {
      acc.sum += Number(t < L && out.data[b * L + t] === target.data[b * T + t]);
      acc.count++;
    }
  }
}

export const metricValue = (acc: MetricSum): number => (acc.count ? acc.sum / acc.count : NaN);
