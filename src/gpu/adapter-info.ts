// Adapter description shared by the Node and browser paths. GPUAdapterInfo's fields are getters
// (on Dawn's Node binding they do not show up in console.log or JSON.stringify), so copy them out.

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
}

const KEY_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxBufferSize',
] as const;

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info: Partial<GPUAdapterInfo> = adapter.info ?? {};
  const limits: Record<string, number> = {};
  for (const k of KEY_LIMITS) limits[k] = Number(adapter.limits[k]);
  return {
    vendor: String(info.vendor ?? ''),
    architecture: String(info.architecture ?? ''),
    device: String(info.device ?? ''),
    description: String(info.description ?? ''),
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? false),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

/** One line for logs and benchmark reports: says which device produced a figure. */
export function formatAdapter(s: AdapterSummary): string {
  const parts = [`vendor=${s.vendor || '?'}`, `architecture=${s.architecture || '?'}`];
  if (s.device) parts.push(`device=${s.device}`);
  if (s.description) parts.push(`description=${JSON.stringify(s.description)}`);
  if (s.isFallbackAdapter) parts.push('(fallback adapter)');
  return parts.join(' ');
}
