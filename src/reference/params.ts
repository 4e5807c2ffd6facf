// Parameters for a model from its declared initialisers (runtime/init.ts), as float64 tensors.
import type { CheckedModel } from '../../compiler/check/model.ts';
import { initParam } from '../../runtime/init.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { ften } from './tensor.ts';

export function initModelParams(model: CheckedModel, seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of model.params) out.set(p.name, ften(p.shape, initParam(p, seed)));
  return out;
}
