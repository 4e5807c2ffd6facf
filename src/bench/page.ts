// The benchmark's page entry (bundled by the harness, src/gpu/browser.ts): every framework runs in this
// one page, on the page's one adapter. Node drives it call by call (src/bench/run.ts), alternating the
// frameworks; each measure() times one inference or training step inside the page, readback included.
import type { PageContext } from '../gpu/page-harness.ts';
import { delta, installCounters, liveBytes, peakBytes, setOwner, snapshot, type Counts } from './gpu-counters.ts';
import type { BenchModel } from './models.ts';
import type { Framework, KernelTime, Task } from './report.ts';
import { buildOrtModel, ortAdapter } from './ort-side.ts';
import { profileKernels } from './profile.ts';
import { measureRoofline, type Roofline } from './roofline.ts';
import { buildRnncModel, streamSteps, type StreamResult } from './rnnc-side.ts';
import { timeCalls } from './sample.ts';
import { buildTfModel, useBackend, wasmThreads, webgpuAdapter } from './tfjs-side.ts';


interface Runner { predict(): Promise<void>; train?(): Promise<number>; dispose(): void | Promise<void> }

installCounters();
const prepared = new Map<string, Runner>();
const url = (path: string) => new URL(path, location.href).href;
const tfBackend = (fw: Framework) => (fw === 'tfjs-wasm' ? 'wasm' : 'webgpu');

/** Builds model `m` in framework `fw` (rnnc needs its compiled bundle); warming it up is the caller's. */
export async function prepare(ctx: PageContext, fw: Framework, m: BenchModel, bundle?: unknown): Promise<{ ms: number }> {
  setOwner(`${fw}/${m.id}`);
  const t0 = performance.now();
  let r: Runner;
  if (fw === 'rnnc' || fw === 'rnnc-per-step') r = await buildRnncModel(m, bundle, ctx.device);
  else if (fw === 'ort-webgpu') r = await buildOrtModel(m, url('/ort/'));
  else {
    await useBackend(tfBackend(fw), url('/tfjs-wasm/'));
    r = buildTfModel(m);
  }
  prepared.set(`${fw}/${m.id}`, r);
  return { ms: performance.now() - t0 };
}

/** `ms` per call, the mean over `calls` consecutive calls; `counts` are the first call's. */
export interface Measurement { ms: number; calls: number; counts: Counts; loss: number | null }

/**
 * Times inference (predict + readback) or a training step (loss read back) of a prepared model: one call,
 * then more until `minMs` have passed, and returns the mean per call. A call of 100 ms is otherwise one
 * draw of the machine's noise (cache contention on a shared host moves one call of rnnc's M1 by up to 2×,
 * spec/performance.md), while a call of tfjs webgpu's (1-20 s) already averages over it.
 */
export async function measure(_ctx: PageContext, fw: Framework, m: BenchModel, task: Task, minMs = 0): Promise<Measurement> {
  const key = `${fw}/${m.id}`;
  const r = prepared.get(key);
  if (!r) throw new Error(`${key} was not prepared`);
  setOwner(key);
  if (fw.startsWith('tfjs')) await useBackend(tfBackend(fw), url('/tfjs-wasm/'));
  if (task === 'train' && !r.train) throw new Error(`${fw} does not train`);
  const call = async () => (task === 'train' ? await r.train!() : (await r.predict(), null));
  const c0 = snapshot();
  let counts: Counts | null = null;
  const s = await timeCalls(call, minMs, () => { counts = delta(c0); });
  return { ms: s.ms, calls: s.calls, counts: counts!, loss: s.last };
}

/** Time per kernel of one run of a prepared rnnc model (src/bench/profile.ts). */
export async function profile(ctx: PageContext, fw: Framework, m: BenchModel, task: Task): Promise<KernelTime[]> {
  const r = prepared.get(`${fw}/${m.id}`);
  if (!r || !fw.startsWith('rnnc')) throw new Error(`${fw}/${m.id}: only prepared rnnc models can be profiled`);
  setOwner(`${fw}/${m.id}`);
  return profileKernels(ctx.device, () => (task === 'train' ? r.train!() : r.predict()));
}

/** Disposes a prepared model; returns the GPU bytes its framework held for it just before (after the
 * timed runs: the steady state) and at its peak (which includes buffers retired when one grew). */
export async function release(_ctx: PageContext, fw: Framework, m: BenchModel): Promise<{ liveBytes: number; peakBytes: number }> {
  const key = `${fw}/${m.id}`;
  const r = prepared.get(key);
  const live = liveBytes(key);
  if (r) {
    if (fw.startsWith('tfjs')) await useBackend(tfBackend(fw), url('/tfjs-wasm/'));
    await r.dispose();
    prepared.delete(key);
  }
  setOwner('none');
  return { liveBytes: live, peakBytes: peakBytes(key) };
}

export async function stream(ctx: PageContext, m: BenchModel, bundle: unknown, steps: number): Promise<StreamResult> {
  setOwner('rnnc/stream');
  return streamSteps(m, bundle, ctx.device, steps);
}

/** What the adapter can do at best (src/bench/roofline.ts). */
export async function roofline(ctx: PageContext): Promise<Roofline> {
  setOwner('roofline');
  return measureRoofline(ctx.device);
}

/** Which adapter each framework ended up on, and the wasm backend's threads. */
export async function environment(ctx: PageContext): Promise<Record<string, string | number | boolean>> {
  return {
    harness: `vendor=${ctx.info.vendor} architecture=${ctx.info.architecture} description=${ctx.info.description}`,
    tfjsWebgpu: webgpuAdapter(), ort: await ortAdapter(), tfjsWasmThreads: await wasmThreads(), sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false, userAgent: navigator.userAgent,
  };
}
