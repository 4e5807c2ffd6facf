// Finite-difference gradient checks for the reference.
//
// The checked function is L = Σ_outputs ⟨c_o, y_o⟩ with fixed random cotangents c_o on every float output
// (or the model's own loss when `useLoss`), so every output and every path into it is exercised.
// Numeric gradients are central differences, (L(θ + h·e_i) − L(θ − h·e_i)) / 2h with h = 1e-5, in float64.
// Error of one gradient tensor (analytic a, numeric n):
//     err = max_i |a_i − n_i| / max(1e-8, max_i |a_i| + max_i |n_i|)
// i.e. the worst element's error relative to the tensor's gradient scale, so that a single wrong element
// is caught while elements that are (structurally) zero do not divide by zero.
import type { CheckedModel, ValueId } from '../../compiler/check/model.ts';
import { RandomStream } from '../../runtime/random.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { evaluate, gradients } from '../../src/reference/index.ts';
import { randomInputs } from '../../src/reference/random-inputs.ts';
import { ften } from '../../src/reference/tensor.ts';

export interface GradCheckOptions {
  readonly seed?: number;
  readonly dims?: Record<string, number>;
  readonly training?: boolean;
  readonly inputs?: Map<string, Tensor>;
  readonly useLoss?: boolean;
  readonly h?: number;
  /** Parameter draws are N(0, paramStd²). */
  readonly paramStd?: number;
  /** Adjust the drawn parameters in place (e.g. to steer a greedy decode away from eos). */
  readonly tweakParams?: (params: Map<string, Tensor>) => void;
}

export interface GradCheckResult {
  /** The largest error over all parameters and float inputs. */
  readonly maxError: number;
  /** Error per parameter / input name (inputs prefixed `input.`). */
  readonly errors: Map<string, number>;
  readonly inputs: Map<string, Tensor>;
  readonly params: Map<string, Tensor>;
}

export function randomParams(model: CheckedModel, seed: number, std = 0.5): Map<string, Tensor> {
  return new Map(model.params.map((p) => {
    const rng = RandomStream.forName(seed, `param:${p.name}`);
    const n = p.shape.reduce((a, b) => a * b, 1);
    return [p.name, ften(p.shape, Float64Array.from({ length: n }, () => std * rng.normal()))];
  }));
}

export function relError(a: ArrayLike<number>, n: ArrayLike<number>): number {
  let diff = 0;
  let ma = 0;
  let mn = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - n[i]!));
    ma = Math.max(ma, Math.abs(a[i]!));
    mn = Math.max(mn, Math.abs(n[i]!));
  }
  return diff / Math.max(1e-8, ma + mn);
}

export function gradCheck(model: CheckedModel, opts: GradCheckOptions = {}): GradCheckResult {
  const seed = opts.seed ?? 1;
  const h = opts.h ?? 1e-5;
  const inputs = opts.inputs ?? randomInputs(model, seed, opts.dims).inputs;
  const params = randomParams(model, seed, opts.paramStd);
  opts.tweakParams?.(params);
  const evalOpts = { training: opts.training ?? false, seed: 7, step: 3, dims: opts.dims };

  // Cotangents: fixed random weights on every float output, or the loss.
  const base = evaluate(model, params, inputs, evalOpts);
  const cot = new Map<ValueId, Float64Array>();
  if (opts.useLoss) {
    cot.set(model.loss!, Float64Array.of(1));
  } else {
    const rng = RandomStream.forName(seed, 'cotangents');
    for (const o of model.outputs) {
      const v = base.values.get(o.value)!;
      if (v.dtype === 'f64' && !cot.has(o.value)) cot.set(o.value, Float64Array.from(v.data, () => rng.normal()));
    }
  }
  const objective = (p: Map<string, Tensor>, x: Map<string, Tensor>): number => {
    const ev = evaluate(model, p, x, evalOpts);
    let s = 0;
    for (const [id, c] of cot) {
      const v = ev.values.get(id)!.data;
      for (let i = 0; i < c.length; i++) s += c[i]! * v[i]!;
    }
    return s;
  };
  const analytic = gradients(model, params, inputs, { ...evalOpts, cotangents: cot });

  const errors = new Map<string, number>();
  const numeric = (t: Tensor, rebuild: (d: Float64Array) => number): Float64Array => {
    const out = new Float64Array(t.data.length);
    const d = Float64Array.from(t.data);
    for (let i = 0; i < d.length; i++) {
      const x0 = d[i]!;
      d[i] = x0 + h;
      const up = rebuild(d);
      d[i] = x0 - h;
      const down = rebuild(d);
      d[i] = x0;
      out[i] = (up - down) / (2 * h);
    }
    return out;
  };
  for (const [name, t] of params) {
    const num = numeric(t, (d) => objective(new Map(params).set(name, ften(t.shape, d)), inputs));
    errors.set(name, relError(analytic.params.get(name)!.data, num));
  }
  for (const [name, t] of inputs) {
    if (t.dtype === 'i32') continue;
    const num = numeric(t, (d) => objective(params, new Map(inputs).set(name, ften(t.shape, d))));
    errors.set(`input.${name}`, relError(analytic.inputs.get(name)!.data, num));
  }
  let maxError = 0;
  for (const e of errors.values()) maxError = Math.max(maxError, e);
  return { maxError, errors, inputs, params };
}

