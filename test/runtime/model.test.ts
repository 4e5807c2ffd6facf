// The runtime against a fake GPUDevice: call discipline (everything at load, one submit per run),
// exact numbers through JS kernels, input errors before any GPU call, streams, checkpoints, device loss.
import { describe, expect, it } from 'vitest';
import { BundleError, GpuError, InputError } from '../../runtime/errors.ts';
import { initParam } from '../../runtime/init.ts';
import { loadModel } from '../../runtime/load.ts';
import type { Model } from '../../runtime/model.ts';
import { asGpu, FakeDevice } from './fake-gpu.ts';
import { tinyBundle, tinyExpected, tinyJson } from './fixtures/tiny-bundle.ts';
import { TINY_HOOKS } from './fixtures/tiny-cpu.ts';

const GPU_CREATES = ['createBuffer', 'createShaderModule', 'createBindGroupLayout', 'createPipelineLayout', 'createComputePipelineAsync', 'createBindGroup'];

async function tiny(options: { dims?: Record<string, number> } = {}): Promise<{ model: Model; device: FakeDevice }> {
  const device = new FakeDevice(TINY_HOOKS);
  const model = await loadModel(tinyJson(), { device: asGpu(device), ...options });
  return { model, device };
}

function inputs(batch: number, time: number) {
  const x = Float32Array.from({ length: batch * 4 }, (_, i) => i - 3);
  const s = Float32Array.from({ length: batch * time }, (_, i) => (i % 5) - 1);
  const ids = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  return { x, s, ids };
}

describe('load', () => {
  it('compiles every kernel asynchronously with explicit layouts and labels every object', async () => {
    const { device } = await tiny();
    expect(device.count('createComputePipelineAsync')).toBe(9);
    expect(device.count('createPipelineLayout')).toBe(9);
    expect(device.count('createShaderModule')).toBe(9);
    expect(device.calls.filter((c) => GPU_CREATES.includes(c.method) && !c.label)).toEqual([]);
    expect(device.calls.every((c) => !c.label || c.label.startsWith('rnnc:tiny'))).toBe(true);
  });

  it('compiles only the kernels of the programs asked for, and refuses to run the others', async () => {
    const device = new FakeDevice(TINY_HOOKS);
    const bundle = tinyBundle();
    const model = await loadModel(tinyJson(), { device: asGpu(device), programs: ['infer'] });
    const inferKernels = new Set(bundle.programs.infer.dispatches.map((d) => d.kernel));
    expect(device.count('createComputePipelineAsync')).toBe(inferKernels.size);
    expect(inferKernels.size).toBeLessThan(bundle.kernels.length);
    const { x, s, ids } = inputs(2, 3);
    await expect(model.trainStep({ x, s, ids })).rejects.toThrow(/program train_step was not loaded/);
  });

  it('initialises the parameters from their init specs and the seed', async () => {
    const { model } = await tiny();
    const w = await model.getWeights();
    expect([...w['lin.weight']!]).toEqual([2, 2, 2, 2]);
    expect([...w['lin.bias']!]).toEqual([1, 1, 1, 1]);
    const extra = tinyBundle().params[2]!;
    expect(w['extra.weight']).toEqual(Float32Array.from(initParam(extra, 7)));
  });

  it('rejects a corrupt bundle before any GPU call', async () => {
    const device = new FakeDevice();
    const bad = tinyJson();
    (bad.kernels as { bindings: { resource: string }[] }[])[1]!.bindings[0]!.resource = 'foo';
    await expect(loadModel(bad, { device: asGpu(device) })).rejects.toThrow(BundleError);
    expect(device.calls).toEqual([]);
  });

  it('reports a kernel that fails to compile with the compiler message', async () => {
    const device = new FakeDevice();
    device.failPipeline = 'gather';
    await expect(loadModel(tinyJson(), { device: asGpu(device) })).rejects.toThrow("kernel 'gather' failed to compile: 1:2: fake error");
  });
});

