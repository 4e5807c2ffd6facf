// cross_entropy, binary_cross_entropy and mse (model.ts LossNode).
import * as E from '../../diagnostics/catalogue.ts';
import { option, tensor } from '../bind-args.ts';
import { nulls, type Args } from '../callable.ts';
import type { ModelContext } from '../context.ts';
import { checkLengths, constDim, expectDtype, expectMinRank, expectShape } from '../expect.ts';
import type { Dim, LossNode } from '../model.ts';
import type { Operand, Result } from '../operand.ts';
import { useAsIndex } from '../roles.ts';
import { oneOf } from '../options.ts';
import { sameShape, showShape } from '../shape.ts';
import { builtin, optionValue, type BuiltinDef } from './builtin.ts';

type Fn = LossNode['fn'];
const TARGET: Record<Fn, [string, string]> = {
  cross_entropy: ['logits', 'labels'], binary_cross_entropy: ['logits', 'targets'], mse: ['pred', 'target'],
};
const reduction = oneOf(['mean', 'sum', 'none']);

const loss = (fn: Fn): BuiltinDef => {
  const [predName, targetName] = TARGET[fn];
  const usage = `${fn}(${predName}, ${targetName}, lengths=?, reduction=mean)`;
  return builtin(fn, {
    params: [tensor(predName), tensor(targetName), tensor('lengths', { named: true }), option('reduction')], usage,
  }, (ctx, args, want) => {
    const pred = args.tensor(predName)!, target = args.tensor(targetName)!;
    const red = optionValue(ctx, args, 'reduction', reduction, 'mean');
    if (red === undefined) return nulls(want);
    const ok = fn === 'cross_entropy' ? checkCrossEntropy(ctx, pred, target) : checkSameShape(ctx, fn, pred, target, predName, targetName);
    if (!ok || !checkMask(ctx, fn, args, pred)) return nulls(want);
    return [emit(ctx, fn, red, pred, target, args)];
  });
};

function checkCrossEntropy(ctx: ModelContext, logits: Operand, labels: Operand): boolean {
  const r = logits.type.shape.length;
  if (!expectDtype(ctx, logits, 'f32', '`cross_entropy` logits')) return false;
  if (r !== 2 && r !== 3) {
    ctx.report(E.rankMismatch(logits.span, '`cross_entropy`', 'logits [batch, classes] or [batch, time, classes]', showShape(logits.type.shape)));
    return false;
  }
  const what = '`cross_entropy` labels';
  if (!expectDtype(ctx, labels, 'i32', what) || !expectShape(ctx, labels, logits.type.shape.slice(0, -1), what)) return false;
  const classes = constDim(ctx, logits, -1, 'the number of classes of `cross_entropy`');
  if (classes === undefined) return false;
  useAsIndex(ctx, labels, classes);
  return true;
}

function checkSameShape(ctx: ModelContext, fn: Fn, pred: Operand, target: Operand, predName: string, targetName: string): boolean {
  const okP = expectDtype(ctx, pred, 'f32', `\`${fn}\` ${predName}`), okT = expectDtype(ctx, target, 'f32', `\`${fn}\` ${targetName}`);
  if (!okP || !okT || !expectMinRank(ctx, pred, 1, `\`${fn}\``, '[batch, ...]')) return false;
  if (sameShape(target.type.shape, pred.type.shape)) return true;
  const hint = fn === 'binary_cross_entropy' ? 'one 0/1 target per logit: e.g. `input label: f32[batch, 1]` for `dense(units=1)` logits' : undefined;
  ctx.report(E.shapeMismatch(target.span, `the ${targetName} of \`${fn}\` must have the shape of its ${predName} ${showShape(pred.type.shape)}, but it has ${showShape(target.type.shape)}`, hint));
  return false;
}

/** `lengths` masks steps of [batch, time, ...]; class-level cross_entropy has no time axis. */
function checkMask(ctx: ModelContext, fn: Fn, args: Args, pred: Operand): boolean {
  const lengths = args.tensor('lengths');
  if (lengths === undefined) return true;
  const needed = fn === 'cross_entropy' ? 3 : 2;
  if (pred.type.shape.length < needed) {
    ctx.report(E.optionNotApplicable(args.option('lengths')?.span ?? lengths.span, 'lengths',
      `masks time steps, but \`${fn}\` here has no time axis (${showShape(pred.type.shape)})`));
    return false;
  }
  const [B, T] = pred.type.shape as [Dim, Dim];
  return checkLengths(ctx, lengths, B, T, `\`lengths\` of \`${fn}\``);
}

function emit(ctx: ModelContext, fn: Fn, red: LossNode['reduction'], pred: Operand, target: Operand, args: Args): Result {
  const y = ctx.addValue({ dtype: 'f32', shape: red === 'none' ? [pred.type.shape[0]!] : [] }, args.call.span);
  ctx.addNode({ op: 'loss', fn, reduction: red, pred: pred.id, target: target.id, lengths: args.tensor('lengths')?.id, y: y.id, span: args.call.span });
  return y;
}

export const LOSSES: readonly BuiltinDef[] = [loss('cross_entropy'), loss('binary_cross_entropy'), loss('mse')];
