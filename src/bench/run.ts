// `npm run bench`: rnnc against TensorFlow.js (webgpu, and wasm as the CPU reference) and ONNX Runtime
// Web (WebGPU EP, inference) on the five models of src/bench/models.ts, in one headless Chromium page
// on one adapter. Frameworks alternate repetition by repetition (the order rotates) so that drift in
// the machine's speed affects all of them. Progress goes to stderr; the Markdown tables to stdout and
// everything measured to bench/results.json. Method and current figures: spec/performance.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openGpuPage, type GpuPage } from '../gpu/browser.ts';
import { MODELS, STREAM_MODEL, forwardFlops, modelById, trainFlops, type BenchModel } from './models.ts';
import type { Measurement } from './page.ts';
import {
  checkTargets, formatRoofline, markdownTables, type BenchResults, type Framework, type FrameworkResult, type KernelTime, type ModelResult, type RnncFigures,
  type Roofline, type StreamFigures, type Task,
} from './report.ts';
import { compileBench, type Compiled, type Schedule } from './rnnc-compile.ts';
import { log, optionValue } from './cli.ts';
import { SAMPLE_MS } from './sample.ts';
import type { StreamResult } from './rnnc-side.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BenchOptions {
  readonly models: readonly BenchModel[];
  readonly warmup: number;
  readonly inferReps: number;
  readonly trainReps: number;
  /** A timed sample repeats its call until this many ms have passed and takes the mean (at least one call). */
  readonly sampleMs: number;
  readonly streamSteps: number;
  readonly frameworks: readonly Framework[];
  readonly out: string | null;
  /** Also time rnnc kernel by kernel (src/bench/profile.ts). */
  readonly profile: boolean;
}

const USAGE = `usage: npm run bench [-- --quick] [-- --model M1 [--model M2 ...]] [-- --out FILE | --no-out]
  --quick   1 warm-up and 1 timed sample per task (default: 1 warm-up, median of 3 samples, each the mean
            of the calls that fill 1 s; tfjs webgpu's first runs compile its shaders for minutes on
            SwiftShader, so more would not fit ~15 minutes)
  --model   only these models (M1..M5); the streaming case runs with M1
  --only    only these frameworks (rnnc, tfjs-webgpu, tfjs-wasm, ort-webgpu; comma separated)
  --node    rnnc alone on Dawn in Node, on whatever adapter Dawn finds (a GPU's Vulkan driver where there
            is one): src/bench/node-run.ts, which takes --quick, --model, --out, --no-out
  --profile also time rnnc kernel by kernel (each dispatch replayed alone) and print the table
  --out     where to write the JSON results (default bench/results.json)`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false, profile = false, out: string | null = resolve(ROOT, 'bench', 'results.json');
  const ids: string[] = [];
  let only: Framework[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const [v, last] = optionValue(argv, i, USAGE);
      i = last;
      return v;
    };
    if (a === '--quick') quick = true;
    else if (a === '--profile') profile = true;
    else if (a.startsWith('--model')) ids.push(...value().split(','));
    else if (a.startsWith('--only')) only = value().split(',') as Framework[];
    else if (a.startsWith('--out')) out = resolve(value());
    else if (a === '--no-out') out = null;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  const all: Framework[] = ['rnnc', 'rnnc-per-step', 'tfjs-webgpu', 'tfjs-wasm', 'ort-webgpu'];
  const frameworks = only ? all.filter((f) => only!.includes(f) || (f === 'rnnc-per-step' && only!.includes('rnnc'))) : all;
  return {
    models: ids.length > 0 ? ids.map(modelById) : MODELS, frameworks, out, profile,
    warmup: 1, inferReps: quick ? 1 : 3, trainReps: quick ? 1 : 3, sampleMs: SAMPLE_MS, streamSteps: quick ? 16 : 64,
  };
}

const short = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ').slice(0, 400);

function figures(c: Compiled): RnncFigures {
  return {
    inferDispatches: c.programs.infer?.dispatches ?? 0, trainDispatches: c.programs.train_step?.dispatches ?? 0,
    trainFormula: c.programs.train_step?.formula ?? '–', plannedBytes: c.plannedBytes, schedules: c.schedules,
  };
}

/** One framework's timed samples per task: ms per call, and the calls each sample averaged. */
interface Samples { readonly ms: number[]; readonly calls: number[] }
interface Slot {
  fw: Framework; samples: Record<Task, Samples>; last: Partial<Record<Task, Measurement>>;
  status: FrameworkResult['status']; note?: string; trainNote?: string;
}

/** Calls the page; on failure takes the page's recorded errors (so later calls work) and rethrows. */
async function pageCall<T>(page: GpuPage, fn: string, ...args: unknown[]): Promise<T> {
  try {
    return await page.call<T>('bench', fn, ...args);
  } catch (e) {
    await page.takeErrors();
    throw e;
  }
}

/** Whether rnnc compiles its subgroup kernels for this page: its device has the `subgroups` feature. */
export const pageHasSubgroups = (page: GpuPage): boolean => page.info.features.includes('subgroups');

