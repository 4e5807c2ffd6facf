// Node side: compiles a benchmark .rnn file into a bundle and reads off what the bundle says about
// itself at the benchmark's sizes: dispatches per program (looped dispatches counted per step) and
// planned GPU memory. A model the WebGPU back end cannot lower yet comes back as `pending`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkSource, formatDiagnostics, hasErrors } from '../../compiler/front.ts';
import { dispatchCount, dispatchFormula, memoryFigures } from '../../compiler/bundle/report.ts';
import { compileModel } from '../../compiler/pipeline.ts';
import type { Bundle, ProgramName } from '../../runtime/bundle.ts';
import type { BenchModel } from './models.ts';

export type Schedule = 'per_step' | 'persistent';

export interface ProgramFigures { readonly dispatches: number; readonly formula: string }

export interface Compiled {
  readonly bundle: Bundle;
  readonly schedule: Schedule | 'auto';
  readonly programs: Partial<Record<ProgramName, ProgramFigures>>;
  /** Planned bytes at the benchmark's sizes: activation arena, params + grads, optimizer state. */
  readonly plannedBytes: number;
  /** The compiler's schedule choice for each recurrence that has one (not the stream_step line). */
  readonly schedules: readonly string[];
}

export type CompileOutcome = { readonly ok: true; readonly compiled: Compiled } | { readonly ok: false; readonly pending: string };

export function compileBench(m: BenchModel, root: string, schedule?: Schedule, subgroups = false): CompileOutcome {
  const path = resolve(root, m.file);
  const text = readFileSync(path, 'utf8');
  const checked = checkSource(text, m.file);
  if (!checked.file || hasErrors(checked.diagnostics)) throw new Error(formatDiagnostics(checked.diagnostics, text, m.file));
  const model = checked.file.models[0]!;
  let bundle: Bundle;
  try {
    bundle = compileModel(model, { ...(schedule ? { schedule } : {}), subgroups });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/not supported by the WebGPU back end/.test(msg)) return { ok: false, pending: msg };
    throw e;
  }
  const dims = { batch: m.batch, time: m.time };
  const programs: Partial<Record<ProgramName, ProgramFigures>> = {};
  for (const [name, p] of Object.entries(bundle.programs) as [ProgramName, Bundle['programs'][ProgramName]][]) {
    if (p) programs[name] = { dispatches: dispatchCount(p, dims), formula: dispatchFormula(p) };
  }
  const mem = memoryFigures(bundle, dims);
  return {
    ok: true,
    compiled: {
      bundle, schedule: schedule ?? 'auto', programs, plannedBytes: mem.arenaBytes + mem.paramBytes + mem.optimizerBytes,
      schedules: bundle.schedules.filter((s) => s.layer !== 'stream_step').map((s) => `${s.layer}: ${s.choice}`),
    },
  };
}
