// Pure functions over the benchmark's results: medians, ratios, GFLOP/s, the targets of
// spec/performance.md, and the Markdown tables `npm run bench` prints. No I/O, no GPU.

export type Framework = 'rnnc' | 'rnnc-per-step' | 'tfjs-webgpu' | 'tfjs-wasm' | 'ort-webgpu';
export type Task = 'infer' | 'train';

export interface Timing {
  /** Every timed sample: ms per call, the mean over the sample's calls. */
  readonly samples: number[];
  /** Calls each sample made (as many as filled the sample's time, at least one). */
  readonly calls: number[];
  /** Compute dispatches and queue submissions one repetition made (the last one's). */
  readonly dispatches: number;
  readonly submits: number;
}

export interface FrameworkResult {
  /** ok; `pending` (the compiler cannot lower it yet); `failed` (threw); `n/a` (the framework has no such model or task). */
  readonly status: 'ok' | 'pending' | 'failed' | 'n/a';
  readonly note?: string;
  readonly infer?: Timing;
  readonly train?: Timing;
  /** Why training has no timing when inference has one (e.g. tfjs wasm fails on M5). */
  readonly trainNote?: string;
  /** GPU buffer bytes the framework held for this model after the timed runs, and at most at once
   * (measured by wrapping createBuffer and GPUBuffer.destroy). */
  readonly liveBytes?: number;
  readonly peakBytes?: number;
}

export interface RnncFigures {
  /** Dispatches per run from the bundle's programs at the benchmark's sizes, and their formula. */
  readonly inferDispatches: number;
  readonly trainDispatches: number;
  readonly trainFormula: string;
  readonly plannedBytes: number;
  readonly schedules: readonly string[];
}

/** One kernel's share of a run (`--profile`): its dispatches replayed alone, median of the replays, summed. */
export interface KernelTime {
  /** The pipeline's label (rnnc: `<model>:<kernel name>`). */
  readonly kernel: string;
  readonly dispatches: number;
  readonly ms: number;
  /** Workgroups of one dispatch (the first). */
  readonly workgroups: number;
}

export interface ModelResult {
  readonly id: string;
  readonly title: string;
  readonly batch: number;
  readonly time: number;
  readonly forwardFlops: number;
  readonly trainFlops: number;
  readonly rnnc?: RnncFigures;
  /** M1 compiled with the per_step schedule (the dispatch-count target). */
  readonly rnncPerStep?: RnncFigures;
  readonly frameworks: Partial<Record<Framework, FrameworkResult>>;
  /** rnnc's time per kernel (`--profile`): each dispatch replayed alone. */
  readonly profile?: Partial<Record<Task, KernelTime[]>>;
}

export interface StreamFigures {
  readonly model: string;
  readonly steps: number;
  readonly stepMs: number[];
  readonly submitsPerStep: number;
  readonly dispatchesPerStep: number;
  readonly pipelinesPerStep: number;
  readonly bindGroupsPerStep: number;
  /** Kernel time of one step (its dispatches replayed alone); the rest is submission and readback. */
  readonly kernelMs?: number;
  readonly kernels?: KernelTime[];
  /** What the first step asked of WebGPU (the per-step figures above are over the steps after it). */
  readonly firstStep?: { readonly dispatches: number; readonly submits: number; readonly pipelines: number; readonly bindGroups: number };
}

export interface TargetCheck { readonly target: string; readonly holds: boolean | null; readonly detail: string }

/** The adapter at its best (src/bench/roofline.ts). */
export interface Roofline {
  readonly fmaGflops: number; readonly loadsF32G: number; readonly loadsVec4G: number; readonly loadsWorkgroupG: number;
  readonly memcpyGBs: number; readonly dispatchUs: number; readonly submitMs: number; readonly barrierUs: number;
}

