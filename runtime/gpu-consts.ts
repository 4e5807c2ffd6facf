// WebGPU enum flags by value (fixed by the spec), so the runtime needs no GPUBufferUsage globals:
// Node (Dawn) only installs those on request, and the unit tests run against a fake device.

export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const STAGE_COMPUTE = 0x4;
export const MAP_MODE_READ = 0x1;
