// The `train { ... }` block → model.ts Training, with every default filled in.
import * as E from '../diagnostics/catalogue.ts';
import type { Arg, Expr, TrainStmt } from '../syntax/ast.ts';
import type { ModelContext } from './context.ts';
import type { Optimizer, Schedule, Training } from './model.ts';
import { bool, describeExpr, int, num, type OptionType } from './options.ts';
import { defaulted, optional, readOptions, required } from './read-options.ts';

const unit = num({ min: 0, max: 1, maxOpen: true });
const positive = num({ min: 0, minOpen: true });
const adamSchema = {
  lr: defaulted(positive, 0.001), beta1: defaulted(unit, 0.9), beta2: defaulted(unit, 0.999), eps: defaulted(positive, 1e-8),
};
const sgdSchema = { lr: required(positive, 'lr=0.01'), momentum: defaulted(unit, 0), nesterov: defaulted(bool, false) };
const scheduleSchema = { warmup: defaulted(int(0), 0), min_lr: defaulted(num({ min: 0 }), 0), total_steps: optional(int(1)) };
const IN_TRAIN_BLOCK = { weight_decay: 'set `weight_decay` in the train block, beside `optimizer`' };

const SETTINGS: Record<string, OptionType<unknown> | undefined> = {
  optimizer: undefined, schedule: undefined,
  clip_norm: positive, weight_decay: num({ min: 0 }), batch_size: int(1), epochs: int(1), seed: int(0),
};

export function checkTraining(ctx: ModelContext, stmt: TrainStmt): Training | undefined {
  const given = new Map<string, Expr>();
  let ok = true;
  for (const s of stmt.settings) {
    const key = s.key.name;
    const first = stmt.settings.find((t) => t.key.name === key);
    if (first !== s) { ctx.report(E.duplicateSetting(s.key.span, key, first!.span)); ok = false; continue; }
    if (!Object.hasOwn(SETTINGS, key)) { ctx.report(E.unknownSetting(s.key.span, key, Object.keys(SETTINGS))); ok = false; continue; }
    given.set(key, s.value);
  }
  const optimizer = readOptimizer(ctx, given.get('optimizer'));
  const schedule = readSchedule(ctx, given.get('schedule'));
  const read = <T>(key: string, fallback: T): T | undefined => {
    const e = given.get(key);
    return e === undefined ? fallback : (SETTINGS[key] as OptionType<T>).read(e, key, ctx);
  };
  const weightDecay = read('weight_decay', optimizer?.kind === 'adamw' ? 0.01 : 0);
  const clipNorm = read<number | undefined>('clip_norm', undefined);
  const batchSize = read('batch_size', 32), epochs = read('epochs', 10), seed = read('seed', 0);
  if (!ok || optimizer === undefined || schedule === undefined || weightDecay === undefined || batchSize === undefined
    || epochs === undefined || seed === undefined || (given.has('clip_norm') && clipNorm === undefined)) return undefined;
  return { optimizer, schedule, weightDecay, ...(clipNorm === undefined ? {} : { clipNorm }), batchSize, epochs, seed };
}

/** `adam` or `adam(lr=0.01)`: the name and its named arguments. */
function callParts(ctx: ModelContext, e: Expr, setting: string, example: string): { name: string; args: readonly Arg[]; span: Expr['span'] } | undefined {
  if (e.kind === 'name') return { name: e.name, args: [], span: e.span };
  if (e.kind === 'call') return { name: e.callee.name, args: e.args, span: e.span };
  ctx.report(E.badOptionValue(e.span, setting, `a name such as \`${example}\``, describeExpr(e)));
  return undefined;
}

function readOptimizer(ctx: ModelContext, e: Expr | undefined): Optimizer | undefined {
  if (e === undefined) return { kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const c = callParts(ctx, e, 'optimizer', 'adam(lr=0.001)');
  if (c === undefined) return undefined;
  if (c.name === 'adam' || c.name === 'adamw') {
    const r = readOptions(ctx, c.name, adamSchema, c.args, c.span, IN_TRAIN_BLOCK);
    return r === null ? undefined : { kind: c.name, ...r.values };
  }
  if (c.name === 'sgd') {
    const r = readOptions(ctx, 'sgd', sgdSchema, c.args, c.span, IN_TRAIN_BLOCK);
    if (r === null) return undefined;
    if (r.values.nesterov && r.values.momentum === 0) {
      ctx.report(E.invalidOptionCombination(r.given.get('nesterov')!.span, '`nesterov=true` needs a non-zero `momentum`'));
      return undefined;
    }
    return { kind: 'sgd', ...r.values };
  }
  ctx.report(E.unknownOptimizer(e.kind === 'call' ? e.callee.span : e.span, c.name, ['adam', 'adamw', 'sgd']));
  return undefined;
}

function readSchedule(ctx: ModelContext, e: Expr | undefined): Schedule | undefined {
  if (e === undefined) return { kind: 'constant', warmup: 0, minLr: 0 };
  const c = callParts(ctx, e, 'schedule', 'cosine(warmup=100)');
  if (c === undefined) return undefined;
  if (c.name !== 'constant' && c.name !== 'cosine' && c.name !== 'linear') {
    ctx.report(E.unknownSchedule(e.kind === 'call' ? e.callee.span : e.span, c.name, ['constant', 'cosine', 'linear']));
    return undefined;
  }
  const r = readOptions(ctx, c.name, scheduleSchema, c.args, c.span);
  if (r === null) return undefined;
  for (const key of ['min_lr', 'total_steps']) {
    const a = r.given.get(key);
    if (c.name === 'constant' && a !== undefined) {
      ctx.report(E.optionNotApplicable(a.name?.span ?? a.span, key, 'has no effect on a `constant` schedule (only `warmup` does)'));
      return undefined;
    }
  }
  const { warmup, min_lr: minLr, total_steps: totalSteps } = r.values;
  return { kind: c.name, warmup, minLr, ...(totalSteps === undefined ? {} : { totalSteps }) };
}
