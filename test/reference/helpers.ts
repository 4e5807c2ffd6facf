// Small conveniences for reference tests: tensors from nested-free arrays, and one-call evaluation.
import type { CheckedModel } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { evaluate, type EvalOptions, type Evaluation } from '../../src/reference/index.ts';
import { ften, iten } from '../../src/reference/tensor.ts';

export const f = (shape: number[], data: number[]): Tensor => ften(shape, Float64Array.from(data));
export const i32 = (shape: number[], data: number[]): Tensor => iten(shape, Int32Array.from(data));

/** Parameters given as flat arrays; shapes are taken from the model's declarations. */
export function paramsOf(model: CheckedModel, values: Record<string, number[]>): Map<string, Tensor> {
  return new Map(model.params.map((p) => {
    const v = values[p.name];
    if (!v) throw new Error(`test gives no value for ${p.name}`);
    return [p.name, ften(p.shape, Float64Array.from(v))];
  }));
}

export function run(model: CheckedModel, params: Record<string, number[]>, inputs: Record<string, Tensor>, opts: EvalOptions = {}): Evaluation {
  return evaluate(model, paramsOf(model, params), new Map(Object.entries(inputs)), opts);
}

export function out(ev: Evaluation, name: string): number[] {
  const t = ev.outputs.get(name);
  if (!t) throw new Error(`no output ${name}`);
  return Array.from(t.data);
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  for (let k = 0; k < actual.length; k++) {
    if (!(Math.abs(actual[k]! - expected[k]!) <= tol)) {
      throw new Error(`element ${k}: ${actual[k]} vs expected ${expected[k]} (tolerance ${tol})\nactual:   ${Array.from(actual).join(', ')}\nexpected: ${Array.from(expected).join(', ')}`);
    }
  }
}
