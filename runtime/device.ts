// Getting a WebGPU device: navigator.gpu in browsers, or a GPU object the caller passes (Node: the
// `webgpu` package). The model's own device asks for the adapter's maxima of the limits bundles press on.
import { throttleDawnPollingFor } from './dawn-poll.ts';
import { DEFAULT_LIMITS } from './limits.ts';

export interface RuntimeAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface RuntimeDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: RuntimeAdapterInfo;
}

/**
 * Gets an adapter and a device. `gpu` defaults to `navigator.gpu` (browsers); in Node pass the GPU
 * object from the `webgpu` package (Dawn). Throws when WebGPU or an adapter is unavailable.
 */
export async function requestDevice(
  gpu?: GPU,
  descriptor: GPUDeviceDescriptor = {},
  adapterOptions: GPURequestAdapterOptions = {},
): Promise<RuntimeDevice> {
  const g = gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!g) throw new Error('WebGPU is not available: navigator.gpu is missing (pass a GPU object in Node)');
  const adapter = await g.requestAdapter(adapterOptions);
  if (!adapter) throw new Error('WebGPU is available but no adapter was found');
  throttleDawnPollingFor(adapter);
  const device = await adapter.requestDevice(descriptor);
  const i: Partial<GPUAdapterInfo> = adapter.info ?? {};
  const info = {
    vendor: String(i.vendor ?? ''),
    architecture: String(i.architecture ?? ''),
    device: String(i.device ?? ''),
    description: String(i.description ?? ''),
  };
  return { adapter, device, info };
}

/**
 * A device with the adapter's maxima of every limit the validator checks (minimum alignments excluded),
 * and the features a bundle needs where the adapter has them (the validator reports the ones it lacks).
 */
export async function requestModelDevice(gpu?: GPU, features: readonly string[] = []): Promise<GPUDevice> {
  const g = gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!g) throw new Error('WebGPU is not available: navigator.gpu is missing (pass { device } or { gpu } in Node)');
  const adapter = await g.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU is available but no adapter was found');
  throttleDawnPollingFor(adapter);
  const requiredLimits: Record<string, number> = {};
  for (const k of Object.keys(DEFAULT_LIMITS)) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (k.startsWith('max') && typeof v === 'number') requiredLimits[k] = v;
  }
  const requiredFeatures = features.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  return adapter.requestDevice({ label: 'rnnc', requiredLimits, requiredFeatures });
}
