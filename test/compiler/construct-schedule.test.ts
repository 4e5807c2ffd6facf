// The dispatch structure of the convolutional and attentive constructs, without a GPU: ConvLSTM is one
// looped dispatch per sweep; the attentive decoder's steps are multi-dispatch loop bodies (4 forward,
// 5 backward and 6 greedy dispatches per step with additive scores, one fewer with dot scores); train_step
// leaves greedy decoding out (the loss does not need it); the report counts loop bodies per step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../compiler/pipeline.ts';
import { dispatchCount, dispatchFormula } from '../../compiler/bundle/report.ts';
import type { Bundle, Program } from '../../runtime/bundle.ts';
import { decoderConfig } from './fixtures/decoder-configs.ts';
import { checkedModel } from './fixtures/reference-compare.ts';

const example = (f: string) => compileModel(checkedModel(readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8')));
/** [count, body] of each loop of a program. */
const loops = (p: Program | undefined) => (p?.dispatches ?? []).filter((d) => d.loop).map((d) => [d.loop!.count, d.loop!.body ?? 1]);
const labels = (b: Bundle, p: Program) => p.dispatches.map((d) => b.kernels[d.kernel]!.name);

describe('dispatch structure of the new constructs', () => {
  it('ConvLSTM: one looped dispatch forward, one backward; it streams with time fixed to 1', () => {
    const b = example('convlstm.rnn');
    expect(loops(b.programs.infer)).toEqual([['time', 1]]);
    expect(loops(b.programs.train_step)).toEqual([['time', 1], ['time', 1]]);
    expect(b.programs.stream_step?.dims).toEqual({ time: 1 });
    expect(dispatchCount(b.programs.stream_step!, { batch: 2, time: 1 })).toBe(6);
  });

  it('seq2seq (additive scores): decoder step bodies of 4, 5 and 6 dispatches; train_step decodes nothing greedily', () => {
    const b = example('seq2seq.rnn');
    expect(loops(b.programs.infer)).toContainEqual([24, 6]);
    expect(loops(b.programs.train_step)).toEqual(expect.arrayContaining([['tgt_time', 4], ['tgt_time', 5]]));
    expect(loops(b.programs.train_step).some(([count]) => count === 24)).toBe(false);
    expect(labels(b, b.programs.train_step!).some((n) => /greedy/.test(n))).toBe(false);
    expect(dispatchFormula(b.programs.infer)).toMatch(/\+ 6·24$/);
    expect(dispatchCount(b.programs.infer, { batch: 4, src_time: 7, tgt_time: 5 }))
      .toBe(b.programs.infer.dispatches.length - 6 + 6 * 24);
  });

  it('dot scores need no query projection: bodies of 3, 4 and 5', () => {
    const b = compileModel(checkedModel(decoderConfig('lstm', 'dot', { h0: true, masked: true }).source));
    expect(loops(b.programs.gradients)).toEqual(expect.arrayContaining([['tgt_time', 3], ['tgt_time', 4], [6, 5]]));
  });
});
