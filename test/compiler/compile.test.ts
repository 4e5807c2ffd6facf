// The compiler without a GPU: bundles are deterministic and valid for the runtime, the schedules and
// fusions give the dispatch counts the performance targets ask for, and the memory plan reuses slots.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../compiler/pipeline.ts';
import type { Graph, Op } from '../../compiler/ir/graph.ts';
import { scheduleOf } from '../../compiler/schedule/recurrent.ts';
import { dispatchCount, dispatchFormula, memoryFigures, programArenaBytes } from '../../compiler/bundle/report.ts';
import { validateBundle } from '../../runtime/index.ts';
import { bundleJson } from '../../src/cli/compile.ts';
import { checked } from './fixtures/suite.ts';
import { CONFIGS, configSource } from './fixtures/configs.ts';

const example = (file: string) => checked(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8'), file);
const RECURRENT_CORE = ['vibration.rnn', 'sentiment.rnn', 'forecast.rnn', 'autoencoder.rnn', 'tagger.rnn', 'row-mnist.rnn'];

// M1 of the benchmark (issue #8): LSTM(128) over 32 features, last step, dense(10), cross-entropy, Adam.
const M1 = `model m1 {
  input x: f32[batch, time, 32]
  input y: i32[batch]
  layer enc = lstm(hidden=128)
  layer head = dense(units=10)
  logits = head(last(enc(x)))
  output probs = softmax(logits)
  loss = cross_entropy(logits, y)
  train { optimizer = adam(lr=0.001) }
}`;

describe('bundles', () => {
  it.each(RECURRENT_CORE)('%s: the same input gives a byte-identical bundle', (file) => {
    expect(bundleJson(compileModel(example(file)))).toBe(bundleJson(compileModel(example(file))));
  });

  it.each(RECURRENT_CORE)('%s: validates against WebGPU default limits, at the training batch', (file) => {
    const model = example(file);
    const dims = Object.fromEntries(model.dims.map((d, i) => [d, i === 0 ? model.training?.batchSize ?? 32 : 16]));
    expect(() => validateBundle(compileModel(model), undefined, { dims })).not.toThrow();
  });

  it.each(CONFIGS.map((c) => [configSource(c), c.schedule] as const))('config bundles validate (%#)', (src, schedule) => {
    expect(() => validateBundle(compileModel(checked(src, 'c.rnn'), { schedule }))).not.toThrow();
  });
});

describe('schedules and dispatch counts (M1, T = 64)', () => {
  const model = checked(M1, 'm1.rnn');
  const dims = { batch: 32, time: 64 };
  it('persistent: at most 12 dispatches per training step, and the reason is recorded', () => {
    const b = compileModel(model, { schedule: 'persistent' });
    expect(dispatchCount(b.programs.train_step!, dims)).toBeLessThanOrEqual(12);
    expect(b.schedules[0]).toMatchObject({ choice: 'persistent' });
  });
  it('per step: at most 10 + 2·T dispatches per training step', () => {
    const b = compileModel(model, { schedule: 'per_step' });
    expect(dispatchCount(b.programs.train_step!, dims)).toBeLessThanOrEqual(10 + 2 * 64);
    expect(b.programs.train_step!.dispatches.filter((d) => d.loop).length).toBe(2);
  });
  it('auto falls back to one dispatch per step when the state does not fit workgroup memory', () => {
    const b = compileModel(model, { maxWorkgroupBytes: 1024 });
    expect(b.schedules[0]).toMatchObject({ choice: 'per_step' });
    expect(b.schedules[0]!.reason).toMatch(/2048 bytes of workgroup memory, over the limit 1024/);
    for (const k of b.kernels) expect(k.workgroupBytes).toBeLessThanOrEqual(1024 * 4);   // loss/optimizer reductions only
  });
  it('the schedule pass records one choice per recurrence, which its backward op and forward-only copy share', () => {
    const stages = new Map<string, Graph>();
    compileModel(model, { dump: (stage, g) => stages.set(stage, g) });
    const recurrences = (g: Graph) => g.ops.flatMap((o) => (o.op.kind === 'recurrent_seq' ? [o.op] : []));
    expect(recurrences(stages.get('stream')!).every((op) => op.scheduled === undefined)).toBe(true);
    expect(() => scheduleOf(recurrences(stages.get('stream')!)[0]!)).toThrow(/before the schedule pass/);
    const fused = stages.get('fuse')!;
    const [train, stream] = recurrences(fused);
    // Both have a symbolic batch: training's takes the largest slices that fit, the stream's is scheduled for one sequence.
    expect(train!.scheduled).toMatchObject({ schedule: 'persistent', forwardSlice: 16, slice: 8 });
    expect(stream!.scheduled).toMatchObject({ schedule: 'persistent', forwardSlice: 1, slice: 1, reason: /1 sequence per workgroup forward/ });
    const grad = fused.ops.find((o) => o.op.kind === 'recurrent_seq_grad')!.op as Extract<Op, { kind: 'recurrent_seq_grad' }>;
    expect(grad.fwd.scheduled).toEqual(train!.scheduled);
    expect(compileModel(model, { schedule: 'per_step', dump: (stage, g) => stages.set(stage, g) }).schedules[0]).toMatchObject({ choice: 'per_step' });
    expect(recurrences(stages.get('fuse')!)[0]!.scheduled).toMatchObject({ schedule: 'per_step', reason: 'forced by the compile options' });
  });
  it('streams one step per call with the state carried, one dispatch per op', () => {
    const b = compileModel(model);
    expect(b.programs.stream_step?.dims).toEqual({ time: 1 });
    expect(b.tensors.filter((t) => t.persistent).map((t) => t.name).sort()).toEqual(['enc.c_state', 'enc.h_state']);
  });
});

describe('fuse-input-projection', () => {
  const names = (src: string, opts: Parameters<typeof compileModel>[1] = {}) => {
    const b = compileModel(checked(src, 'm.rnn'), opts);
    return b.programs.infer!.dispatches.map((d) => b.kernels[d.kernel]!.name);
  };
  it('a persistent recurrence computes its own input projection: no projection matmul, no transposed weights', () => {
    const infer = names(M1);
    expect(infer.filter((n) => /input_projection|transpose/.test(n))).toEqual([]);
    expect(infer).toHaveLength(1);   // the recurrence, the dense head and its softmax fused in (fuse-head)
    expect(compileModel(checked(M1, 'm1.rnn')).schedules[0]!.reason).toMatch(/input projection runs inside the recurrence \(input width 32 ≤ 128/);
  });
  it('keeps the matmul for one dispatch per step, and for inputs wider than the state', () => {
    expect(names(M1, { schedule: 'per_step' }).filter((n) => /input_projection/.test(n))).toHaveLength(1);
    expect(names(M1.replace('hidden=128', 'hidden=16')).filter((n) => /input_projection/.test(n))).toHaveLength(1);
  });
  it('the backward pass still differentiates the projection (weight, bias and input gradients)', () => {
    const b = compileModel(checked(M1, 'm1.rnn'));
    const labels = b.programs.gradients!.dispatches.map((d) => b.kernels[d.kernel]!.name);
    expect(labels.filter((n) => /input_projection_layer_0_(weight_and_bias|input)_gra/.test(n))).toHaveLength(2);
  });
});

describe('recurrent weights read straight from the parameters', () => {
  it('every parameter starts at a multiple of 4 floats, and the recurrence reads W_hh and W_ih as vec4 rows', () => {
    const b = compileModel(checked(M1, 'm1.rnn'));
    expect(b.params.length).toBeGreaterThan(3);
    for (const p of b.params) expect(p.offset % 4).toBe(0);
    const last = b.params.at(-1)!;
    expect(b.paramCount).toBe(Math.ceil((last.offset + last.shape.reduce((a, c) => a * c, 1)) / 4) * 4);
    const rec = b.kernels.find((k) => /lstm_recurrence_layer_0$/.test(k.name))!;
    expect(rec.wgsl).toMatch(/var<storage, read> params: array<vec4<f32>>/);
    expect(rec.wgsl).toMatch(/mat4x4<f32>\(W0_0, W0_1, W0_2, W0_3\)/);
  });
  it('a hidden size that is not a multiple of 4 reads single words (the f32 view)', () => {
    const b = compileModel(checked(M1.replace('hidden=128', 'hidden=18'), 'm.rnn'));
    const rec = b.kernels.find((k) => /lstm_recurrence_layer_0$/.test(k.name))!;
    expect(rec.wgsl).toMatch(/var<storage, read> params: array<f32>/);
  });
});

describe('forward-only recurrences in programs without a backward pass', () => {
  it('infer and stream_step run a copy of the persistent recurrence that stores no gates, cells or states for the backward pass', () => {
    const b = compileModel(checked(M1, 'm1.rnn'));
    const recurrence = (p: 'infer' | 'train_step' | 'stream_step') =>
      b.kernels[b.programs[p]!.dispatches.find((d) => /lstm_recurrence_layer_0$/.test(b.kernels[d.kernel]!.name))!.kernel]!;
    const saves = /u\.o_enc_(gates|cells|hprev)/;
    expect(recurrence('train_step').wgsl).toMatch(saves);
    expect(recurrence('infer').name).not.toBe(recurrence('train_step').name);
    expect(recurrence('infer').wgsl).not.toMatch(saves);
    expect(recurrence('stream_step').wgsl).not.toMatch(saves);
  });
  it('a forward-only copy leaves out the stores of y when its program reads no step of y, and the unused previous state', () => {
    const kernels = (src: string) => {
      const b = compileModel(checked(src, 'm.rnn'));
      return (['infer', 'train_step'] as const).map((p) =>
        b.kernels[b.programs[p]!.dispatches.find((d) => /recurrence_layer_0$/.test(b.kernels[d.kernel]!.name))!.kernel]!.wgsl);
    };
    const [infer, train] = kernels(M1);   // its one consumer of y, the last step, is fused into the recurrence
    expect(infer).not.toMatch(/u\.o_enc_y \+ ybase/);
    expect(infer).toMatch(/u\.o_last\d* \+ b \* DH \+ d \* H \+ j\] = h/);   // the selected last step
    expect(infer).not.toMatch(/let hpj/);
    expect(train).toMatch(/u\.o_enc_y \+ ybase \+ j\] = h/);
    expect(train).toMatch(/let hpj/);
    // Every step of y feeds the head: kept. GRU's cell reads the previous state: kept.
    const [seqInfer] = kernels(M1.replace('head(last(enc(x)))', 'head(mean_time(enc(x)))'));
    expect(seqInfer).toMatch(/ybase \+ j\] = h/);
    const [gru] = kernels(M1.replace('lstm(', 'gru('));
    expect(gru).toMatch(/let hpj/);
  });
  it("a forward-only copy's program lays out no arena for what its kernel leaves out", () => {
    const saves = /^enc\.(hprev_l0|gates_l0|cells_l0|y)(\.\d+)?$/;
    const tensors = (src: string, p: 'infer' | 'train_step' | 'stream_step') =>
      compileModel(checked(src, 'm.rnn')).programs[p]!.tensors!.filter((t) => saves.test(t)).map((t) => t.replace(/\.\d+$/, ''));
    expect(tensors(M1, 'train_step').sort()).toEqual(['enc.cells_l0', 'enc.gates_l0', 'enc.hprev_l0', 'enc.y']);
    expect(tensors(M1, 'infer')).toEqual([]);
    expect(tensors(M1, 'stream_step')).toEqual([]);
    expect(tensors(M1.replace('head(last(enc(x)))', 'head(mean_time(enc(x)))'), 'infer')).toEqual(['enc.y']);   // every step read
    // What `rnnc compile` reports per program: M1's infer lays out x, the last step, the head and the state only.
    const b = compileModel(checked(M1, 'm1.rnn')), dims = { batch: 32, time: 64 };
    const x = 32 * 64 * 32 * 4;
    expect(programArenaBytes(b, b.programs.infer, dims)).toBeGreaterThan(x);
    expect(programArenaBytes(b, b.programs.infer, dims)).toBeLessThan(1.5 * x);
    expect(programArenaBytes(b, b.programs.train_step!, dims)).toBeGreaterThan(20 * x);
  });
  it('a ConvLSTM runs a forward-only copy too: no hprev or gate stores, no hprev in the arena', () => {
    const b = compileModel(checked(readFileSync('examples/convlstm.rnn', 'utf8'), 'convlstm.rnn'));
    const step = (p: 'infer' | 'train_step' | 'stream_step') =>
      b.kernels[b.programs[p]!.dispatches.find((d) => /conv_lstm_recurrence$/.test(b.kernels[d.kernel]!.name))!.kernel]!;
    expect(step('train_step').wgsl).toMatch(/u\.o_clstm_hprev \+/);
    expect(step('infer').name).not.toBe(step('train_step').name);
    for (const p of ['infer', 'stream_step'] as const) {
      expect(step(p).wgsl).not.toMatch(/u\.o_clstm_hprev/);
      expect(b.programs[p]!.tensors!.filter((t) => t.startsWith('clstm.hprev'))).toEqual([]);
    }
    expect(b.programs.train_step!.tensors).toContain('clstm.hprev');
  });
  it('stream_step fuses its last-step selection into the recurrence, as infer does', () => {
    const b = compileModel(checked(M1, 'm1.rnn'));
    const names = b.programs.stream_step!.dispatches.map((d) => b.kernels[d.kernel]!.name);
    expect(names.filter((n) => /last_step|transpose/.test(n))).toEqual([]);
    expect(names).toHaveLength(1);   // the recurrence, the dense head and its softmax fused in (fuse-head)
  });
  it('a persistent stream step writes its final state into the carried state; one dispatch per step keeps the copies', () => {
    const stepOf = (opts: Parameters<typeof compileModel>[1]) => {
      const b = compileModel(checked(M1, 'm1.rnn'), opts);
      const names = b.programs.stream_step!.dispatches.map((d) => b.kernels[d.kernel]!.name);
      const recurrence = b.kernels[b.programs.stream_step!.dispatches.find((d) => /lstm_recurrence/.test(b.kernels[d.kernel]!.name))!.kernel]!;
      return { names, wgsl: recurrence.wgsl, count: dispatchCount(b.programs.stream_step!, { batch: 2, time: 64 }) };
    };
    const inPlace = stepOf({});
    expect(inPlace.names.filter((n) => /carry_state/.test(n))).toEqual([]);
    expect(inPlace.wgsl).toMatch(/o_enc_h_state \+ state \+ j\] = h/);
    expect(inPlace.wgsl).toMatch(/o_enc_c_state \+ state \+ j\] = c/);
    expect(inPlace.wgsl).not.toMatch(/_next/);
    const copied = stepOf({ schedule: 'per_step' });
    expect(copied.names.filter((n) => /carry_state/.test(n))).toHaveLength(2);   // h and c
    expect(copied.wgsl).toMatch(/o_enc_h_next/);
    // The step runs at its own time = 1, whatever time the caller's dims say: one recurrence dispatch
    // (persistent: the head fused in; per step: the recurrence, the head, its softmax and two copies).
    expect([inPlace.count, copied.count]).toEqual([1, 6]);
    expect(dispatchFormula(compileModel(checked(M1, 'm1.rnn'), { schedule: 'per_step' }).programs.stream_step!)).toBe('6');
    // Final states that are model outputs are written by infer too: the stream step writes them and copies.
    const states = compileModel(checked(`model states {
  input x: f32[batch, time, 3]
  layer enc = lstm(hidden=16, layers=2)
  y, h_n, c_n = enc(x)
  output h_n
  output c_n
  output y
}`, 'states.rnn'));
    expect(states.programs.stream_step!.dispatches.filter((d) => /carry_state/.test(states.kernels[d.kernel]!.name))).toHaveLength(2);
  });
  it('the per_step schedule keeps one kernel (each step reads the previous cell state back)', () => {
    const b = compileModel(checked(M1, 'm1.rnn'), { schedule: 'per_step' });
    const kernelOf = (p: 'infer' | 'train_step') => b.programs[p]!.dispatches.find((d) => /lstm_recurrence_layer_0$/.test(b.kernels[d.kernel]!.name))!.kernel;
    expect(kernelOf('infer')).toBe(kernelOf('train_step'));
  });
});

describe('memory plan', () => {
  it('reuses slots: fewer slots than tensors, and training memory is linear in batch × time', () => {
    const b = compileModel(checked(M1, 'm1.rnn'));
    expect(new Set(b.tensors.map((t) => `${t.dtype}:${t.slot}`)).size).toBeLessThan(b.tensors.length);
    const at = (batch: number, time: number) => memoryFigures(b, { batch, time }).arenaBytes;
    expect(at(64, 64) / at(32, 64)).toBeGreaterThan(1.8);
    expect(at(64, 64) / at(32, 64)).toBeLessThan(2.1);
  });
});
