// `npm run bench -- --node`: rnnc alone on Dawn in Node (the `webgpu` package), on whatever adapter Dawn
// finds: SwiftShader on a machine without a GPU, the GPU's Vulkan driver on one with a GPU. It is the
// benchmark that travels to a lent GPU machine, which has no Chromium and no network
// (scripts/device-pack.sh, spec/performance.md "On a real GPU"). Same models, same sample rule as the
// page benchmark (each sample the mean of the calls that fill 1 s, median of 3), rnnc only: the
// comparison there is PyTorch with cuDNN on the same GPU (src/bench/pytorch_rnn.py).
// Output: a Markdown table on stdout, bench/results-node.json (or --out FILE).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { releaseNodeDevice, requestNodeDevice } from '../gpu/node-webgpu.ts';
import { delta, installCounters, snapshot } from './gpu-counters.ts';
import { forwardFlops, MODELS, modelById, STREAM_MODEL, trainFlops, type BenchModel } from './models.ts';
import { fmtMs as fmt, formatRoofline, gflops, median } from './report.ts';
import { compileBench } from './rnnc-compile.ts';
import { buildRnncModel, streamSteps } from './rnnc-side.ts';
import { measureRoofline } from './roofline.ts';
import { SAMPLE_MS, timeCalls } from './sample.ts';
import { log, optionValue } from './cli.ts';

const USAGE = 'usage: npm run bench -- --node [--quick] [--model M1[,M3]] [--out FILE | --no-out]';

interface NodeOptions { models: readonly BenchModel[]; reps: number; streamSteps: number; out: string | null }

export function parseNodeOptions(argv: readonly string[], root: string): NodeOptions {
  let quick = false, out: string | null = resolve(root, 'bench', 'results-node.json');
  const ids: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const [v, last] = optionValue(argv, i, USAGE);
      i = last;
      return v;
    };
    if (a === '--quick') quick = true;
    else if (a === '--model' || a.startsWith('--model=')) ids.push(...value().split(','));
    else if (a === '--out' || a.startsWith('--out=')) out = resolve(value());
    else if (a === '--no-out') out = null;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return { models: ids.length > 0 ? ids.map(modelById) : MODELS, reps: quick ? 1 : 3, streamSteps: quick ? 16 : 64, out };
}

export interface NodeRow {
  readonly model: string; readonly title: string;
  readonly inferMs: number[]; readonly trainMs: number[];
  /** What the bundle says one run dispatches, and what one inference call was counted doing. */
  readonly inferDispatches: number; readonly trainDispatches: number; readonly measuredInferDispatches: number;
  readonly inferSubmits: number; readonly schedules: readonly string[];
}

export function nodeMarkdown(rows: readonly NodeRow[], models: readonly BenchModel[]): string {
  const lines = ['| model | inference ms | GFLOP/s | training step ms | GFLOP/s | dispatches infer · train |', '| --- | --: | --: | --: | --: | --: |'];
  for (const r of rows) {
    const m = models.find((x) => x.id === r.model)!;
    const inf = median(r.inferMs), tr = median(r.trainMs);
    lines.push(`| ${r.model} ${r.title} | ${fmt(inf)} | ${gflops(forwardFlops(m), inf).toFixed(2)} | ${fmt(tr)} | ` +
      `${gflops(trainFlops(m), tr).toFixed(2)} | ${r.inferDispatches} · ${r.trainDispatches} |`);
  }
  return lines.join('\n');
}

/**
 * Model `m` compiled for `device` (subgroup kernels where it has the feature), one untimed call of each
 * task (the inference one counted), then `reps` alternating samples of inference and of a training step; null where the back end
 * cannot compile it.
 */