/** Every framework in `o.frameworks` on model `m`: build, warm up, alternate timed repetitions, release. */
export async function benchModel(page: GpuPage, m: BenchModel,
                                 o: Pick<BenchOptions, 'frameworks' | 'warmup' | 'inferReps' | 'trainReps' | 'sampleMs'> & { profile?: boolean }): Promise<ModelResult> {
  const slots: Slot[] = [];
  const result: { rnnc?: RnncFigures; rnncPerStep?: RnncFigures } = {};
  const bundles = new Map<Framework, unknown>();
  for (const fw of o.frameworks) {
    if (fw === 'rnnc-per-step' && m.id !== 'M1') continue;
    const slot: Slot = { fw, samples: { infer: { ms: [], calls: [] }, train: { ms: [], calls: [] } }, last: {}, status: 'ok' };
    slots.push(slot);
    if (fw === 'ort-webgpu' && m.conv) {
      Object.assign(slot, { status: 'n/a', note: 'ONNX has no ConvLSTM operator' });
      continue;
    }
    if (fw.startsWith('rnnc')) {
      const schedule: Schedule | undefined = fw === 'rnnc-per-step' ? 'per_step' : undefined;
      const c = compileBench(m, ROOT, schedule, pageHasSubgroups(page));
      if (!c.ok) {
        Object.assign(slot, { status: 'pending', note: c.pending });
        continue;
      }
      result[fw === 'rnnc' ? 'rnnc' : 'rnncPerStep'] = figures(c.compiled);
      bundles.set(fw, c.compiled.bundle);
    }
    try {
      const { ms } = await pageCall<{ ms: number }>(page, 'prepare', fw, m, bundles.get(fw));
      log(`  ${m.id} ${fw}: ready in ${ms.toFixed(0)} ms`);
    } catch (e) {
      Object.assign(slot, { status: 'failed', note: short(e) });
      log(`  ${m.id} ${fw}: FAILED to build: ${short(e)}`);
    }
  }
  const live = () => slots.filter((s) => s.status === 'ok');
  const canTrain = (s: Slot) => s.fw !== 'ort-webgpu' && !s.trainNote;
  const once = async (s: Slot, task: Task, timed: boolean) => {
    try {
      const r = await pageCall<Measurement>(page, 'measure', s.fw, m, task, timed ? o.sampleMs : 0);
      s.last[task] = r;
      if (timed) {
        s.samples[task].ms.push(r.ms);
        s.samples[task].calls.push(r.calls);
      }
      log(`  ${m.id} ${s.fw} ${task}${timed ? '' : ' (warm-up)'}: ${r.ms.toFixed(1)} ms${r.calls > 1 ? ` (mean of ${r.calls})` : ''}, ${r.counts.dispatches} dispatches`);
    } catch (e) {
      log(`  ${m.id} ${s.fw} ${task}: FAILED: ${short(e)}`);
      if (task === 'train') s.trainNote = short(e);
      else Object.assign(s, { status: 'failed', note: short(e) });
    }
  };
  // Rotating the order each repetition spreads any drift over every framework.
  const rotate = <T>(xs: T[], k: number) => xs.map((_, i) => xs[(i + k) % xs.length]!);
  for (let w = 0; w < o.warmup; w++) {
    for (const s of live()) await once(s, 'infer', false);
    for (const s of live().filter(canTrain)) await once(s, 'train', false);
  }
  for (let r = 0; r < o.inferReps; r++) for (const s of rotate(live(), r)) await once(s, 'infer', true);
  for (let r = 0; r < o.trainReps; r++) for (const s of rotate(live().filter(canTrain), r)) await once(s, 'train', true);
  const profile: Partial<Record<Task, KernelTime[]>> = {};
  if (o.profile && live().some((s) => s.fw === 'rnnc')) {
    for (const task of ['infer', 'train'] as const) {
      try {
        profile[task] = await pageCall<KernelTime[]>(page, 'profile', 'rnnc', m, task);
      } catch (e) {
        log(`  ${m.id} rnnc profile ${task}: FAILED: ${short(e)}`);
      }
    }
  }
  const frameworks: Partial<Record<Framework, FrameworkResult>> = {};
  for (const s of slots) {
    let bytes: { liveBytes: number; peakBytes: number } | undefined;
    if (s.status !== 'n/a' && s.status !== 'pending') {
      try {
        bytes = await pageCall<{ liveBytes: number; peakBytes: number }>(page, 'release', s.fw, m);
      } catch (e) {
        log(`  ${m.id} ${s.fw}: release failed: ${short(e)}`);
      }
    }
    const timing = (task: Task) => {
      const last = s.last[task], { ms, calls } = s.samples[task];
      return last && ms.length > 0 ? { samples: ms, calls, dispatches: last.counts.dispatches, submits: last.counts.submits } : undefined;
    };
    const infer = timing('infer'), train = s.fw === 'ort-webgpu' ? undefined : timing('train');
    frameworks[s.fw] = {
      status: s.status, ...(s.note ? { note: s.note } : {}), ...(infer ? { infer } : {}), ...(train ? { train } : {}),
      ...(s.trainNote ? { trainNote: s.trainNote } : {}), ...(bytes?.peakBytes ? bytes : {}),
    };
  }
  return { id: m.id, title: m.title, batch: m.batch, time: m.time, forwardFlops: forwardFlops(m), trainFlops: trainFlops(m), ...result, frameworks,
           ...(o.profile ? { profile } : {}) };
}

