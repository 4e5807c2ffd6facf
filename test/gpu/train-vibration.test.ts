// `rnnc train` / `rnnc predict` on WebGPU (Dawn in Node) with the vibration example at a reduced, fixed
// budget (384 generated windows, 2 epochs, then 1 more with --resume): it must clearly learn (held-out
// accuracy well above the 25% of chance), write what it promises, resume from its checkpoint, and
// predict on a JSON Lines file. The full budget is `npm start` (examples/README.md).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { generateVibration } from '../../src/data/generators/vibration.ts';

async function run(...argv: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rnnc train on WebGPU: vibration (reduced budget)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-vib-'));
  const out = join(dir, 'out');
  const spec = JSON.parse(readFileSync('examples/data/vibration.data.json', 'utf8'));
  spec.source.count = 384;
  writeFileSync(join(dir, 'vib.data.json'), JSON.stringify(spec));

  it('trains, evaluates every epoch, resumes, predicts', async () => {
    const r = await run('train', resolve('examples/vibration.rnn'), '--data', join(dir, 'vib.data.json'), '--epochs', '2', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('vibration: 288 training, 96 held-out examples');
    expect(r.out).toMatch(/epoch 2\/2: 9 steps, train loss [\d.]+, held-out loss [\d.]+ accuracy [\d.]+%/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toHaveLength(2);
    const best = metrics.epochs[metrics.bestEpoch];
    expect(best.heldOut.metric).toBeGreaterThan(0.5);

    const again = await run('train', resolve('examples/vibration.rnn'), '--data', join(dir, 'vib.data.json'), '--epochs', '3', '--out', out, '--resume');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^epoch 3\/3: 9 steps/m);
    expect(again.out).not.toMatch(/^epoch 1\/3/m);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs).toHaveLength(3);

    const fresh = generateVibration(16, 99);
    writeFileSync(join(dir, 'new.jsonl'), fresh.map((x) => JSON.stringify(x)).join('\n'));
    const p = await run('predict', out, '--data', join(dir, 'new.jsonl'));
    expect(p.code).toBe(0);
    const lines = p.out.split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(16);
    expect(Object.keys(lines[0].probs.probabilities)).toEqual(['healthy', 'imbalance', 'misalignment', 'bearing']);
    expect(p.err).toMatch(/^accuracy [\d.]+% on 16 examples$/);
  });
});
