// Progress text for training: a one-line bar redrawn in place on a terminal, plain lines otherwise.
import type { EpochReport, StepReport } from './train-loop.ts';
import type { MetricSpec } from './spec.ts';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

export function progressBar(r: StepReport, epochs: number, width = 24): string {
  const filled = Math.round((r.step / r.steps) * width);
  return `epoch ${r.epoch + 1}/${epochs} [${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}] `
    + `${r.step}/${r.steps} loss ${r.loss.toFixed(4)} ${r.examplesPerSecond.toFixed(1)} ex/s ETA ${formatDuration(r.etaSeconds)}`;
}

export const metricName = (m?: MetricSpec): string => (m?.kind === 'mae' ? 'MAE' : 'accuracy');

export function formatMetric(m: MetricSpec | undefined, v: number | null): string {
  if (!m || v === null) return '';
  return m.kind === 'mae' ? `MAE ${v.toPrecision(4)}` : `accuracy ${(100 * v).toFixed(1)}%`;
}

export function epochLine(r: EpochReport, epochs: number, metric?: MetricSpec): string {
  const held = r.heldOut ? `, held-out loss ${r.heldOut.loss.toFixed(4)}${r.heldOut.metric !== null ? ` ${formatMetric(metric, r.heldOut.metric)}` : ''}` : '';
  return `epoch ${r.epoch + 1}/${epochs}: ${r.steps} steps, train loss ${r.trainLoss.toFixed(4)}${held}, `
    + `${r.examplesPerSecond.toFixed(1)} ex/s, ${formatDuration(r.seconds)}${r.best ? ' *' : ''}`;
}
