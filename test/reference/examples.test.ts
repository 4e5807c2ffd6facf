// Every example model checks, evaluates (inference and training) and differentiates in the reference.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/front.ts';
import { evaluate, gradients, initModelParams, randomInputs } from '../../src/reference/index.ts';

const dir = new URL('../../examples/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.rnn')).sort();

describe.each(files)('example %s', (file) => {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const checked = checkSource(text, file);
  it('checks', () => expect(checked.file, JSON.stringify(checked.diagnostics)).toBeDefined());
  for (const model of checked.file?.models ?? []) {
    it(`${model.name}: forward in both modes, and gradients of every parameter`, () => {
      const params = initModelParams(model, 1);
      const { inputs, dims } = randomInputs(model, 1);
      const opts = { dims: Object.fromEntries(dims) };
      const ev = evaluate(model, params, inputs, opts);
      for (const [name, t] of ev.outputs) expect(t.data.every(Number.isFinite), `output ${name} finite`).toBe(true);
      evaluate(model, params, inputs, { ...opts, training: true, seed: 3, step: 1 });
      if (model.loss !== undefined) {
        const g = gradients(model, params, inputs, { ...opts, training: true });
        expect(Number.isFinite(g.evaluation.loss)).toBe(true);
        for (const [name, t] of g.params) expect(t.data.every(Number.isFinite), `grad ${name} finite`).toBe(true);
      }
    });
  }
});
