// The device limits the validator and the executor check against. Defaults are the WebGPU spec's
// guaranteed minimums, so a bundle valid under them runs on every adapter.

export interface Limits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupSizeY: number;
  readonly maxComputeWorkgroupSizeZ: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxUniformBufferBindingSize: number;
  readonly minUniformBufferOffsetAlignment: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxStorageBufferBindingSize: 134217728,
  maxBufferSize: 268435456,
  maxStorageBuffersPerShaderStage: 8,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeWorkgroupsPerDimension: 65535,
  maxUniformBufferBindingSize: 65536,
  minUniformBufferOffsetAlignment: 256,
};

/** Take the known fields from a GPUSupportedLimits (whose fields are getters, not own properties). */
export function readLimits(from?: Partial<Limits> | GPUSupportedLimits): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  if (from) {
    for (const key of Object.keys(DEFAULT_LIMITS)) {
      const v = (from as unknown as Record<string, unknown>)[key];
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = v;
    }
  }
  return out as unknown as Limits;
}

/** Dispatches one program run may record, loops unrolled: each is encoded on the host (and a loop's
 *  steps get a Step-table entry), so a hostile loop count must fail before it costs memory or time.
 *  A per_step recurrence over 65 536 steps with a 4-dispatch body stays below it. */
export const MAX_RUN_DISPATCHES = 1 << 18;