describe('run', () => {
  it('computes the infer program exactly with one submit and no creation after load', async () => {
    const { model, device } = await tiny({ dims: { batch: 3, time: 5 } });
    const before = device.calls.length;
    const { x, s, ids } = inputs(3, 5);
    const out = await model.run({ x: { data: x, shape: [3, 4] }, s: { data: s, shape: [3, 5] }, ids });
    const want = tinyExpected(x, s, ids, 3, 5);
    expect(out.y!.data).toEqual(want.y);
    expect(out.y!.shape).toEqual([3, 4]);
    expect(out.z!.data).toEqual(want.z);
    expect(out.r!.data).toEqual(want.r);
    expect(out.u!.data).toEqual(want.u);
    expect(out.picked!.data).toEqual(want.picked);
    expect(Object.keys(out)).toEqual(['y', 'z', 'r', 'u', 'picked']);
    const during = device.calls.slice(before);
    expect(during.filter((c) => c.method === 'submit')).toHaveLength(1);
    expect(during.filter((c) => GPU_CREATES.includes(c.method) && c.method !== 'createBuffer')).toEqual([]);
    expect(during.filter((c) => c.method === 'createBuffer').map((c) => c.label)).toEqual(['rnnc:tiny:staging-1']);
    // affine 1 + prefix 5 + suffix 5 + (double, addin) × 5 + gather 1
    expect(during.filter((c) => c.method === 'dispatchWorkgroups')).toHaveLength(22);
  });

  it('reuses staging buffers and grows the arena (rebinding once) when dims grow', async () => {
    const { model, device } = await tiny({ dims: { batch: 2, time: 3 } });
    for (const [b, t] of [[2, 3], [1, 2], [2, 3]] as const) {
      const { x, s, ids } = inputs(b, t);
      await model.run({ x: { data: x, shape: [b, 4] }, s: { data: s, shape: [b, t] }, ids });
    }
    expect(device.count('createBuffer')).toBe(8 + 1);
    const groups = device.count('createBindGroup');
    const { x, s, ids } = inputs(40, 70);
    const out = await model.run({ x: { data: x, shape: [40, 4] }, s: { data: s, shape: [40, 70] }, ids }, { outputs: ['u'] });
    expect(out.u!.data).toEqual(tinyExpected(x, s, ids, 40, 70).u);
    expect(Object.keys(out)).toEqual(['u']);
    expect(device.count('createBindGroup')).toBe(groups + 10);
    expect(device.count('createBuffer')).toBe(8 + 1 + 2);
    // ints (one 256-byte slot) still fits 40 ids; the old arena and Step table go once the run is done
    expect(device.buffers.filter((b) => b.destroyed).map((b) => b.label).sort()).toEqual(['rnnc:tiny:arena', 'rnnc:tiny:steps']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['unknown', { x: [1, 2, 3, 4], s: [1], ids: [1], q: [1] }, "unknown input 'q' (the model's inputs are x, s, ids)"],
    ['missing', { x: [1, 2, 3, 4], ids: [1] }, "missing input 's' (expected shape [batch, time])"],
    ['shape', { x: { data: new Float32Array(8), shape: [4, 2] }, s: [1], ids: [1] }, "input 'x': expected shape [batch, 4], got [4, 2]"],
    ['batch mismatch', { x: [[1, 2, 3, 4]], s: [[1, 2], [3, 4]], ids: [1] }, "input 's': expected shape [batch, time], got [2, 2]"],
    ['flat count', { x: [1, 2, 3, 4, 5], s: [1], ids: [1] }, "input 'x': expected shape [batch, 4], got 5 values (not a multiple of 4)"],
    ['dtype', { x: [1, 2, 3, 4], s: [1], ids: new Float32Array([1]) }, "input 'ids' holds i32 indices: pass an Int32Array or integers, got a Float32Array"],
    ['index range', { x: [1, 2, 3, 4], s: [1], ids: [10] }, "input 'ids': value 10 at index 0 is out of range [0, 9] (indices below 10)"],
    ['ragged', { x: [[1, 2, 3, 4], [1]], s: [1], ids: [1] }, "input 'x': nested array is not rectangular"],
    ['f32 from ints', { x: new Int32Array(4), s: [1], ids: [1] }, "input 'x' is f32: pass a Float32Array or numbers, got an Int32Array"],
  ])('rejects %s inputs before any GPU call', async (_name, given, message) => {
    const { model, device } = await tiny();
    const before = device.calls.length;
    const e = await model.run(given as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain(message);
    expect(device.calls.length).toBe(before);
  });

  it('refuses a run whose loops would record more dispatches than the runtime encodes, before any GPU call', async () => {
    const { model, device } = await tiny();
    const before = device.calls.length;
    const time = 100_000;   // three loops over time: 300 000 dispatches
    const e = await model.run({ x: [1, 2, 3, 4], s: { data: new Float32Array(time), shape: [1, time] }, ids: [1] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain('more than 262144 dispatches per run');
    expect(device.calls.length).toBe(before);
  });

  it('infers dims from flat arrays once another input fixes the rest, and takes dims options', async () => {
    const { model } = await tiny();
    const out = await model.run({ x: new Float32Array(8), s: new Float32Array(6), ids: [1, 2] });
    expect(out.z!.shape).toEqual([2, 3]);
    await expect(model.run({ x: new Float32Array(8), s: new Float32Array(6), ids: [1, 2] }, { dims: { batch: 3 } }))
      .rejects.toThrow("input 'x': expected shape [batch, 4] = [3, 4], got 8 values");
    await expect(model.run({ x: [[1, 2, 3, 4]], s: [1], ids: [1] }, { dims: { steps: 1 } })).rejects.toThrow('dims.steps: unknown dimension');
  });

  it('surfaces an uncaptured WebGPU error on the next call', async () => {
    const { model, device } = await tiny();
    for (const f of device.listeners) (f as (e: unknown) => void)({ error: { message: 'lost a buffer somewhere' } });
    await expect(model.run({ x: [[1, 2, 3, 4]], s: [[1]], ids: [0] })).rejects.toThrow('uncaptured WebGPU error: lost a buffer somewhere');
    await expect(model.run({ x: [[1, 2, 3, 4]], s: [[1]], ids: [0] })).resolves.toBeDefined();
  });

  it('surfaces a WebGPU error of the run as a rejected promise', async () => {
    const { model, device } = await tiny();
    device.injected.push({ filter: 'validation', message: 'binding too small' });
    await expect(model.run({ x: [[1, 2, 3, 4]], s: [[1]], ids: [0] })).rejects.toThrow(/tiny infer: WebGPU validation error: binding too small/);
  });
});

describe('training', () => {
  it('takes steps with lr from the schedule, zeroed grads and a counted step', async () => {
    const { model, device } = await tiny();
    const before = device.count('submit');
    const loss = await model.trainStep({ x: [[1, 2, 3, 4], [5, 6, 7, 8]] });
    expect(loss).toBe(36);
    expect(device.count('submit')).toBe(before + 1);
    expect(model.step).toBe(1);
    await model.trainStep({ x: [[1, 2, 3, 4]] });
    const w = await model.getWeights();
    // two steps of lr 0.5 with grads[i] = i + 1 (not accumulated across steps)
    expect([...w['lin.weight']!]).toEqual([2 - 1, 2 - 2, 2 - 3, 2 - 4]);
    expect([...w['lin.bias']!]).toEqual([1 - 5, 1 - 6, 1 - 7, 1 - 8]);
  });

  it('fits over epochs, reports each step and checkpoints on the way', async () => {
    const { model } = await tiny();
    const seen: number[] = [];
    const r = await model.fit([{ x: [[1, 1, 1, 1]] }, { x: [[2, 2, 2, 2]] }], { epochs: 2, onStep: (i) => { seen.push(i.step); }, checkpointEvery: 3 });
    expect(r.losses).toEqual([4, 8, 4, 8]);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(model.lastCheckpoint).not.toBeNull();
    function* once() { yield { x: [[1, 1, 1, 1]] }; }
    await expect(model.fit(once(), { epochs: 2 })).rejects.toThrow(/epoch 2 has no batches/);
    expect((await model.fit(() => once(), { epochs: 3 })).steps).toBe(3);
  });

  it('round-trips a checkpoint: weights, optimizer state and step', async () => {
    const { model } = await tiny();
    await model.trainStep({ x: [[1, 2, 3, 4]] });
    const bytes = await model.saveCheckpoint();
    const saved = await model.getWeights();
    await model.trainStep({ x: [[1, 2, 3, 4]] });
    await model.restoreCheckpoint(bytes);
    expect(await model.getWeights()).toEqual(saved);
    expect(model.step).toBe(1);
    await model.trainStep({ x: [[1, 2, 3, 4]] });
    const { model: other } = await tiny();
    await other.restoreCheckpoint(bytes);
    await other.trainStep({ x: [[1, 2, 3, 4]] });
    expect(await other.getWeights()).toEqual(await model.getWeights());
    await expect(model.restoreCheckpoint(await model.saveWeights())).rejects.toThrow(/not an rnnc checkpoint/);
    await expect(model.restoreCheckpoint(new Uint8Array(3))).rejects.toThrow(InputError);
  });

  it('sets weights from a record or safetensors bytes, checking names and shapes', async () => {
    const { model } = await tiny();
    const w = await model.getWeights();
    await model.setWeights({ 'lin.weight': [9, 9, 9, 9] }, { strict: false });
    expect([...(await model.getWeights())['lin.weight']!]).toEqual([9, 9, 9, 9]);
    await model.setWeights(await (await tiny()).model.saveWeights());
    expect(await model.getWeights()).toEqual(w);
    await expect(model.setWeights({ 'lin.weight': [1, 2] }, { strict: false })).rejects.toThrow("weights: 'lin.weight': expected 4 values (shape [4]), got 2");
    await expect(model.setWeights({ nope: [1] })).rejects.toThrow("weights: unknown parameter 'nope'");
    await expect(model.setWeights({ 'lin.weight': [1, 2, 3, 4] })).rejects.toThrow("weights: missing 'lin.bias', 'extra.weight'");
  });
});

describe('streams', () => {
  it('keeps state between steps, counts stream_t and resets', async () => {
    const { model } = await tiny();
    const st = model.stream();
    const a = await st.step({ x: [[1, 2, 3, 4]] });
    const b = await st.step({ x: { data: [1, 1, 1, 1], shape: [1, 4] } });
    expect([...b.h!.data]).toEqual([2, 3, 4, 5]);
    expect([...a.tick!.data, ...b.tick!.data]).toEqual([0, 1]);
    st.reset();
    expect([...(await st.step({ x: [[1, 1, 1, 1]] })).h!.data]).toEqual([1, 1, 1, 1]);
  });

  it('refuses to continue a stream whose state another run or new dims displaced', async () => {
    const { model } = await tiny();
    const st = model.stream();
    await st.step({ x: [[1, 2, 3, 4]] });
    await expect(st.step({ x: [[1, 2, 3, 4], [1, 2, 3, 4]] })).rejects.toThrow('stream dims changed from {time=1, batch=1} to {time=1, batch=2}; call reset() first');
    await model.run({ x: [[1, 2, 3, 4]], s: [[1, 2]], ids: [1] });
    expect([...(await st.step({ x: [[1, 1, 1, 1]] })).h!.data]).toEqual([2, 3, 4, 5]);
    await model.run({ x: new Float32Array(12), s: new Float32Array(3), ids: [1, 2, 3] });
    await expect(st.step({ x: [[1, 1, 1, 1]] })).rejects.toThrow(/state was lost: a infer run at \{batch=3, time=1\} reused its memory/);
    const newer = model.stream();
    await expect(st.step({ x: [[1, 1, 1, 1]] })).rejects.toThrow(/replaced by a newer model.stream/);
    expect([...(await newer.step({ x: [[1, 1, 1, 1]] })).h!.data]).toEqual([1, 1, 1, 1]);
  });
});

describe('device loss and disposal', () => {
  it('reports a lost device, refuses further work, and reloads from the last checkpoint', async () => {
    const lostSeen: string[] = [];
    const device = new FakeDevice(TINY_HOOKS);
    const model = await loadModel(tinyJson(), { device: asGpu(device), onDeviceLost: (i) => lostSeen.push(i.reason) });
    await model.trainStep({ x: [[1, 2, 3, 4]] });
    await model.saveCheckpoint();
    const weights = await model.getWeights();
    device.destroy();
    expect((await model.lost).reason).toBe('destroyed');
    expect(lostSeen).toEqual(['destroyed']);
    await expect(model.run({ x: [[1, 2, 3, 4]], s: [[1]], ids: [1] })).rejects.toThrow(GpuError);
    const fresh = new FakeDevice(TINY_HOOKS);
    const again = await loadModel(tinyJson(), { device: asGpu(fresh), checkpoint: model.lastCheckpoint! });
    expect(await again.getWeights()).toEqual(weights);
    expect(again.step).toBe(1);
  });

  it('disposes every buffer and refuses work afterwards', async () => {
    const { model, device } = await tiny();
    await model.run({ x: [[1, 2, 3, 4]], s: [[1]], ids: [1] });
    model.dispose();
    expect(device.buffers.every((b) => b.destroyed)).toBe(true);
    expect(device.listeners.size).toBe(0);
    await expect(model.getWeights()).rejects.toThrow('the model was disposed');
  });
});