export async function benchNodeModel(device: GPUDevice, m: BenchModel, root: string, reps: number, sampleMs: number): Promise<NodeRow | null> {
  const c = compileBench(m, root, undefined, device.features.has('subgroups'));
  if (!c.ok) {
    log(`  ${m.id}: not compiled: ${c.pending}`);
    return null;
  }
  installCounters();
  const r = await buildRnncModel(m, c.compiled.bundle, device);
  try {
    await r.train();
    const c0 = snapshot();
    await r.predict();
    const counted = delta(c0);                   // what one inference call asks of WebGPU
    const inferMs: number[] = [], trainMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const a = await timeCalls(() => r.predict(), sampleMs);
      const b = await timeCalls(() => r.train(), sampleMs);
      inferMs.push(a.ms);
      trainMs.push(b.ms);
      log(`  ${m.id}: inference ${fmt(a.ms)} ms (mean of ${a.calls}), training step ${fmt(b.ms)} ms (mean of ${b.calls})`);
    }
    return { model: m.id, title: m.title, inferMs, trainMs, schedules: c.compiled.schedules, inferSubmits: counted.submits,
             inferDispatches: c.compiled.programs.infer?.dispatches ?? 0, trainDispatches: c.compiled.programs.train_step?.dispatches ?? 0,
             measuredInferDispatches: counted.dispatches };
  } finally {
    r.dispose();
  }
}

/**
 * Runs the Node benchmark; returns the process exit status. The repository root is RNNC_ROOT or the
 * working directory (the bundle runs from a copy of the tree on a device machine, not where it was built).
 */
export async function main(argv: string[]): Promise<number> {
  const root = resolve(process.env.RNNC_ROOT ?? process.cwd());
  let o: NodeOptions;
  try {
    o = parseNodeOptions(argv, root);
  } catch (e) {
    log((e as Error).message);
    return 2;
  }
  const started = performance.now(), load0 = loadavg()[0]!;
  const { device, info } = await requestNodeDevice({ optionalFeatures: ['subgroups'], maxLimits: ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize'] });
  try {
    const adapter = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.replace(/\s+/g, ' ').trim();
    log(`adapter (Dawn in Node): ${adapter}`);
    const roofline = await measureRoofline(device);
    log(`roofline: ${formatRoofline(roofline)}`);
    const rows: NodeRow[] = [];
    for (const m of o.models) {
      const row = await benchNodeModel(device, m, root, o.reps, SAMPLE_MS);
      if (row) rows.push(row);
    }
    const sm = modelById(STREAM_MODEL), sc = compileBench(sm, root, undefined, device.features.has('subgroups'));
    const stream = sc.ok && sc.compiled.bundle.programs.stream_step ? await streamSteps(sm, sc.compiled.bundle, device, o.streamSteps) : null;
    const tables = `${nodeMarkdown(rows, o.models)}\n\n` + (stream
      ? `Streaming (${sm.id}, batch 1, ${stream.steps} steps): ${fmt(median(stream.stepMs))} ms/step median, ` +
        `${stream.submitsPerStep} submission(s), ${stream.perStep.dispatches} dispatches per step`
      : 'Streaming: no stream_step');
    const wallSeconds = Math.round((performance.now() - started) / 1000);
    const summary = `adapter (Dawn in Node): ${adapter}; load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}; ` +
      `median of ${o.reps} samples, each the mean of the calls that fill ${SAMPLE_MS} ms; ${wallSeconds} s`;
    process.stdout.write(`### rnnc on Dawn in Node\n\n${tables}\n\n${summary}\n`);
    if (o.out) {
      mkdirSync(dirname(o.out), { recursive: true });
      writeFileSync(o.out, `${JSON.stringify({ date: new Date().toISOString(), command: `npm run bench -- --node ${argv.join(' ')}`.trim(),
        adapter: info, roofline, rows, stream: stream && { stepMs: stream.stepMs, submitsPerStep: stream.submitsPerStep, perStep: stream.perStep },
        wallSeconds }, null, 2)}\n`);
      log(`results: ${o.out}`);
    }
    return 0;
  } finally {
    await releaseNodeDevice(device);
  }
}
