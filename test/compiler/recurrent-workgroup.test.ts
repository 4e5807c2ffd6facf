// The persistent forward recurrence's workgroup-memory layout (compiler/codegen/kernels/recurrent-workgroup.ts):
// which kernels keep their states as vec4 and stage their inputs, and that every kernel stays within the
// workgroup-memory budget it was compiled for. Whether the kernels compute the right thing is the GPU
// tier's (test/gpu/compiler-node.test.ts and compiler-browser.test.ts, with and without subgroups).
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../compiler/pipeline.ts';
import { checked } from './fixtures/suite.ts';

const stacked = (hidden: number, features: number, cell = 'lstm') => `model m {
  input x: f32[batch, time, ${features}]
  layer enc1 = ${cell}(hidden=${hidden}, return_sequences=true)
  layer enc2 = ${cell}(hidden=${hidden})
  layer head = dense(units=3)
  output y = head(enc2(enc1(x)))
}`;

/** The forward-only recurrence kernels of the infer program, in dispatch order. */
function inferRecurrences(source: string, subgroups: boolean) {
  const bundle = compileModel(checked(source, 'm.rnn'), { subgroups });
  return bundle.programs.infer!.dispatches.map((d) => bundle.kernels[d.kernel]!).filter((k) => k.name.includes('recurrence'));
}
const arrays = (wgsl: string) => [...wgsl.matchAll(/var<workgroup> (\w+): array<([^,]+), (\d+)>/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);

describe('persistent forward layout in workgroup memory', () => {
  it('with subgroups: vec4 states, and the input rows staged beside them (M3: the second layer fills 16 KB)', () => {
    const [enc1, enc2] = inferRecurrences(stacked(128, 32), true);
    expect(arrays(enc1!.wgsl)).toEqual(['hsh4:vec4<f32>:512', 'xsh4:vec4<f32>:128']);
    expect(arrays(enc2!.wgsl)).toEqual(['hsh4:vec4<f32>:512', 'xsh4:vec4<f32>:512']);
    expect(enc2!.workgroupBytes).toBe(16384);
  });

  it('without subgroups: the f32 states, inputs read from storage', () => {
    for (const k of inferRecurrences(stacked(128, 32), false)) expect(arrays(k.wgsl)).toEqual(['hsh:f32:2048']);
  });

  it('stages no input that would not fit, or is not whole vectors', () => {
    // H = 132: 16 sequences' states (8.4 KB) and the first layer's 32-wide rows fit; with the second
    // layer's 132-wide rows they would need 16.9 KB, so that layer reads its input from storage.
    const [wide1, wide2] = inferRecurrences(stacked(132, 32), true);
    expect(arrays(wide1!.wgsl)).toEqual(['hsh4:vec4<f32>:528', 'xsh4:vec4<f32>:128']);
    expect(arrays(wide2!.wgsl)).toEqual(['hsh4:vec4<f32>:528']);
    const odd = inferRecurrences(stacked(8, 6), true);               // first layer's input 6 wide: read from storage
    expect(arrays(odd[0]!.wgsl)).toEqual(['hsh4:vec4<f32>:32']);
    expect(arrays(odd[1]!.wgsl)).toEqual(['hsh4:vec4<f32>:32', 'xsh4:vec4<f32>:32']);
  });

  it('keeps f32 states where H is not a multiple of 4', () => {
    for (const k of inferRecurrences(stacked(6, 4, 'gru'), true)) expect(arrays(k.wgsl)[0]).toBe('hsh:f32:96');
  });

  it('every kernel of every program stays within the 16 KB budget', () => {
    for (const [h, f] of [[128, 32], [128, 128], [132, 32], [64, 32]] as const) {
      const bundle = compileModel(checked(stacked(h, f), 'm.rnn'), { subgroups: true });
      for (const k of bundle.kernels) expect(k.workgroupBytes ?? 0, `${k.name} at H=${h}`).toBeLessThanOrEqual(16384);
    }
  });
});
