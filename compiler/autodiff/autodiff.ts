// Reverse-mode autodiff over the tensor IR: walk the forward ops backwards and append, for each op
// whose outputs carry a gradient, the ops its rule (rules.ts) gives. Gradients of a tensor used more
// than once are summed: the first contribution assigns, later ones accumulate.
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph, TensorId } from '../ir/graph.ts';
import { RULES } from './rules.ts';

export interface GradTarget { readonly tensor: TensorId; readonly accumulate: boolean }

/** What a rule sees: the builder, and the gradient bookkeeping. */
export class GradCtx {
  private readonly grads = new Map<TensorId, TensorId>();
  private readonly written = new Set<TensorId>();

  constructor(readonly b: GraphBuilder, private readonly nonDiff: ReadonlySet<TensorId>,
              private readonly paramGrads: ReadonlyMap<TensorId, TensorId>) {}

  /** The gradient of `t` if something downstream produced one. */
  grad(t: TensorId): TensorId | undefined {
    return this.written.has(t) ? this.grads.get(t) : undefined;
  }

  /** Where to write a contribution to the gradient of `t`, or null when `t` is not differentiable. */
  target(t: TensorId): GradTarget | null {
    if (this.nonDiff.has(t)) return null;
    let g = this.grads.get(t);
    if (g === undefined) {
      const src = this.b.get(t);
      g = this.paramGrads.get(t) ?? this.b.tensor(`d.${src.name}`, src.shape);
      this.grads.set(t, g);
    }
    const accumulate = this.written.has(t);
    this.written.add(t);
    return { tensor: g, accumulate };
  }

  needsGrad(t: TensorId): boolean { return !this.nonDiff.has(t); }

  /** The gradient tensor of `t`, if one was written. */
  gradientOf(t: TensorId): TensorId | undefined { return this.grad(t); }

  /** Parameters whose gradient nothing wrote (unused parameters). */
  unwritten(): TensorId[] {
    return [...this.paramGrads.keys()].filter((p) => !this.written.has(p));
  }

  /** The loss: its gradient is the constant 1, which the loss gradient kernels apply directly. */
  seed(t: TensorId): void { this.seedTensor = t; }
  private seedTensor: TensorId | undefined;
  isSeed(t: TensorId): boolean { return this.seedTensor === t; }
}

/** The forward graph with the backward ops appended, and the gradient tensor of each differentiated tensor. */
export function appendBackward(forward: Graph, loss: TensorId, nonDiff: ReadonlySet<TensorId>,
                               paramGrads: ReadonlyMap<TensorId, TensorId>): { graph: Graph; gradientOf: (t: TensorId) => TensorId | undefined } {
  const b = new GraphBuilder(forward);
  b.phase = 'backward';
  const ctx = new GradCtx(b, nonDiff, paramGrads);
  ctx.seed(loss);
  for (let i = forward.ops.length - 1; i >= 0; i--) {
    const node = forward.ops[i]!;
    b.span = node.span;
    const rule = RULES[node.op.kind] as ((c: GradCtx, op: typeof node.op, label: string) => void) | undefined;
    if (!rule) throw new Error(`internal error (autodiff): no gradient rule for '${node.op.kind}'`);
    rule(ctx, node.op, node.label);
  }
  for (const p of ctx.unwritten()) {
    const g = paramGrads.get(p)!;
    const t = b.get(g);
    b.add({ kind: 'pointwise', fn: 'zero', x: g, y: g, size: t.shape.reduce<number>((a, c) => a * (c as number), 1),
            accumulate: false }, `zero gradient of unused ${b.get(p).name}`);
  }
  return { graph: b.build(), gradientOf: (t) => ctx.gradientOf(t) };
}
