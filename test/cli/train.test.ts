// `rnnc train` without a GPU: the CPU back end on a tiny character GRU and CSV data, and the errors a
// user meets first (no data, no mapping, a mapping that misses an input, a bad column).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseStep } from '../../src/cli/predict.ts';

async function run(...argv: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const MODEL = `model tiny {
  input chars: i32[batch, time]
  input len: i32[batch]
  input gender: i32[batch]
  layer embed = embedding(vocab=12, dim=4, padding_idx=0)
  layer enc = gru(hidden=4, return_sequences=false)
  layer head = dense(units=2)
  logits = head(enc(embed(chars), lengths=len))
  output probs = softmax(logits)
  loss = cross_entropy(logits, gender)
  train {
    optimizer = adam(lr=0.05)
    batch_size = 4
    epochs = 2
  }
}
`;

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-train-'));
  writeFileSync(join(dir, 'tiny.rnn'), MODEL);
  const names = ['anna', 'bob', 'cara', 'dan', 'ella', 'finn', 'gina', 'hal', 'ida', 'jon'];
  writeFileSync(join(dir, 'names.csv'), `name,gender\n${names.map((n) => `${n},${n.endsWith('a') ? 'f' : 'm'}`).join('\n')}\n`);
  const map = { inputs: { chars: { text: 'name', tokenize: 'chars' }, len: { lengthsOf: 'chars' }, gender: { label: 'gender' } },
                split: { heldOut: 0.2, seed: 1 }, metric: { kind: 'accuracy', output: 'probs', target: 'gender' } };
  writeFileSync(join(dir, 'map.json'), JSON.stringify(map));
  return dir;
}

describe('rnnc train', () => {
  it('trains on the CPU reference and writes bundle, weights, data state', async () => {
    const dir = fixture();
    const out = join(dir, 'out');
    const r = await run('train', join(dir, 'tiny.rnn'), '--data', join(dir, 'names.csv'), '--map', join(dir, 'map.json'),
                        '--backend', 'cpu', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('tiny: 8 training, 2 held-out examples');
    expect(r.out).toMatch(/cpu: 4 steps, last train loss \d\.\d+, held-out loss \d\.\d+ accuracy \d+\.\d% \(2 examples\)/);
    for (const f of ['tiny.bundle.json', 'weights.safetensors', 'data.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const saved = JSON.parse(readFileSync(join(out, 'data.json'), 'utf8'));
    expect(saved.state.classes.gender).toEqual(['f', 'm']);
    expect(saved.state.vocabularies.chars.tokens[0]).toBe('<pad>');
  });

  it('explains missing or wrong data options', async () => {
    const dir = fixture();
    const model = join(dir, 'tiny.rnn');
    expect((await run('train', model)).err).toContain('train needs --data DATA');
    expect((await run('train', model, '--data', join(dir, 'names.csv'))).err).toContain('needs --map MAPPING.json');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ inputs: { chars: { text: 'name' } } }));
    const r = await run('train', model, '--data', join(dir, 'names.csv'), '--map', join(dir, 'bad.json'), '--backend', 'cpu', '--out', join(dir, 'o'));
    expect(r.code).toBe(1);
    expect(r.err).toContain("gives no value for model inputs 'len', 'gender'");
    writeFileSync(join(dir, 'num.json'), JSON.stringify({ inputs: { chars: { columns: ['name'] }, len: { lengthsOf: 'chars' }, gender: { label: 'gender' } } }));
    const r2 = await run('train', model, '--data', join(dir, 'names.csv'), '--map', join(dir, 'num.json'), '--backend', 'cpu', '--out', join(dir, 'o'));
    expect(r2.err).toMatch(/column 'name' holds "\w+", not a number/);
  });

  it('predict checks data.json and every example before it starts the GPU', async () => {
    const dir = fixture();
    const out = join(dir, 'out');
    expect((await run('train', join(dir, 'tiny.rnn'), '--data', join(dir, 'names.csv'), '--map', join(dir, 'map.json'), '--backend', 'cpu', '--out', out)).code).toBe(0);
    writeFileSync(join(dir, 'new.csv'), 'name,gender\nzoe,f\nxavi,m\nyann,q\n');
    const bad = await run('predict', out, '--data', join(dir, 'new.csv'));
    expect([bad.code, bad.out]).toEqual([1, '']);
    expect(bad.err).toContain(`${join(dir, 'new.csv')}: example 3: input 'gender': 'q' in column 'gender' is not a known class (f, m)`);
    const saved = JSON.parse(readFileSync(join(out, 'data.json'), 'utf8'));
    writeFileSync(join(out, 'data.json'), JSON.stringify({ ...saved, state: null }));
    expect((await run('predict', out, '--data', join(dir, 'new.csv'))).err).toContain('data.json state: expected { classes, vocabularies, stats }');
  });

  it('reads a --stream step as decimal numbers or a JSON array, nothing else', () => {
    expect(parseStep(' 1, 2.5 -3e-1 ')).toEqual([1, 2.5, -0.3]);
    expect(parseStep('[[1, 2], [3]]')).toEqual([1, 2, 3]);
    for (const bad of [',1,2', '1,,2', '0x10 1', '[1, "2"]', '[1, 2']) expect(parseStep(bad), bad).toBeNull();
  });

  it('refuses --epochs 0, a cpu run past its step bound, and --resume on the cpu backend before it writes anything', async () => {
    const dir = fixture();
    const args = ['train', join(dir, 'tiny.rnn'), '--data', join(dir, 'names.csv'), '--map', join(dir, 'map.json'), '--out', join(dir, 'o')];
    const r = await run(...args, '--epochs', '0', '--backend', 'cpu');
    expect([r.code, r.err]).toEqual([1, 'rnnc: error: --epochs must be at least 1']);
    expect((await run(...args, '--epochs', '100000000', '--backend', 'cpu')).err).toContain('--backend cpu runs at most 100000 steps');
    const r2 = await run(...args, '--resume', '--backend', 'cpu');
    expect(r2.err).toContain('--resume continues a WebGPU run');
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });
});
