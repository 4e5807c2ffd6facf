// Gradient-check cases for the losses, checked through the model's loss (∂loss/∂·) and through 'none'.
import type { LossNode } from '../../compiler/check/model.ts';
import { ModelBuilder } from './builder.ts';
import type { GradCase } from './cases.ts';

type Fn = LossNode['fn'];
type Reduction = LossNode['reduction'];

function lossModel(fn: Fn, reduction: Reduction, perStep: boolean, masked: boolean) {
  const C = 4;
  const b = new ModelBuilder().param('fc.weight', [C, 3]).param('fc.bias', [C]);
  const lead = perStep ? ['B', 'T'] : ['B'];
  const x = b.input('x', 'f32', [...lead, 3]);
  const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
  const target = fn === 'cross_entropy'
    ? b.input('y', 'i32', lead, { kind: 'index', bound: C })
    : b.input('y', 'f32', [...lead, C]);
  const pred = b.f([...lead, C]);
  const loss = b.f(reduction === 'none' ? ['B'] : []);
  b.node({ op: 'dense', layer: 'fc', units: C, bias: true, x, y: pred })
    .node({ op: 'loss', fn, reduction, pred, target, y: loss, ...(len !== undefined ? { lengths: len } : {}) })
    .output('loss', loss);
  if (reduction !== 'none') b.loss(loss);
  return b.build();
}

export const lossCases: GradCase[] = (['cross_entropy', 'binary_cross_entropy', 'mse'] as const).flatMap((fn) =>
  (['mean', 'sum', 'none'] as const).flatMap((reduction) => [[false, false], [true, false], [true, true]].map(([perStep, masked]): GradCase => ({
    construct: `loss ${fn} ${reduction}${perStep ? ' per step' : ''}${masked ? ' with lengths' : ''}`,
    dims: { B: 3, T: 4 },
    model: () => lossModel(fn, reduction, !!perStep, !!masked),
    ...(reduction !== 'none' ? { opts: { useLoss: true } } : {}),
  }))));
