// fuse-head (compiler/passes/fuse-head.ts): which programs run a classifier's dense layer and softmax
// inside the recurrence kernel, and which keep them apart. Whether the fused kernel computes the right
// thing is the GPU tier's (test/compiler/fixtures/suite.ts, FUSED_HEADS, against the float64 reference).
import { describe, expect, it } from 'vitest';
import { compileModel, type CompileOptions } from '../../compiler/pipeline.ts';
import { fieldName } from '../../compiler/codegen/wgsl.ts';
import type { Bundle, ProgramName } from '../../runtime/bundle.ts';
import { checked, FUSED_HEADS, headSource } from './fixtures/suite.ts';

const compile = (source: string, options: CompileOptions = { schedule: 'persistent' }) => compileModel(checked(source, 'm.rnn'), options);
/** The kernel names of a program's dispatches, in order. */
const kernelsOf = (b: Bundle, p: ProgramName) => b.programs[p]!.dispatches.map((d) => b.kernels[d.kernel]!.name);
const fused = (b: Bundle, p: ProgramName) => b.programs[p]!.dispatches.filter((d) => b.kernels[d.kernel]!.wgsl.includes('The fused head')).length;

/** M3's shape at small sizes, with or without a loss (and so a backward pass that reads enc1.y). */
const stacked = (loss: boolean) => `model m {
  input x: f32[batch, time, 4]
  ${loss ? 'input y: i32[batch]' : ''}
  layer enc1 = lstm(hidden=8, return_sequences=true)
  layer enc2 = lstm(hidden=8, return_sequences=false)
  layer head = dense(units=3)
  logits = head(enc2(enc1(x)))
  output probs = softmax(logits)
  ${loss ? 'loss = cross_entropy(logits, y)' : ''}
}`;

describe('fuse-head', () => {
  it('a last-state classifier infers in one dispatch; the gradients program keeps the dense layer and softmax', () => {
    const b = compile(headSource('lstm', 8, 'dense(units=3)', 'output probs = softmax(logits)', true));
    expect(kernelsOf(b, 'infer')).toHaveLength(1);
    expect(fused(b, 'infer')).toBe(1);
    expect(fused(b, 'gradients')).toBe(0);
    expect(kernelsOf(b, 'gradients').some((k) => k.includes('softmax'))).toBe(true);
    expect(b.schedules[0]!.reason).toMatch(/dense layer and softmax .* one dispatch where there were 3 \(fuse-head\)/);
  });

  it('the stream step of a classifier is one dispatch too', () => {
    const b = compile(headSource('gru', 8, 'dense(units=3)', 'output probs = softmax(logits)', false), {});
    expect(b.programs.stream_step!.dispatches).toHaveLength(1);
    expect(fused(b, 'stream_step')).toBe(1);
  });

  it('every GPU case of the suite is fused (the cases check the fused kernel, not the separate ones)', () => {
    for (const [name, source, subgroups] of FUSED_HEADS) {
      expect(fused(compile(source, { schedule: 'persistent', subgroups }), 'infer'), name).toBe(1);
    }
  });

  it('a dense layer without softmax fuses alone; ops after the head stay separate', () => {
    const alone = compile(headSource('gru', 6, 'dense(units=4, activation=relu)', 'output logits', false));
    expect(kernelsOf(alone, 'infer')).toHaveLength(1);
    expect(alone.schedules[0]!.reason).toMatch(/runs the dense layer reading .* where there were 2/);
    const more = compile(headSource('lstm', 8, 'dense(units=3)', 'output z = exp(softmax(logits)) * 2.0', false));
    expect(fused(more, 'infer')).toBe(1);
    expect(kernelsOf(more, 'infer').length).toBeGreaterThan(1);
  });

  it('does not fuse where the head would write into memory the recurrence still reads', () => {
    // Without a loss, the first layer's output is last read by the second layer, so the memory plan
    // lets the logits reuse its slot: fine across dispatches, a race inside one (a workgroup that has
    // finished would write logits over rows another is still reading). M3's shape, with a loss, fuses.
    const slot = (b: Bundle, name: string) => b.tensors.find((t) => t.name === name)!.slot;
    const plain = compile(stacked(false));
    expect(slot(plain, 'logits')).toBe(slot(plain, 'enc1.y'));
    expect(fused(plain, 'infer')).toBe(0);
    expect(fused(compile(stacked(true)), 'infer')).toBe(1);
  });

  it('no kernel of any program touches two tensors that share a slot', () => {
    const sources = [...FUSED_HEADS.map((f) => f[1]), stacked(false), stacked(true), headSource('gru', 8, 'dense(units=3)', 'output probs = softmax(logits)', false)];
    for (const source of sources) {
      const b = compile(source);
      const slotOf = new Map(b.tensors.map((t) => [fieldName({ kind: 'offset', tensor: t.name }), t.slot]));
      for (const p of Object.values(b.programs)) {
        for (const d of p!.dispatches) {
          const fields = [...new Set([...b.kernels[d.kernel]!.wgsl.matchAll(/u\.(o_\w+)/g)].map((m) => m[1]!))];
          const slots = fields.map((f) => slotOf.get(f));
          expect(new Set(slots).size, `${b.kernels[d.kernel]!.name}: ${fields.join(', ')}`).toBe(slots.length);
        }
      }
    }
  });

  it('does not fuse where a workgroup does not hold whole rows, or there is no forward-only copy', () => {
    const bidir = `model m {
  input x: f32[batch, time, 4]
  layer enc = lstm(hidden=8, bidirectional=true)
  layer head = dense(units=3)
  output y = head(last(enc(x)))
}`;
    // The two directions of a row are computed by different workgroups.
    expect(fused(compile(bidir), 'infer')).toBe(0);
    // One dispatch per step has no forward-only copy to carry the head.
    const perStep = compile(headSource('lstm', 8, 'dense(units=3)', 'output probs = softmax(logits)', false), { schedule: 'per_step' });
    expect(fused(perStep, 'infer')).toBe(0);
    // A dense layer over every step (not the selected one) is a matmul of its own.
    const everyStep = `model m {
  input x: f32[batch, time, 4]
  layer enc = gru(hidden=8, return_sequences=true)
  layer head = dense(units=3)
  output y = head(enc(x))
}`;
    expect(fused(compile(everyStep), 'infer')).toBe(0);
  });
});
