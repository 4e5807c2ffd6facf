// One optimizer update, PyTorch semantics (torch.optim.SGD / Adam / AdamW, single param group, no amsgrad).
//   sgd:   d = g + wd·θ;  with momentum μ: buf = d on the first step, else buf = μ·buf + d (dampening 0);
//          d = d + μ·buf (nesterov) or d = buf;  θ ← θ − lr·d
//   adam:  g ← g + wd·θ (L2);  adamw: θ ← θ·(1 − lr·wd) (decoupled), g unchanged; then, with t = step count:
//          m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
//          θ ← θ − (lr/(1−β1^t)) · m / (sqrt(v)/sqrt(1−β2^t) + eps)
import type { Optimizer } from '../../compiler/check/model.ts';

export interface OptimizerState {
  /** Updates taken so far (Adam's t before the update). */
  step: number;
  readonly slots: Map<string, { m: Float64Array; v: Float64Array; buf?: Float64Array }>;
}

export function newOptimizerState(): OptimizerState {
  return { step: 0, slots: new Map() };
}

/** Updates `params` in place. */
export function optimizerStep(opt: Optimizer, weightDecay: number, lr: number, params: ReadonlyMap<string, Float64Array>,
  grads: ReadonlyMap<string, Float64Array>, state: OptimizerState): void {
  state.step++;
  const t = state.step;
  for (const [name, theta] of params) {
    const grad = grads.get(name);
    if (!grad) throw new Error(`optimizer: no gradient for ${name}`);
    let slot = state.slots.get(name);
    if (!slot) state.slots.set(name, (slot = { m: new Float64Array(theta.length), v: new Float64Array(theta.length) }));
    if (opt.kind === 'sgd') {
      const d = grad.map((g, i) => g + weightDecay * theta[i]!);
      if (opt.momentum !== 0) {
        if (!slot.buf) slot.buf = Float64Array.from(d);
        else for (let i = 0; i < d.length; i++) slot.buf[i] = opt.momentum * slot.buf[i]! + d[i]!;
        for (let i = 0; i < d.length; i++) d[i] = opt.nesterov ? d[i]! + opt.momentum * slot.buf[i]! : slot.buf[i]!;
      }
      for (let i = 0; i < theta.length; i++) theta[i]! -= lr * d[i]!;
      continue;
    }
    const { beta1, beta2, eps } = opt;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    for (let i = 0; i < theta.length; i++) {
      let g = grad[i]!;
      if (opt.kind === 'adam') g += weightDecay * theta[i]!;
      else theta[i]! *= 1 - lr * weightDecay;
      slot.m[i] = beta1 * slot.m[i]! + (1 - beta1) * g;
      slot.v[i] = beta2 * slot.v[i]! + (1 - beta2) * g * g;
      theta[i]! -= (lr / bc1) * (slot.m[i]! / (Math.sqrt(slot.v[i]!) / Math.sqrt(bc2) + eps));
    }
  }
}

/** PyTorch clip_grad_norm_: g ← g·min(1, clip/(‖g‖₂ + 1e-6)) over all gradients together. Returns ‖g‖₂. */
export function clipGlobalNorm(grads: ReadonlyMap<string, Float64Array>, clip: number): number {
  let sq = 0;
  for (const g of grads.values()) for (const v of g) sq += v * v;
  const norm = Math.sqrt(sq);
  const coef = Math.min(1, clip / (norm + 1e-6));
  if (coef < 1) for (const g of grads.values()) for (let i = 0; i < g.length; i++) g[i]! *= coef;
  return norm;
}
