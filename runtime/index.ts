// rnnc runtime: the dependency-free WebGPU library that loads compiled bundles (spec/bundle.md).
// Built by scripts/build.mjs into dist/runtime.js: one minified ESM file, platform neutral, and it must
// import nothing outside runtime/ (the build fails otherwise).
//
// Placeholder entry point from the "Foundation" issue; the runtime's owners extend it.

export const RUNTIME_VERSION = '0.1.0';

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
