// The demo's examples: a bundle compiled at build time (import of a .rnn file), a data spec, the records
// (from npm data packages bundled at build time, or generated in the page), and an interactive panel to
// try the trained model.
import type { Bundle } from '../../runtime/bundle.ts';
import type { Model } from '../../runtime/index.ts';
import { makeBatch } from '../../src/data/batch.ts';
import { parseCsv } from '../../src/data/csv.ts';
import { firstNameRecords } from '../../src/data/datasets/first-names.ts';
import { describeOutput } from '../../src/data/describe.ts';
import { encodeExample } from '../../src/data/encode.ts';
import { generateAnomalies } from '../../src/data/generators/anomaly.ts';
import type { DataRecord } from '../../src/data/jsonl.ts';
import { applyZScore, invertZScore } from '../../src/data/normalize.ts';
import type { PreparedData } from '../../src/data/prepare.ts';
import { parseDataSpec, type DataSpec } from '../../src/data/spec.ts';
import { plotLines } from './chart.ts';
import female from 'demo-data:female-names';
import male from 'demo-data:male-names';
import co2Csv from 'demo-data:co2';
import namesBundle from '../names-gru.rnn';
import co2Bundle from '../co2-lstm.rnn';
import autoencoderBundle from '../autoencoder.rnn';
import namesSpec from '../data/names.data.json';
import co2Spec from '../data/co2.data.json';
import anomalySpec from '../data/anomaly.data.json';

export interface DemoExample {
  readonly id: string;
  readonly title: string;
  readonly bundle: Bundle;
  readonly spec: DataSpec;
  readonly epochs: number;
  records(): DataRecord[];
  /** Builds the "try it" panel in `el` for a trained model. */
  tryIt(el: HTMLElement, model: Model, data: PreparedData, spec: DataSpec): Promise<void>;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | number> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'style') e.setAttribute('style', String(v));
    else (e as unknown as Record<string, unknown>)[k] = v;
  }
  e.append(...kids);
  return e;
}

export const EXAMPLES: readonly DemoExample[] = [
  {
    id: 'names', title: 'First name → gender (character GRU)', bundle: namesBundle, spec: parseDataSpec(namesSpec), epochs: 2,
    records: () => firstNameRecords(female, male),
    async tryIt(el, model, data, spec) {
      const input = h('input', { id: 'name', value: 'Maria', placeholder: 'type a first name' });
      const out = h('div', { id: 'prediction' });
      const update = async () => {
        const name = input.value.trim() || 'a';
        const ex = encodeExample(spec, data.state, model.bundle, [{ name }], ['chars', 'len']);
        const probs = (await model.run(makeBatch(model.bundle, [ex], ['chars', 'len'])))['probs']!;
        const d = describeOutput(spec, data.state, 'probs', probs, 0) as { probabilities: Record<string, number> };
        out.replaceChildren(...Object.entries(d.probabilities).map(([cls, p]) =>
          h('div', { className: 'bar' }, h('span', { textContent: `${cls} ${(100 * p).toFixed(1)}%` }),
            h('i', { style: `width:${Math.round(300 * p)}px` }))));
      };
      input.addEventListener('input', () => void update());
      el.replaceChildren(h('label', {}, 'Name: ', input), out);
      await update();
    },
  },
  {
    id: 'co2', title: 'Monthly CO2 forecast (stacked LSTM)', bundle: co2Bundle, spec: parseDataSpec(co2Spec), epochs: 8,
    records: () => [...parseCsv(co2Csv).rows],
    async tryIt(el, model, data, spec) {
      const rows = parseCsv(co2Csv).rows.map((r) => ({ date: r.Date!, ppm: Number(r.CO2) }));
      const cut = rows.length - Math.round(rows.length * spec.split.heldOut);
      const select = h('select', { id: 'series' });
      for (let s = cut - 24; s + 36 <= rows.length; s += 12) select.append(h('option', { value: String(s), textContent: `from ${rows[s]!.date}` }));
      const canvas = h('canvas', { id: 'forecast', width: 640, height: 220 });
      const hist = data.state.stats.history!, next = data.state.stats.next!;
      const update = async () => {
        const s = Number(select.value);
        const window = rows.slice(s, s + 24).map((r) => r.ppm);
        const forecast: number[] = [];
        for (let k = 0; k < 12; k++) {           // one month at a time, each forecast fed back as history
          const last = window.at(-1)!;          // the mapping makes both relative to the last history month
          const x = applyZScore(hist, Float32Array.from(window.slice(-24), (v) => v - last));
          const pred = (await model.run({ history: { data: x, shape: [1, 24, 1] } }))['pred']!;
          const ppm = last + invertZScore(next, pred.data)[0]!;
          forecast.push(ppm);
          window.push(ppm);
        }
        plotLines(canvas, [
          { values: rows.slice(s, s + 36).map((r) => r.ppm), color: '#555', label: 'measured ppm' },
          { values: [...Array<null>(24).fill(null), ...forecast], color: '#d73a49', label: '12-month forecast' },
        ]);
        el.dataset.forecast = forecast.map((v) => v.toFixed(2)).join(',');
      };
      select.addEventListener('change', () => void update());
      el.replaceChildren(h('label', {}, 'Series: ', select), canvas);
      await update();
    },
  },
  {
    id: 'anomaly', title: 'Anomalies in a periodic signal (LSTM autoencoder)', bundle: autoencoderBundle, spec: parseDataSpec(anomalySpec), epochs: 3,
    records: () => generateAnomalies(1024, 1),
    async tryIt(el, model, data) {
      const button = h('button', { id: 'newsignal', textContent: 'new signal' });
      const canvas = h('canvas', { id: 'scores', width: 640, height: 220 });
      let seed = 100;
      const update = async () => {
        const windows = generateAnomalies(24, seed++, { anomalyRate: 0.3 });
        const x = windows.map((w) => applyZScore(data.state.stats.x!, Float32Array.from((w.x as number[][]).flat())));
        const flat = new Float32Array(24 * 32 * 8);
        x.forEach((w, i) => flat.set(w, i * 32 * 8));
        const err = (await model.run({ x: { data: flat, shape: [24, 32, 8] } }))['error']!.data;
        const signal = windows.flatMap((w) => (w.x as number[][]).map((row) => row[0]!));
        const perStep = (f: (i: number) => number | null) => signal.map((_, t) => f(Math.floor(t / 32)));
        const top = Math.max(...signal), bottom = Math.min(...signal), maxErr = Math.max(...err);
        plotLines(canvas, [   // scores drawn in the signal's range: the tallest bar reaches its middle
          { values: signal, color: '#555', label: 'channel 0' },
          { values: perStep((i) => bottom + ((top - bottom) / 2) * (err[i]! / maxErr)), color: '#d73a49', label: 'anomaly score', bars: true },
          { values: perStep((i) => (windows[i]!.anomaly === 1 ? top : null)), color: '#f2a900', label: 'injected anomaly' },
        ]);
        el.dataset.scores = [...err].map((v) => v.toFixed(3)).join(',');
      };
      button.addEventListener('click', () => void update());
      el.replaceChildren(button, canvas);
      await update();
    },
  },
];
