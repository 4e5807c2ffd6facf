// Fuzzing the validator: random JSON and random mutations of a valid bundle must either validate or
// fail with a BundleError (never a TypeError, RangeError or stack overflow), and loadModel must not touch
// the device for a bundle the validator rejects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleError, GpuError } from '../../runtime/errors.ts';
import { loadModel } from '../../runtime/load.ts';
import { validateBundle } from '../../runtime/validate.ts';
import { asGpu, FakeDevice } from './fake-gpu.ts';
import { tinyJson } from './fixtures/tiny-bundle.ts';
import { fuzz } from '../fuzz-options.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (list of keys) into a JSON value. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

const interesting = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(0, -1, 1.5, 2 ** 32, 1e300, '', 'batch', 'time', 'x', 'params', 'arena', 'constructor', '__proto__',
    'toString', [], {}, null, true, ['cdiv', 'batch', 0], ['*', 'batch', 'batch'], [0, 0, 0]),
);

type Mutation = { kind: 'set'; pick: number; value: Json } | { kind: 'delete'; pick: number } | { kind: 'add'; pick: number; key: string; value: Json };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: interesting }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.oneof(fc.string(), fc.constantFrom('loop', 'persistent', 'dims', 'tensors', 'body')), value: interesting }),
);

function mutate(root: Json, m: Mutation): Json {
  const all = paths(root);
  const path = all[m.pick % all.length]!;
  if (path.length === 0) return m.kind === 'set' ? m.value : root;
  let parent = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, Json>)[m.key] = m.value;
  }
  return root;
}

function onlyBundleErrors(json: unknown): 'ok' | 'rejected' {
  try {
    validateBundle(json);
    return 'ok';
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    expect(e.message.startsWith('bundle')).toBe(true);
    return 'rejected';
  }
}

describe('validateBundle under fuzzing', () => {
  it('throws only BundleErrors on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => { onlyBundleErrors(v); }), fuzz(500));
  });

  it('throws only BundleErrors on mutated bundles (1 to 4 mutations)', () => {
    const outcomes = { ok: 0, rejected: 0 };
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
      let b = tinyJson() as Json;
      for (const m of ms) b = mutate(b, m);
      outcomes[onlyBundleErrors(b)]++;
      onlyBundleErrors(JSON.stringify(b));
    }), fuzz(2000));
    expect(outcomes.rejected).toBeGreaterThan(0.35 * fuzz(2000).numRuns);   // the mutations do reach the checks
  });

  it('never reaches the device with a bundle it rejects, and loads the rest without crashing', async () => {
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
      let b = tinyJson() as Json;
      for (const m of ms) b = mutate(b, m);
      const device = new FakeDevice();
      const e = await loadModel(b, { device: asGpu(device) }).then(() => null, (x: unknown) => x);
      if (e instanceof BundleError) expect(device.calls).toEqual([]);
      else if (e !== null) expect(e).toBeInstanceOf(GpuError);      // a valid bundle may still fail to compile, never crash
    }), fuzz(300));
  });

  it('bounds deep nesting without overflowing the stack', () => {
    let deep: Json = 'batch';
    for (let i = 0; i < 100_000; i++) deep = ['+', deep];
    const b = tinyJson() as Record<string, Json>;
    (b.tensors as { shape: Json[] }[])[0]!.shape = [deep];
    expect(() => validateBundle(b)).toThrow(BundleError);
  });
});
