// What the validator's later sections need from its earlier ones (shared by the validate-*.ts files).
import type { BundleTensor, ProgramName } from './bundle.ts';
import { fail, str } from './json-check.ts';
import type { Limits } from './limits.ts';

export interface Ctx {
  readonly limits: Limits;
  readonly dims: ReadonlySet<string>;
  readonly tensors: ReadonlyMap<string, BundleTensor>;
  readonly programs: ReadonlySet<ProgramName>;
}

export const PROGRAM_NAMES: readonly ProgramName[] = ['infer', 'train_step', 'gradients', 'stream_step'];

export function tensorRef(v: unknown, path: string, ctx: Ctx): BundleTensor {
  const name = str(v, path);
  const t = ctx.tensors.get(name);
  if (!t) fail(path, `unknown tensor '${name.slice(0, 40)}'`);
  return t;
}
