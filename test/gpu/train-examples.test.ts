// Every example trains on WebGPU (Dawn in Node) at a reduced, fixed budget and reaches the reduced-budget
// target stated here (examples/README.md lists the full-budget commands and what they reach). The data
// comes from the npm data packages and generators exactly as in the full runs, only sampled smaller.
// The vibration classifier has its own test (train-vibration.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

interface Case {
  readonly model: string; readonly data: string; readonly epochs: number;
  /** Changes to the data spec for the reduced run. */
  readonly reduce: Record<string, unknown>;
  /** Held-out metric of the best epoch: at least (accuracy) or at most (MAE). */
  readonly atLeast?: number; readonly atMost?: number;
  /** Held-out loss of the best epoch below this. */
  readonly lossBelow?: number;
}

const CASES: Case[] = [
  { model: 'names-gru', data: 'names', epochs: 2, reduce: { sample: 1600 }, atLeast: 0.62 },       // majority class: 56%
  { model: 'co2-lstm', data: 'co2', epochs: 3, reduce: {}, atMost: 0.8 },                           // last month as the forecast: ~1 ppm
  { model: 'autoencoder', data: 'anomaly', epochs: 6, reduce: {}, atMost: 0.5 },                    // untrained: ~0.66
  // The slow ones on SwiftShader (seq2seq decoding, ConvLSTM, a 1,000-word embedding): a few steps must
  // bring the held-out loss below that of a uniform guess, ln(classes).
  { model: 'spam-lstm', data: 'spam', epochs: 2, reduce: { sample: 640 }, atLeast: 0.7, lossBelow: Math.log(2) },   // majority (ham): 69%
  { model: 'seq2seq', data: 'g2p', epochs: 3, reduce: { sample: 400 }, lossBelow: Math.log(45) },
  { model: 'convlstm', data: 'shapes', epochs: 3, reduce: { source: { generator: 'shapes', count: 96, seed: 1 } }, lossBelow: Math.log(3) },
];

async function run(...argv: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('examples train at a reduced budget on WebGPU', () => {
  it.each(CASES)('$model on $data', async (c) => {
    const dir = mkdtempSync(join(tmpdir(), `rnnc-${c.data}-`));
    const spec = { ...JSON.parse(readFileSync(`examples/data/${c.data}.data.json`, 'utf8')), ...c.reduce };
    writeFileSync(join(dir, `${c.data}.data.json`), JSON.stringify(spec));
    const r = await run('train', resolve(`examples/${c.model}.rnn`), '--data', join(dir, `${c.data}.data.json`),
                        '--epochs', String(c.epochs), '--out', join(dir, 'out'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8'));
    const { metric: best, loss } = metrics.epochs[metrics.bestEpoch].heldOut as { metric: number; loss: number };
    console.log(`${c.model}: ${r.out.split('\n').filter((l) => l.startsWith('held-out')).join('')}`);
    if (c.atLeast !== undefined) expect(best).toBeGreaterThanOrEqual(c.atLeast);
    if (c.atMost !== undefined) expect(best).toBeLessThanOrEqual(c.atMost);
    if (c.lossBelow !== undefined) expect(loss).toBeLessThan(c.lossBelow);
  });
});
