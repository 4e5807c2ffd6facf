// Fuzzing the front end: mutated examples, token soup, grammar-shaped random models, random
// bytes and pathological inputs. Invariants: checkSource never throws, finishes quickly,
// every span lies inside the text, the formatter copes, and a file is returned iff no error.
// Seeded for reproducibility; FUZZ_SEED=n and FUZZ_RUNS=n explore further (test/fuzz-options.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Span } from '../../compiler/check/model.ts';
import { checkSource, formatDiagnostics } from '../../compiler/front.ts';
import { EXAMPLES, readExample } from './helpers.ts';
import { fuzz } from '../fuzz-options.ts';

// A hang detector, not a speed test: generous, because CI shares 2 cores with GPU tests (2.1 s was seen).
const CASE_MS = 10_000;

function assertSane(text: string): void {
  const t0 = performance.now();
  const r = checkSource(text, 'fuzz.rnn');
  const ms = performance.now() - t0;
  expect(ms, `took ${ms.toFixed(0)} ms on ${JSON.stringify(text.slice(0, 200))}`).toBeLessThan(CASE_MS);
  const inside = (s: Span) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= text.length;
  for (const d of r.diagnostics) {
    expect(inside(d.span), `span ${JSON.stringify(d.span)} of ${d.code} outside a text of ${text.length}`).toBe(true);
    for (const n of d.notes ?? []) if (n.span) expect(inside(n.span)).toBe(true);
  }
  expect(typeof formatDiagnostics(r.diagnostics, text, 'fuzz.rnn')).toBe('string');
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  expect(r.file === undefined).toBe(errors > 0);
  for (const m of r.file?.models ?? []) {
    for (const v of m.values) expect(inside(v.span)).toBe(true);
    for (const n of m.nodes) expect(inside(n.span)).toBe(true);
    expect(m.values[m.loss ?? 0] ?? m.values.length === 0).toBeTruthy();
  }
}

const sources = EXAMPLES.map(readExample);
const TOKENS = [
  'model', 'input', 'layer', 'output', 'loss', 'train', 'true', 'false', '{', '}', '(', ')', '[', ']', ',', '=', ':', '+', '-', '*', '/',
  '#', '\n', 'f32', 'i32', 'batch', 'time', '3', '0', '1.5', '1e-3', 'x', 'h', 'y', 'enc', 'lstm', 'gru', 'rnn', 'dense', 'embedding',
  'attention', 'attn_decoder', 'conv2d', 'conv_lstm', 'hidden', 'units', 'lengths', 'relu', 'softmax', 'concat', 'repeat', 'steps',
  'cross_entropy', 'mse', 'optimizer', 'adam', 'sgd', 'schedule', 'cosine', '"', ';', '.', '@', '\t', '\u00e9', '\u0000',
];

/** Mutations of an example: delete, duplicate, move, replace or insert a piece. */
const mutation = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 40 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }));
function mutate(text: string, [a, b, len, kind, token, junk]: [number, number, number, number, string, string]): string {
  const i = a % (text.length + 1), j = b % (text.length + 1);
  const piece = text.slice(i, i + len);
  switch (kind) {
    case 0: return text.slice(0, i) + text.slice(i + len);                          // delete
    case 1: return text.slice(0, i) + piece + piece + text.slice(i + len);          // duplicate
    case 2: { const rest = text.slice(0, i) + text.slice(i + len); const k = j % (rest.length + 1); return rest.slice(0, k) + piece + rest.slice(k); } // move
    case 3: return text.slice(0, i) + token + text.slice(i + len);                  // replace by a token
    case 4: return text.slice(0, i) + ` ${token} ` + text.slice(i);                 // insert a token
    default: return text.slice(0, i) + junk + text.slice(i);                        // insert random characters
  }
}

describe('fuzz', () => {
  it('mutated examples', () => {
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, ms) => {
      assertSane(ms.reduce(mutate, sources[which % sources.length]!));
    }), fuzz(1200));
  });

  it('token soup, bare and inside a model', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), fc.boolean(), (tokens, wrap) => {
      const body = tokens.join(' ');
      assertSane(wrap ? `model m {\n${body}\n}\n` : body);
    }), fuzz(800));
  });

  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => assertSane(s)), fuzz(400));
  });

  it('grammar-shaped random models reach the checker', () => {
    let parsedOk = 0, valid = 0;
    fc.assert(fc.property(modelText, (text) => {
      assertSane(text);
      const r = checkSource(text, 'fuzz.rnn');
      if (!r.diagnostics.some((d) => d.code.startsWith('E01'))) parsedOk++;
      if (r.file) valid++;
    }), fuzz(1500));
    expect(parsedOk).toBeGreaterThan(1000);    // the generator writes syntactically valid models
    expect(valid).toBeGreaterThan(20);         // and some are fully valid
  });

  it('pathological inputs', () => {
    const nest = (n: number, open: string, inner: string, close: string) => `model m {\n  input x: f32[batch, 3]\n  y = ${open.repeat(n)}${inner}${close.repeat(n)}\n}\n`;
    const cases = [
      nest(5000, '(', 'x', ')'), nest(5000, 'relu(', 'x', ')'), nest(5000, '-', 'x', ''), nest(5000, '[', 'x', ']'),
      nest(40, '(', 'x', ')'), nest(40, 'relu(', 'x', ')'),
      `model m {\n  y = ${Array.from({ length: 5000 }, (_, i) => `x${i}`).join(' + ')}\n}\n`,
      `model m {\n  input x: f32[batch, 3]\n  y = ${Array.from({ length: 250 }, () => 'x').join(' * ')}\n  output y\n}\n`,
      `model m { x = a # ${'a'.repeat(100_000)}\n}`,
      `model m { ${'a'.repeat(50_000)} = b }`,
      `model m {\n${'  input x: f32[batch, 3]\n'.repeat(2000)}}\n`,
      `model m {\n  input x: f32[batch, 3]\n${Array.from({ length: 1500 }, (_, i) => `  v${i} = relu(${i === 0 ? 'x' : `v${i - 1}`})\n`).join('')}  output v1499\n}\n`,
      '{'.repeat(10_000), ')'.repeat(10_000), '\u0000'.repeat(1000), '\uD800\uDC00\uD800', 'model m {\r\n  input x: f32[batch, 3]\r\n  output x\r\n}\r\n',
      `model m {\n  input x: f32[batch, ${'9'.repeat(400)}]\n  output x\n}\n`,
      `model m {\n  input x: f32[batch, time, 3]\n  layer e = lstm(hidden=${'9'.repeat(30)})\n  y = e(x)\n}\n`,
      `model m {\n  input x: f32[batch, 3]\n  layer d = dense(units=1e400)\n}\n`,
    ];
    for (const text of cases) assertSane(text);
  });
});