export const formatRoofline = (r: Roofline): string =>
  `${r.fmaGflops.toFixed(1)} GFLOP/s of register FMAs; loads per second: ${r.loadsF32G.toFixed(2)} G f32 and ${r.loadsVec4G.toFixed(2)} G vec4 ` +
  `from storage, ${r.loadsWorkgroupG.toFixed(2)} G f32 from workgroup memory (copyBufferToBuffer ${r.memcpyGBs.toFixed(1)} GB/s); ` +
  `${r.dispatchUs.toFixed(0)} µs per extra dispatch, ${r.submitMs.toFixed(2)} ms per submit round trip, ` +
  `${r.barrierUs.toFixed(1)} µs per workgroupBarrier (8 workgroups × 128 threads)`;

export interface BenchResults {
  readonly date: string;
  readonly command: string;
  /** Warm-up calls, timed samples per task, and the least time a sample spans (ms). */
  readonly repetitions: { readonly warmup: number; readonly infer: number; readonly train: number; readonly sampleMs: number };
  readonly environment: Record<string, string | number | boolean>;
  readonly roofline?: Roofline;
  readonly models: ModelResult[];
  readonly stream?: StreamFigures;
  readonly targets: TargetCheck[];
  readonly wallSeconds: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const gflops = (flops: number, ms: number): number => flops / (ms * 1e6);

/** Median ms of a framework's task, or null when it has none. */
export function medianMs(r: ModelResult, fw: Framework, task: Task): number | null {
  const t = r.frameworks[fw]?.[task];
  return t && t.samples.length > 0 ? median(t.samples) : null;
}

/** How many times faster rnnc is than `fw` (other's median / rnnc's median), or null. */
export function speedup(r: ModelResult, fw: Framework, task: Task): number | null {
  const a = medianMs(r, 'rnnc', task), b = medianMs(r, fw, task);
  return a !== null && b !== null && a > 0 ? b / a : null;
}

const RECURRENT = ['M1', 'M2', 'M3', 'M4'];

/** The targets of the issue, each with whether it holds on this run (null: not measured). */
export function checkTargets(results: Pick<BenchResults, 'models' | 'stream'>): TargetCheck[] {
  const out: TargetCheck[] = [];
  const ratioTarget = (ids: string[], fw: Framework, task: Task, factor: number, label: string) => {
    const parts = ids.map((id) => {
      const m = results.models.find((x) => x.id === id);
      return { id, s: m ? speedup(m, fw, task) : null };
    });
    const measured = parts.filter((p) => p.s !== null);
    const holds = measured.some((p) => p.s! < factor) ? false : measured.length === parts.length && parts.length > 0 ? true : null;
    const detail = parts.map((p) => `${p.id} ${p.s === null ? 'not measured' : `${fmtX(p.s)}`}`).join(', ');
    out.push({ target: label, holds, detail });
  };
  ratioTarget(RECURRENT, 'tfjs-webgpu', 'train', 20, 'training step ≥ 20× faster than tfjs webgpu (M1-M4)');
  ratioTarget(['M5'], 'tfjs-webgpu', 'train', 10, 'training step ≥ 10× faster than tfjs webgpu (M5)');
  ratioTarget(RECURRENT, 'tfjs-wasm', 'train', 1, 'training step faster than tfjs wasm (M1-M4)');
  ratioTarget(RECURRENT, 'tfjs-webgpu', 'infer', 20, 'inference ≥ 20× faster than tfjs webgpu (M1-M4)');
  ratioTarget(RECURRENT, 'ort-webgpu', 'infer', 3, 'inference ≥ 3× faster than ORT WebGPU (M1-M4)');
  const m1 = results.models.find((m) => m.id === 'M1');
  if (m1?.rnncPerStep) {
    const limit = 10 + 2 * m1.time;
    out.push({ target: 'M1 dispatches per training step ≤ 10 + 2·T (per_step)', holds: m1.rnncPerStep.trainDispatches <= limit,
               detail: `${m1.rnncPerStep.trainDispatches} (${m1.rnncPerStep.trainFormula}) at T=${m1.time}; limit ${limit}` });
  }
  if (m1?.rnnc) {
    out.push({ target: 'M1 dispatches per training step ≤ 12 (persistent)', holds: m1.rnnc.trainDispatches <= 12,
               detail: `${m1.rnnc.trainDispatches} (${m1.rnnc.trainFormula})` });
  }
  const s = results.stream;
  if (s) {
    out.push({ target: 'streaming step: one submission, no per-step pipeline or bind-group creation',
               holds: s.submitsPerStep === 1 && s.pipelinesPerStep === 0 && s.bindGroupsPerStep === 0,
               detail: `${s.submitsPerStep} submission(s), ${s.pipelinesPerStep} pipelines, ${s.bindGroupsPerStep} bind groups per step` });
  }
  return out;
}

// ---- formatting ----
export const fmtMs = (ms: number | null): string => (ms === null ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
/** A speed-up, rounded down to 3 significant digits: a figure shown as 20.0× is never a missed 20× target. */
export function fmtX(x: number): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  const scale = 10 ** digits;
  return `${(Math.floor(x * scale + 1e-9) / scale).toFixed(digits)}×`;
}
const fmtG = (flops: number, ms: number | null): string => (ms === null ? '–' : gflops(flops, ms).toFixed(2));
const mib = (bytes: number | undefined): string => (bytes === undefined || bytes === 0 ? '–' : (bytes / 2 ** 20).toFixed(1));

const held = (f: FrameworkResult | undefined): string => (f?.peakBytes ? `${mib(f.liveBytes)} (${mib(f.peakBytes)})` : '–');

function cell(r: ModelResult, fw: Framework, task: Task): string {
  const f = r.frameworks[fw];
  if (!f || f.status === 'n/a') return 'n/a';
  if (f.status === 'pending') return 'pending';
  if (f.status === 'failed') return 'fails';
  if (task === 'train' && !f.train) return f.trainNote ? 'fails' : 'n/a';
  return fmtMs(medianMs(r, fw, task));
}

function ratio(r: ModelResult, fw: Framework, task: Task): string {
  const s = speedup(r, fw, task);
  return s === null ? '–' : `${(1 / s).toFixed(3)} (${fmtX(s)})`;
}

const count = (r: ModelResult, fw: Framework, task: Task): string => {
  const t = r.frameworks[fw]?.[task];
  return t ? String(t.dispatches) : '–';
};

export function markdownTables(res: Pick<BenchResults, 'models' | 'stream' | 'targets'>): string {
  const L: string[] = [];
  L.push('### Inference (predict, readback included), median ms', '',
    '| model | rnnc | tfjs webgpu | rnnc/tfjs | ORT webgpu | rnnc/ORT | tfjs wasm | rnnc/wasm | GFLOP/s rnnc · tfjs · ORT |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const r of res.models) {
    const g = (fw: Framework) => fmtG(r.forwardFlops, medianMs(r, fw, 'infer'));
    L.push(`| ${r.id} ${r.title} | ${cell(r, 'rnnc', 'infer')} | ${cell(r, 'tfjs-webgpu', 'infer')} | ${ratio(r, 'tfjs-webgpu', 'infer')} | ` +
           `${cell(r, 'ort-webgpu', 'infer')} | ${ratio(r, 'ort-webgpu', 'infer')} | ${cell(r, 'tfjs-wasm', 'infer')} | ` +
           `${ratio(r, 'tfjs-wasm', 'infer')} | ${g('rnnc')} · ${g('tfjs-webgpu')} · ${g('ort-webgpu')} |`);
  }
  L.push('', '### Training step (forward, backward, Adam update, loss read back), median ms', '',
    '| model | rnnc | tfjs webgpu | rnnc/tfjs | tfjs wasm | rnnc/wasm | GFLOP/s rnnc · tfjs webgpu · tfjs wasm |',
    '| --- | --: | --: | --: | --: | --: | --: |');
  for (const r of res.models) {
    const g = (fw: Framework) => fmtG(r.trainFlops, medianMs(r, fw, 'train'));
    L.push(`| ${r.id} ${r.title} | ${cell(r, 'rnnc', 'train')} | ${cell(r, 'tfjs-webgpu', 'train')} | ${ratio(r, 'tfjs-webgpu', 'train')} | ` +
           `${cell(r, 'tfjs-wasm', 'train')} | ${ratio(r, 'tfjs-wasm', 'train')} | ${g('rnnc')} · ${g('tfjs-webgpu')} · ${g('tfjs-wasm')} |`);
  }
  const perStep = res.models.find((r) => r.frameworks['rnnc-per-step']);
  if (perStep) {
    L.push('', `rnnc ${perStep.id} with the per_step schedule: inference ${cell(perStep, 'rnnc-per-step', 'infer')} ms, ` +
               `training step ${cell(perStep, 'rnnc-per-step', 'train')} ms.`);
  }
  L.push('', '### Dispatches per run and GPU memory', '',
    '| model | dispatches infer rnnc · tfjs · ORT | dispatches train rnnc · tfjs | rnnc train formula (schedule) | GPU MiB held (peak) rnnc · tfjs · ORT | rnnc planned MiB |',
    '| --- | --: | --: | --- | --: | --: |');
  for (const r of res.models) {
    const f = r.frameworks;
    const sched = r.rnnc?.schedules.map((s) => s.split(': ')[1]).join(', ');
    const formula = r.rnnc ? `${r.rnnc.trainFormula}${sched ? ` (${sched})` : ''}` : '–';
    const ps = r.rnncPerStep ? `; per_step: ${r.rnncPerStep.trainFormula} = ${r.rnncPerStep.trainDispatches}` : '';
    L.push(`| ${r.id} | ${count(r, 'rnnc', 'infer')} · ${count(r, 'tfjs-webgpu', 'infer')} · ${count(r, 'ort-webgpu', 'infer')} | ` +
           `${count(r, 'rnnc', 'train')} · ${count(r, 'tfjs-webgpu', 'train')} | ${formula}${ps} | ` +
           `${held(f.rnnc)} · ${held(f['tfjs-webgpu'])} · ${held(f['ort-webgpu'])} | ${mib(r.rnnc?.plannedBytes)} |`);
  }
  const s = res.stream;
  if (s) {
    const sorted = [...s.stepMs].sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))] ?? NaN;
    L.push('', `### Streaming: one time step of ${s.model} at batch 1 (model.stream().step), ${s.steps} steps`, '',
      '| median ms/step | p90 ms | submissions/step | dispatches/step | pipelines/step | bind groups/step |',
      '| --: | --: | --: | --: | --: | --: |',
      `| ${fmtMs(median(s.stepMs))} | ${fmtMs(p90)} | ${s.submitsPerStep} | ${s.dispatchesPerStep} | ${s.pipelinesPerStep} | ${s.bindGroupsPerStep} |`);
    if (s.kernels?.length) {
      L.push('', `One step's dispatches replayed alone (each pays its own submission, so small kernels read high): ` +
        s.kernels.slice(0, 4).map((k) => `${k.kernel.replace(/^(rnnc:)?[^:]*:/, '')} ${fmtMs(k.ms)} ms`).join(', ') + '.');
    }
  }
  const profiled = res.models.filter((r) => r.profile);
  if (profiled.length > 0) {
    L.push('', '### rnnc time per kernel (each dispatch replayed alone; the kernels that make up 90% of the time)', '',
      '| model | task | kernel | dispatches | workgroups | ms | share |', '| --- | --- | --- | --: | --: | --: | --: |');
    for (const r of profiled) {
      for (const task of ['infer', 'train'] as const) {
        const ks = r.profile![task] ?? [];
        const total = ks.reduce((a, k) => a + k.ms, 0);
        let acc = 0;
        for (const k of ks) {
          if (acc >= 0.9 * total) break;
          acc += k.ms;
          L.push(`| ${r.id} | ${task} | ${k.kernel.replace(/^[^:]*:/, '')} | ${k.dispatches} | ${k.workgroups} | ${fmtMs(k.ms)} | ${(100 * k.ms / total).toFixed(0)}% |`);
        }
      }
    }
  }
  L.push('', '### Targets', '');
  for (const t of res.targets) L.push(`- ${t.holds === null ? '?' : t.holds ? 'holds' : 'MISSED'}: ${t.target} — ${t.detail}`);
  return `${L.join('\n')}\n`;
}