/** The streaming case: `steps` single time steps of `m` at batch 1. */
export async function benchStream(page: GpuPage, steps: number, m: BenchModel = modelById(STREAM_MODEL)): Promise<StreamFigures | undefined> {
  const c = compileBench(m, ROOT, undefined, pageHasSubgroups(page));
  if (!c.ok || !c.compiled.bundle.programs.stream_step) return undefined;
  const r = await pageCall<StreamResult>(page, 'stream', m, c.compiled.bundle, steps);
  log(`  stream ${m.id}: ${r.steps} steps, ${r.submitsPerStep} submits/step`);
  return {
    model: `${m.id} (LSTM(128), batch 1)`, steps: r.steps, stepMs: r.stepMs, submitsPerStep: r.submitsPerStep,
    dispatchesPerStep: r.perStep.dispatches, pipelinesPerStep: r.perStep.pipelines, bindGroupsPerStep: r.perStep.bindGroups,
    kernelMs: r.kernelMs, kernels: r.kernels, firstStep: r.firstStep,
  };
}

/** The benchmark's page: every framework's code, ORT's and tfjs-wasm's files served beside it. */
export async function openBenchPage(): Promise<GpuPage> {
  // SharedArrayBuffer without cross-origin isolation headers (which the harness's server does not send),
  // so tfjs' wasm backend can load its threaded build, as on a site serving COOP/COEP.
  const browser = await launchBrowser({ args: ['--enable-features=SharedArrayBuffer'] });
  try {
    const page = await openGpuPage({
      browser,
      features: ['subgroups'],
      bundles: { bench: 'src/bench/page.ts' },
      mounts: { ort: resolve(ROOT, 'node_modules/onnxruntime-web/dist'), 'tfjs-wasm': resolve(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') },
    });
    const close = page.close.bind(page);
    page.close = async () => {                                          // closing the page closes its browser too
      await close();
      await browser.close();
    };
    return page;
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Runs the benchmark; returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseOptions(argv);
  } catch (e) {
    log(short(e));
    return 2;
  }
  const started = performance.now();
  const load0 = loadavg()[0]!;
  const page = await openBenchPage();
  try {
    log(`adapter: ${page.info.vendor} ${page.info.architecture} ${page.info.description}`);
    const roof = await pageCall<Roofline>(page, 'roofline');
    log(`roofline: ${formatRoofline(roof)}`);
    const models: ModelResult[] = [];
    for (const m of o.models) {
      log(`${m.id} ${m.title}: batch ${m.batch}, ${m.time} steps`);
      models.push(await benchModel(page, m, o));
    }
    const stream = o.frameworks.includes('rnnc') ? await benchStream(page, o.streamSteps) : undefined;
    const env = await pageCall<Record<string, string | number | boolean>>(page, 'environment');
    const ortNotes = page.console.filter((l) => /not assigned to the preferred execution providers/i.test(l));
    const results: BenchResults = {
      date: new Date().toISOString(),
      command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
      repetitions: { warmup: o.warmup, infer: o.inferReps, train: o.trainReps, sampleMs: o.sampleMs },
      environment: {
        ...env, cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, node: process.version,
        loadAverageStart: Number(load0.toFixed(2)), loadAverageEnd: Number(loadavg()[0]!.toFixed(2)),
        ortCpuFallback: ortNotes.length > 0 ? ortNotes[0]!.slice(0, 300) : 'none reported',
      },
      roofline: roof, models, ...(stream ? { stream } : {}), targets: checkTargets({ models, ...(stream ? { stream } : {}) }),
      wallSeconds: Math.round((performance.now() - started) / 1000),
    };
    process.stdout.write(`## rnnc benchmark — ${results.date}\n\n`);
    process.stdout.write(`adapter: ${String(env.harness)}; tfjs webgpu: ${String(env.tfjsWebgpu)}; ORT: ${String(env.ort)}; ` +
      `tfjs wasm threads: ${String(env.tfjsWasmThreads)}; ${results.environment.cpu}; load average ${load0.toFixed(2)} → ` +
      `${loadavg()[0]!.toFixed(2)}; ${o.warmup} warm-up, median of ${o.inferReps} (inference) / ${o.trainReps} (training) samples, ` +
      `each the mean of the calls that fill ${o.sampleMs} ms; ` +
      `${results.wallSeconds} s\n\nadapter at its best (src/bench/roofline.ts): ${formatRoofline(roof)}\n\n`);
    process.stdout.write(markdownTables(results));
    if (o.out) {
      mkdirSync(dirname(o.out), { recursive: true });
      writeFileSync(o.out, `${JSON.stringify(results, null, 1)}\n`);
      log(`results: ${o.out}`);
    }
    return 0;
  } finally {
    await page.close();
  }
}
