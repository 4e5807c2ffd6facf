// WebGPU reports most errors asynchronously through error scopes. The runtime wraps each burst of
// synchronous GPU calls in scopes and turns whatever they caught into a rejected promise (GpuError).
import { GpuError } from './errors.ts';

const FILTERS = ['validation', 'out-of-memory', 'internal'] as const;

/**
 * Runs `f` (synchronous GPU calls only, so no other scope can interleave) inside error scopes.
 * Returns f's value and a promise that rejects with the first error the calls caused.
 */
export function scoped<T>(device: GPUDevice, what: string, f: () => T): { value: T; done: Promise<void> } {
  for (const s of FILTERS) device.pushErrorScope(s);
  let value: T | undefined;
  let thrown: unknown = null;
  try {
    value = f();
  } catch (e) {
    thrown = e ?? new Error('undefined was thrown');
  }
  // Popped in reverse push order: the innermost scope ('internal') first.
  const pops = [...FILTERS].reverse().map((kind) => device.popErrorScope().then(
    (e) => (e ? new GpuError(`${what}: WebGPU ${kind} error: ${e.message}`, kind) : null),
    () => null,                                        // a lost device rejects pops; `lost` reports that
  ));
  if (thrown !== null) {
    void Promise.all(pops);
    throw thrown instanceof Error ? new GpuError(`${what}: ${thrown.message}`, 'validation') : thrown;
  }
  const done = Promise.all(pops).then((errors) => {
    const e = errors.find((x) => x !== null);
    if (e) throw e;
  });
  return { value: value as T, done };
}
