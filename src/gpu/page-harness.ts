// Browser side of the GPU test harness (bundled to harness.js and loaded by the test page).
// It owns one WebGPU device per page, records every WebGPU error it can see, and calls exported
// functions of page bundles (bundles/<name>.js) with decoded arguments. See src/gpu/browser.ts.
//
// A page-callable function has the shape
//     export async function name(ctx: PageContext, ...args): Promise<result>
// args and the result cross as wire values (src/gpu/wire.ts): JSON plus typed arrays.
import { summarizeAdapter, type AdapterSummary } from './adapter-info.ts';
import { decodeWire, encodeWire, type Wire } from './wire.ts';

export interface PageContext {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: AdapterSummary;
}

export interface PageInitOptions {
  /** Features to enable when the adapter has them (e.g. 'timestamp-query', 'subgroups'). */
  features?: string[];
  /** Limits to raise to the adapter's maximum (e.g. 'maxStorageBufferBindingSize'). */
  maxLimits?: string[];
}

export interface PageHarness {
  init(opts: PageInitOptions): Promise<Wire>;
  call(bundle: string, fn: string, args: Wire[]): Promise<Wire>;
  /** Errors seen in the page so far (uncaptured WebGPU errors, device loss, unhandled rejections). */
  errors: string[];
}

declare global {
  // eslint-disable-next-line no-var
  var __rnnc: PageHarness | undefined;
}

let ctx: PageContext | null = null;
const errors: string[] = [];

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function init(opts: PageInitOptions): Promise<Wire> {
  if (ctx) return encodeWire(ctx.info);
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) throw new Error('navigator.gpu is missing: this Chromium has no WebGPU (flags: --enable-unsafe-webgpu)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null: no WebGPU adapter in this Chromium');
  const requiredFeatures = (opts.features ?? []).filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const k of opts.maxLimits ?? []) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  device.addEventListener('uncapturederror', (ev) => {
    errors.push(`uncaptured WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  });
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') errors.push(`WebGPU device lost: ${info.message}`);
  });
  ctx = { adapter, device, info: summarizeAdapter(adapter) };
  return encodeWire(ctx.info);
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

async function call(bundle: string, fn: string, args: Wire[]): Promise<Wire> {
  if (!ctx) await init({});
  const c = ctx as PageContext;
  let mod = modules.get(bundle);
  if (!mod) {
    mod = import(new URL(`./bundles/${encodeURIComponent(bundle)}.js`, location.href).href) as Promise<Record<string, unknown>>;
    modules.set(bundle, mod);
  }
  const f = (await mod)[fn];
  if (typeof f !== 'function') throw new Error(`page bundle '${bundle}' exports no function '${fn}'`);
  const { device } = c;
  const scopes: GPUErrorFilter[] = ['internal', 'out-of-memory', 'validation'];
  for (const s of scopes) device.pushErrorScope(s);
  let result: unknown;
  let thrown: unknown = null;
  try {
    result = await (f as (...a: unknown[]) => unknown)(c, ...args.map(decodeWire));
  } catch (e) {
    thrown = e ?? new Error('undefined was thrown');
  }
  const found: string[] = [];
  for (const s of [...scopes].reverse()) {
    const e = await device.popErrorScope();
    if (e) found.push(`WebGPU ${s} error: ${e.message}`);
  }
  await device.queue.onSubmittedWorkDone();
  if (thrown) throw thrown;
  if (found.length > 0) throw new Error(`${bundle}.${fn}: ${found.join('; ')}`);
  return encodeWire(result);
}

addEventListener('unhandledrejection', (ev) => errors.push(`unhandled rejection: ${message(ev.reason)}`));
addEventListener('error', (ev) => errors.push(`uncaught error: ${message(ev.error ?? ev.message)}`));

globalThis.__rnnc = { init, call, errors };
