// A small live chart on a canvas: training loss per step (left axis) and the held-out metric per epoch
// (right axis). Redrawn whole on every update: a few hundred points cost nothing.

export interface ChartState { readonly loss: number[]; readonly metric: { step: number; value: number }[] }

export class LiveChart {
  readonly state: ChartState = { loss: [], metric: [] };

  constructor(private readonly canvas: HTMLCanvasElement, private metricLabel = 'accuracy') {}

  reset(metricLabel: string): void {
    this.state.loss.length = 0;
    this.state.metric.length = 0;
    this.metricLabel = metricLabel;
    this.draw();
  }

  addLoss(v: number): void {
    this.state.loss.push(v);
    this.draw();
  }

  addMetric(value: number): void {
    this.state.metric.push({ step: this.state.loss.length, value });
    this.draw();
  }

  draw(): void {
    const c = this.canvas.getContext('2d');
    if (!c) return;
    const { width: W, height: H } = this.canvas, pad = 36;
    c.clearRect(0, 0, W, H);
    c.fillStyle = '#fff';
    c.fillRect(0, 0, W, H);
    c.strokeStyle = '#ccc';
    c.strokeRect(pad, 8, W - 2 * pad, H - pad - 8);
    const { loss, metric } = this.state;
    const n = Math.max(2, loss.length);
    const x = (i: number) => pad + ((W - 2 * pad) * i) / (n - 1);
    const maxLoss = Math.max(1e-6, ...loss);
    const yl = (v: number) => 8 + (H - pad - 8) * (1 - v / maxLoss);
    c.font = '11px sans-serif';
    c.fillStyle = '#1f6feb';
    c.fillText(`loss (max ${maxLoss.toFixed(3)})`, pad + 4, 20);
    c.strokeStyle = '#1f6feb';
    c.beginPath();
    loss.forEach((v, i) => (i === 0 ? c.moveTo(x(i), yl(v)) : c.lineTo(x(i), yl(v))));
    c.stroke();
    if (metric.length > 0) {
      const acc = this.metricLabel === 'accuracy';
      const top = acc ? 1 : Math.max(...metric.map((m) => m.value)) * 1.1;
      const ym = (v: number) => 8 + (H - pad - 8) * (1 - v / top);
      c.fillStyle = c.strokeStyle = '#d73a49';
      c.fillText(`held-out ${this.metricLabel}: ${metric.at(-1)!.value.toFixed(3)}`, W - pad - 150, 20);
      c.beginPath();
      metric.forEach((m, i) => (i === 0 ? c.moveTo(x(m.step - 1), ym(m.value)) : c.lineTo(x(m.step - 1), ym(m.value))));
      c.stroke();
      for (const m of metric) c.fillRect(x(m.step - 1) - 2, ym(m.value) - 2, 4, 4);
    }
    c.fillStyle = '#555';
    c.fillText(`${loss.length} steps`, W / 2 - 20, H - 12);
  }
}

/** Line plot of several series on one canvas (forecasts, signals, scores). */
export function plotLines(canvas: HTMLCanvasElement, series: { values: (number | null)[]; color: string; label: string; bars?: boolean }[]): void {
  const c = canvas.getContext('2d');
  if (!c) return;
  const { width: W, height: H } = canvas, pad = 28;
  c.fillStyle = '#fff';
  c.fillRect(0, 0, W, H);
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const lo = Math.min(...all), hi = Math.max(...all), span = hi - lo || 1;
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number) => pad + ((W - 2 * pad) * i) / Math.max(1, n - 1);
  const y = (v: number) => 8 + (H - pad - 8) * (1 - (v - lo) / span);
  c.font = '11px sans-serif';
  series.forEach((s, k) => {
    c.strokeStyle = c.fillStyle = s.color;
    c.fillText(s.label, pad + 4 + k * 150, H - 8);
    if (s.bars) {
      s.values.forEach((v, i) => { if (v !== null) c.fillRect(x(i) - 1, y(v), 2, y(lo) - y(v)); });
      return;
    }
    c.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      if (pen) c.lineTo(x(i), y(v)); else c.moveTo(x(i), y(v));
      pen = true;
    });
    c.stroke();
  });
  c.fillStyle = '#555';
  c.fillText(`${lo.toFixed(2)} … ${hi.toFixed(2)}`, W - pad - 90, 18);
}
