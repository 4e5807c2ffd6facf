// The runtime's three error kinds, so callers can tell a bad bundle, a bad call and a GPU failure apart.

/** The bundle is malformed or exceeds the device's limits. `path` names the offending field. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(readonly path: string, readonly detail: string) {
    super(`${path}: ${detail}`);
  }
}

/** A call was given inputs, dims, weights or a checkpoint that do not fit the model. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** WebGPU reported an error (validation, out of memory, internal, shader compilation) or the device was lost. */
export class GpuError extends Error {
  override readonly name = 'GpuError';
  constructor(message: string, readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'lost' | 'compilation' = 'internal') {
    super(message);
  }
}
