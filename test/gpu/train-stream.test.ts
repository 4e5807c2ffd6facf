// Streaming inference from stdin: train a tiny per-step LSTM on long-format CSV (one row per time step,
// grouped by a sequence column), then feed `rnnc predict DIR --stream` one step per line. The streamed
// outputs must equal batch prediction over the same sequence (stream_step carries the state exactly).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const MODEL = `model echo {
  input x: f32[batch, time, 2]
  input y: f32[batch, time, 1]
  layer enc = lstm(hidden=8)
  layer head = dense(units=1)
  pred = head(enc(x))
  output pred
  loss = mse(pred, y)
  train {
    optimizer = adam(lr=0.01)
    batch_size = 8
    epochs = 2
  }
}
`;

describe('rnnc predict --stream', () => {
  it('streams one step per stdin line and matches batch prediction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-stream-'));
    writeFileSync(join(dir, 'echo.rnn'), MODEL);
    const rows = ['seq,a,b,target'];
    for (let s = 0; s < 32; s++) {
      let sum = 0;
      for (let t = 0; t < 6; t++) {
        const a = Math.sin(s + t), b = Math.cos(3 * s - t);
        sum += a;
        rows.push(`${s},${a.toFixed(4)},${b.toFixed(4)},${sum.toFixed(4)}`);
      }
    }
    writeFileSync(join(dir, 'seqs.csv'), `${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'map.json'), JSON.stringify({
      group: 'seq', inputs: { x: { columns: ['a', 'b'], normalize: 'zscore' }, y: { columns: ['target'], normalize: 'zscore' } },
      metric: { kind: 'mae', output: 'pred', target: 'y' },
    }));
    const out = join(dir, 'out');
    const r = await main(['train', join(dir, 'echo.rnn'), '--data', join(dir, 'seqs.csv'), '--map', join(dir, 'map.json'), '--out', out],
                         { out: () => {}, err: (l) => { throw new Error(l); } });
    expect(r).toBe(0);

    const steps = [[0.5, -0.2], [0.1, 0.9], [-0.7, 0.3]];
    const streamed = execFileSync(process.execPath, [resolve('dist/rnnc.js'), 'predict', out, '--stream'],
                                  { input: `${steps.map((s) => s.join(',')).join('\n')}\n`, encoding: 'utf8' })
      .trim().split('\n').map((l) => JSON.parse(l) as { t: number; pred: number[] });
    expect(streamed.map((s) => s.t)).toEqual([0, 1, 2]);

    writeFileSync(join(dir, 'one.csv'), `seq,a,b\n${steps.map((s) => `0,${s.join(',')}`).join('\n')}\n`);
    const batch = JSON.parse(execFileSync(process.execPath, [resolve('dist/rnnc.js'), 'predict', out, '--data', join(dir, 'one.csv')],
                                          { encoding: 'utf8' }).trim()) as { pred: number[] };
    expect(batch.pred).toHaveLength(3);
    streamed.forEach((s, t) => expect(s.pred[0]).toBeCloseTo(batch.pred[t]!, 4));
  });
});
