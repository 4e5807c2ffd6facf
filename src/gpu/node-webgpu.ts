// WebGPU in Node through Dawn's Node binding (the `webgpu` npm package).
//
// Without a GPU, Dawn needs a Vulkan driver: the SwiftShader ICD that Debian's `chromium` package ships
// (/usr/lib/chromium/vk_swiftshader_icd.json), loaded through the Vulkan loader libvulkan.so.1
// (Debian package `libvulkan1`). `npm run setup` installs both. On a machine with a real GPU and its
// Vulkan driver, we leave the environment alone and Dawn picks that driver.
//
// `webgpu` is imported dynamically so that the CLI bundle (dist/rnnc.js, where it is external) loads
// and runs commands that need no GPU even where the native module is missing.
//
// Lifetime rules: keep one GPU object per process (`getNodeGpu` caches it); wait for submitted work
// (`device.queue.onSubmittedWorkDone()`) before tearing down; `device.destroy()` before
// `process.exit()` (`releaseNodeDevice`); load Dawn in processes, not worker threads. Dawn's instance
// may keep the event loop alive, so CLI entry points end with process.exit().
//
// The reported intermittent aborts (`The futex facility returned an unexpected error code.`,
// `std::system_error: Invalid argument`) did not reproduce here in about 180 soak runs: the reported LSTM
// workload, exit with work queued, many devices per process, worker threads, Debian's and
// Chromium's Vulkan loaders. The rules above are defensive; details in test/README.md.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throttleDawnPolling, throttleDawnPollingFor } from '../../runtime/dawn-poll.ts';
import { summarizeAdapter, type AdapterSummary } from './adapter-info.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const INSTALL_HINT =
  'run `npm run setup` (as root it runs `apt-get install -y chromium libvulkan1`: Chromium ships the ' +
  'SwiftShader Vulkan driver, libvulkan1 is the Vulkan loader Dawn needs)';

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

export interface NodeGpuDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: AdapterSummary;
}

export interface NodeDeviceOptions {
  requiredFeatures?: GPUFeatureName[];
  /** Features enabled when the adapter has them (check device.features). */
  optionalFeatures?: GPUFeatureName[];
  /** Ask for the adapter's maximum of these limits (e.g. maxStorageBufferBindingSize). */
  maxLimits?: (keyof GPUSupportedLimits)[];
}

function systemIcds(): string[] {
  const out: string[] = [];
  for (const d of ICD_DIRS) {
    try {
      for (const f of readdirSync(d)) if (f.endsWith('.json')) out.push(join(d, f));
    } catch { /* no such dir */ }
  }
  return out;
}

/** Where libvulkan.so.1 is, or null (same check as scripts/setup.mjs). */
export function findLibvulkan(): string | null {
  for (const p of ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
    '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1']) {
    if (existsSync(p)) return p;
  }
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /libvulkan\.so\.1\b.*=>\s*(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Sets the environment Dawn reads when it creates its Vulkan instance:
 * VK_ICD_FILENAMES -> SwiftShader when the user chose no driver and the system has none registered
 * (mesa's lavapipe, which some systems register, is not accepted by this Dawn build; then too we
 * prefer SwiftShader), and XDG_RUNTIME_DIR (Dawn warns without it).
 */
export function configureNodeGpuEnv(env: NodeJS.ProcessEnv = process.env): void {
  const userChose = env.VK_ICD_FILENAMES !== undefined || env.VK_DRIVER_FILES !== undefined;
  if (!userChose && existsSync(SWIFTSHADER_ICD)) {
    const others = systemIcds().filter((f) => !/lvp|lavapipe/i.test(f));
    if (others.length === 0) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `rnnc-xdg-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
}

/**
 * The spin in ms that RNNC_DAWN_POLL_SPIN_MS chooses for Dawn's polling throttle whatever the adapter
 * (Infinity: Dawn's own loop), or undefined where it is unset or not a number (then the adapter decides).
 */
export function chosenDawnPollSpin(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const spinMs = Number(env.RNNC_DAWN_POLL_SPIN_MS?.trim() || NaN);
  return Number.isNaN(spinMs) ? undefined : spinMs;
}

// Held for the life of the process: if the GPU object from create() is garbage-collected while a device
// from it is in use, Dawn aborts with `std::system_error: Invalid argument` or a futex error (reproduced
// by calling `(await create([]).requestAdapter()).requestDevice()` without keeping create()'s result).
let gpuPromise: Promise<GPU> | null = null;

/** The process-wide Dawn GPU object (navigator.gpu's equivalent). Also installs GPUBufferUsage etc. on globalThis. */
export function getNodeGpu(): Promise<GPU> {
  gpuPromise ??= (async () => {
    configureNodeGpuEnv();
    let mod: typeof import('webgpu');
    try {
      mod = await import('webgpu');
    } catch (e) {
      throw new Error(`cannot load the \`webgpu\` package (Dawn for Node): ${(e as Error).message}. ` +
        'Run `npm ci` (or `npm run setup`).');
    }
    Object.assign(globalThis, mod.globals);
    // Dawn waits for GPU work in a busy loop on this thread, which takes a core from a CPU adapter's workers
    // (runtime/dawn-poll.ts): requestNodeDevice and the runtime throttle it when they get such an adapter.
    const spinMs = chosenDawnPollSpin();
    if (spinMs !== undefined) throttleDawnPolling(spinMs);
    return mod.create([]);
  })();
  gpuPromise.catch(() => { gpuPromise = null; });
  return gpuPromise;
}

function diagnose(): string {
  const causes: string[] = [];
  if (!findLibvulkan()) causes.push('libvulkan.so.1 (the Vulkan loader) is not installed');
  if (!existsSync(SWIFTSHADER_ICD)) causes.push(`${SWIFTSHADER_ICD} (SwiftShader, from the chromium package) is missing`);
  const icd = process.env.VK_ICD_FILENAMES;
  if (icd && !existsSync(icd)) causes.push(`VK_ICD_FILENAMES points to a missing file: ${icd}`);
  if (causes.length === 0) causes.push(`no Vulkan driver Dawn accepts (VK_ICD_FILENAMES=${icd ?? '(unset)'})`);
  return causes.join('; ');
}

/** An adapter and a device from Dawn, or an Error that says how to fix the machine. */
export async function requestNodeDevice(opts: NodeDeviceOptions = {}): Promise<NodeGpuDevice> {
  const gpu = await getNodeGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(`WebGPU is not available in Node: Dawn found no adapter (${diagnose()}). To fix: ${INSTALL_HINT}.`);
  }
  throttleDawnPollingFor(adapter);
  const requiredFeatures = [...opts.requiredFeatures ?? [], ...opts.optionalFeatures ?? []].filter((f) => adapter.features.has(f));
  const missing = (opts.requiredFeatures ?? []).filter((f) => !adapter.features.has(f));
  if (missing.length > 0) throw new Error(`the WebGPU adapter lacks required features: ${missing.join(', ')}`);
  const requiredLimits: Record<string, number> = {};
  for (const k of opts.maxLimits ?? []) requiredLimits[k] = Number(adapter.limits[k]);
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  return { adapter, device, info: summarizeAdapter(adapter) };
}

/** Waits for the queue to drain, then destroys the device: call before process.exit(). */
export async function releaseNodeDevice(device: GPUDevice): Promise<void> {
  try {
    await device.queue.onSubmittedWorkDone();
  } finally {
    device.destroy();
  }
}