// ---- grammar-shaped generator: statements drawn from the language with small name pools

const NAMES = ['x', 'ids', 'len', 'y', 'h', 'v', 'z', 'logits', 'enc', 'head', 'emb', 'att'];
const KINDS = ['lstm', 'gru', 'rnn', 'dense', 'embedding', 'conv1d', 'conv2d', 'layer_norm', 'attention', 'self_attention', 'attention_pool', 'conv_lstm', 'attn_decoder', 'lstmm'];
const OPTIONS = ['hidden', 'units', 'layers', 'bidirectional', 'dropout', 'vocab', 'dim', 'filters', 'kernel', 'stride', 'padding', 'heads', 'score',
  'return_sequences', 'activation', 'init', 'forget_bias', 'cell', 'embed_dim', 'sos', 'eos', 'max_len', 'padding_idx', 'eps', 'hiden'];
const FUNCS = ['relu', 'softmax', 'dropout', 'concat', 'last', 'first', 'mean_time', 'max_time', 'repeat', 'flatten', 'max_pool1d', 'avg_pool2d', 'sum', 'mean',
  'cross_entropy', 'binary_cross_entropy', 'mse', ...NAMES.slice(7)];
const ARG_NAMES = ['lengths', 'h0', 'p', 'axis', 'steps', 'reduction', 'targets', 'memory_lengths', 'kernel', 'axes', 'stride'];

const num = fc.oneof(fc.integer({ min: -2, max: 70 }).map(String), fc.constantFrom('0.5', '1e-3', '0.0', '1.0', '2.5'));
const atom = fc.oneof(num, fc.constantFrom(...NAMES), fc.constantFrom('true', 'false', 'time', 'batch', 'same', 'valid', 'additive', 'dot', 'gru', 'tanh', 'xavier_uniform', 'normal(std=0.1)', 'sum', 'none'));
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom(...FUNCS), fc.array(tie('expr'), { maxLength: 3 }), fc.array(fc.tuple(fc.constantFrom(...ARG_NAMES), atom), { maxLength: 2 }))
      .map(([f, pos, named]) => `${f}(${[...pos, ...named.map(([k, v]) => `${k}=${v}`)].join(', ')})`),
  ),
}));
const dims = fc.array(fc.oneof(fc.constantFrom('batch', 'time', 'src'), fc.integer({ min: 1, max: 12 }).map(String)), { minLength: 1, maxLength: 5 });
const stmt = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('f32', 'i32'), dims).map(([n, t, d]) => `input ${n}: ${t}[${d.join(', ')}]`),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...KINDS), fc.array(fc.tuple(fc.constantFrom(...OPTIONS), atom), { maxLength: 4 }))
    .map(([n, k, opts]) => `layer ${n} = ${k}(${opts.map(([o, v]) => `${o}=${v}`).join(', ')})`),
  fc.tuple(fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }), expr).map(([ns, e]) => `${ns.join(', ')} = ${e}`),
  fc.constantFrom(...NAMES).map((n) => `output ${n}`),
  expr.map((e) => `loss = ${e}`),
  fc.array(fc.constantFrom('optimizer = adam(lr=0.01)', 'optimizer = sgd', 'schedule = cosine(warmup=3)', 'epochs = 2', 'seed = -1', 'batch_size = 0.5', 'clip = 1'), { maxLength: 3 })
    .map((s) => `train {\n    ${s.join('\n    ')}\n  }`),
);
/** Half of the models start from a plausible prefix, so that later statements find their names. */
const PRELUDE = ['input x: f32[batch, time, 4]', 'input ids: i32[batch, time]', 'input len: i32[batch]', 'layer enc = lstm(hidden=4)', 'layer head = dense(units=3)'];
const modelText = fc.tuple(fc.boolean(), fc.array(stmt, { maxLength: 10 }))
  .map(([prelude, ss]) => `model m {\n  ${[...(prelude ? PRELUDE : []), ...ss].join('\n  ')}\n}\n`);
