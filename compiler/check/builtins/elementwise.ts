// Element-wise functions (model.ts ActivationNode) and dropout (DropoutNode).
import { option, tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { expectDtype, expectMinRank } from '../expect.ts';
import type { Activation } from '../model.ts';
import { ACTIVATIONS, num } from '../options.ts';
import { builtin, optionValue, type BuiltinDef } from './builtin.ts';

const activationFn = (fn: Activation): BuiltinDef =>
  builtin(fn, { params: [tensor('x')], usage: `${fn}(x)` }, (ctx, args, want) => {
    const x = args.tensor('x')!;
    if (!expectDtype(ctx, x, 'f32', `\`${fn}\``)) return nulls(want);
    // softmax and log_softmax normalise over the last axis, so they need one.
    if ((fn === 'softmax' || fn === 'log_softmax') && !expectMinRank(ctx, x, 1, `\`${fn}\``, '[..., classes]')) return nulls(want);
    const y = ctx.addValue(x.type, args.call.span);
    ctx.addNode({ op: 'activation', fn, x: x.id, y: y.id, span: args.call.span });
    return [y];
  });

const dropout = builtin('dropout', { params: [tensor('x'), option('p', { positional: true, required: true })], usage: 'dropout(x, p)' },
  (ctx, args, want) => {
    const x = args.tensor('x')!;
    const p = optionValue(ctx, args, 'p', num({ min: 0, max: 1, maxOpen: true }), 0);
    if (p === undefined || !expectDtype(ctx, x, 'f32', '`dropout`')) return nulls(want);
    const y = ctx.addValue(x.type, args.call.span);
    ctx.addNode({ op: 'dropout', p, x: x.id, y: y.id, span: args.call.span });
    return [y];
  });

export const ELEMENTWISE: readonly BuiltinDef[] = [...ACTIVATIONS.map(activationFn), dropout];
