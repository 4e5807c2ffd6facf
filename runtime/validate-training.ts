// Validation of the training settings: optimizer hyperparameters, the lr schedule, optimizer state size.
import type { BundleTraining } from './bundle.ts';
import { at, bool, fail, int, num, obj, oneOf } from './json-check.ts';
import type { Ctx } from './validate-context.ts';

const FIELDS = ['optimizer', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'eps', 'weightDecay', 'clipNorm',
  'schedule', 'batchSize', 'epochs', 'seed', 'stateSlots'] as const;

export function checkTraining(v: unknown, paramCount: number, ctx: Ctx): BundleTraining {
  const p = 'bundle.training';
  const o = obj(v, p, FIELDS);
  const optimizer = oneOf(at(o, 'optimizer'), `${p}.optimizer`, ['sgd', 'adam', 'adamw'] as const, 'optimizer');
  positive(at(o, 'lr'), `${p}.lr`);
  const momentum = num(at(o, 'momentum'), `${p}.momentum`, 0, 1);
  bool(at(o, 'nesterov'), `${p}.nesterov`);
  num(at(o, 'beta1'), `${p}.beta1`, 0, 1);
  num(at(o, 'beta2'), `${p}.beta2`, 0, 1);
  positive(at(o, 'eps'), `${p}.eps`);
  num(at(o, 'weightDecay'), `${p}.weightDecay`, 0);
  if (at(o, 'clipNorm') !== null) positive(at(o, 'clipNorm'), `${p}.clipNorm`);
  const s = obj(at(o, 'schedule'), `${p}.schedule`, ['kind', 'warmup', 'minLr', 'totalSteps']);
  oneOf(at(s, 'kind'), `${p}.schedule.kind`, ['constant', 'cosine', 'linear'] as const, 'schedule');
  int(at(s, 'warmup'), `${p}.schedule.warmup`, 0, 2 ** 31 - 1);
  num(at(s, 'minLr'), `${p}.schedule.minLr`, 0);
  if (at(s, 'totalSteps') !== null) int(at(s, 'totalSteps'), `${p}.schedule.totalSteps`, 1, 2 ** 31 - 1);
  int(at(o, 'batchSize'), `${p}.batchSize`, 1, 2 ** 31 - 1);
  int(at(o, 'epochs'), `${p}.epochs`, 1, 2 ** 31 - 1);
  int(at(o, 'seed'), `${p}.seed`, 0, 2 ** 32 - 1);
  const needed = optimizer === 'sgd' ? (momentum > 0 ? 1 : 0) : 2;
  const slots = int(at(o, 'stateSlots'), `${p}.stateSlots`, needed, 4);
  if (slots * paramCount * 4 > ctx.limits.maxStorageBufferBindingSize) {
    fail(`${p}.stateSlots`, `optimizer state of ${slots * paramCount * 4} bytes exceeds the device's maxStorageBufferBindingSize ${ctx.limits.maxStorageBufferBindingSize}`);
  }
  return o as unknown as BundleTraining;
}

function positive(v: unknown, path: string): number {
  const x = num(v, path, 0);
  if (x === 0) fail(path, 'expected a positive number, got 0');
  return x;
}