/** Largest error per construct, shared by the test files' summary tables. */
export const errorTable = new Map<string, number>();

export function record(construct: string, r: GradCheckResult): void {
  errorTable.set(construct, Math.max(errorTable.get(construct) ?? 0, r.maxError));
}

export function printTable(title: string): void {
  const rows = [...errorTable].map(([k, v]) => `| ${k.padEnd(72)} | ${v.toExponential(2).padStart(9)} |`);
  console.log([`${title}`, `| ${'construct'.padEnd(72)} | ${'max error'.padStart(9)} |`, `|${'-'.repeat(74)}|${'-'.repeat(11)}|`, ...rows].join('\n'));
}

/**
 * Finite differences of the model's loss at sampled coordinates, for models too big to check every
 * element: per parameter and float input, the element with the largest analytic gradient and (unless
 * `cheap`) one random element. h = 1e-6: real models have many relu and max-pool kinks, and a larger step
 * crosses one (seen with h = 1e-5 on the 24×24 CNN example; at 1e-6 it agrees to 5e-10). Per coordinate,
 * err = |a − n| / max(1e-3, |a| + |n|): the floor keeps near-zero random coordinates from dividing
 * roundoff (about ε·|L|/h ≈ 1e-10) by nothing.
 */
export function sampledGradCheck(model: CheckedModel, params: Map<string, Tensor>, inputs: Map<string, Tensor>,
  opts: { training: boolean; dims: Record<string, number>; cheap?: boolean; seed?: number }): GradCheckResult {
  const h = 1e-6;
  const evalOpts = { training: opts.training, seed: 5, step: 2, dims: opts.dims };
  const analytic = gradients(model, params, inputs, evalOpts);
  const loss = (p: Map<string, Tensor>, x: Map<string, Tensor>): number => evaluate(model, p, x, evalOpts).loss!;
  const rng = RandomStream.forName(opts.seed ?? 1, 'coordinates');
  const errors = new Map<string, number>();
  const probe = (name: string, t: Tensor, g: Float64Array, at: (d: Float64Array) => number): void => {
    let big = 0;
    for (let i = 1; i < g.length; i++) if (Math.abs(g[i]!) > Math.abs(g[big]!)) big = i;
    const coords = opts.cheap || g.length === 1 ? [big] : [big, rng.below(g.length)];
    let worst = 0;
    for (const i of coords) {
      const d = Float64Array.from(t.data);
      d[i] = t.data[i]! + h;
      const up = at(d);
      d[i] = t.data[i]! - h;
      const num = (up - at(d)) / (2 * h);
      worst = Math.max(worst, Math.abs(num - g[i]!) / Math.max(1e-3, Math.abs(num) + Math.abs(g[i]!)));
    }
    errors.set(name, worst);
  };
  for (const [name, t] of params) {
    probe(name, t, analytic.params.get(name)!.data, (d) => loss(new Map(params).set(name, ften(t.shape, d)), inputs));
  }
  for (const [name, t] of inputs) {
    if (t.dtype === 'i32') continue;
    probe(`input.${name}`, t, analytic.inputs.get(name)!.data, (d) => loss(params, new Map(inputs).set(name, ften(t.shape, d))));
  }
  let maxError = 0;
  for (const e of errors.values()) maxError = Math.max(maxError, e);
  return { maxError, errors, inputs, params };
}
