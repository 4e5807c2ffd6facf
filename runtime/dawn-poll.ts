// Dawn's Node binding (the `webgpu` package) learns that GPU work finished by polling: while any of its
// promises is pending (mapAsync, onSubmittedWorkDone, requestDevice, ...) it re-queues a native callback
// with the global `setImmediate` that calls wgpuInstanceProcessEvents (AsyncRunner::ScheduleProcessEvents
// in Dawn's src/dawn/node/binding/AsyncRunner.cpp): a busy loop on Node's main thread for the whole wait.
// With a CPU adapter (SwiftShader) the GPU's workers share the machine's cores, so on 2 cores the loop
// takes one of the two from a dispatch whose workgroups need both: M1's inference took 74-81 ms in Node
// against 44-45 ms in Chromium, where nothing spins (spec/performance.md, "Dawn in Node").
//
// On a GPU the loop only costs a spare core and answers fastest; the throttle is for CPU adapters
// (SwiftShader, llvmpipe): the runtime's requestDevice and loadModel({ gpu }) install it when they get such
// an adapter (throttleDawnPollingFor), and so do rnnc's Node entry points (src/gpu/node-webgpu.ts).
// It gives Dawn's poll, recognised as a nameless zero-argument native function queued without
// arguments, a short spin (a wait that ends within it, such as a streaming step, is answered as before)
// and then one poll per millisecond, sleeping in the event loop in between. Every other setImmediate
// call, promise resolvers included (they take one argument), goes to Node's own.

/** How long one wait polls back to back before it polls once per millisecond. */
export const DAWN_POLL_SPIN_MS = 0.5;

type Callback = (...args: unknown[]) => void;
type SetImmediate = (callback: Callback, ...args: unknown[]) => unknown;

export interface PollClock {
  now(): number;
  /** Runs `callback` after about a millisecond, letting the thread sleep. */
  later(callback: () => void): unknown;
}

const ORIGINAL = Symbol.for('rnnc.dawnPoll.original');
const PROMISIFY = Symbol.for('nodejs.util.promisify.custom');

/** Whether a setImmediate call looks like Dawn's poll (see above). */
export function isDawnPoll(callback: unknown, args: readonly unknown[]): boolean {
  return typeof callback === 'function' && args.length === 0 && callback.length === 0 && callback.name === '' &&
    /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(callback));
}

/**
 * A setImmediate that hands Dawn's polls to `original` during the first `spinMs` of a wait and to
 * `clock.later` after it. A wait is a chain of polls: it starts when a poll is queued while none runs and
 * ends when a poll returns without queuing the next (Dawn stops once no promise is pending).
 */
export function throttledSetImmediate(original: SetImmediate, spinMs: number, clock: PollClock): SetImmediate {
  // One chain per Dawn instance (rnnc keeps one per process); several would share these two variables.
  let chainStart = -1;
  let requeued = false;
  return function setImmediate(callback: Callback, ...args: unknown[]): unknown {
    if (!isDawnPoll(callback, args)) return original(callback, ...args);
    const now = clock.now();
    if (chainStart < 0) chainStart = now;
    requeued = true;
    const poll = (): void => {
      requeued = false;
      try {
        callback();
      } finally {
        if (!requeued) chainStart = -1;
      }
    };
    // The sleeping path hands back a Timeout, not an Immediate: Dawn never keeps or clears the handle.
    return now - chainStart < spinMs ? original(poll) : clock.later(poll);
  };
}

/** Whether globalThis.setImmediate is the throttle. */
export function dawnPollingThrottled(): boolean {
  const current = (globalThis as { setImmediate?: unknown }).setImmediate as Record<symbol, unknown> | undefined;
  return typeof current === 'function' && current[ORIGINAL] !== undefined;
}

/**
 * Installs the throttle on globalThis.setImmediate (Node; a no-op where there is none): call it before using
 * Dawn in Node on a CPU adapter. Idempotent. Returns a function that restores Node's.
 */
export function throttleDawnPolling(spinMs = DAWN_POLL_SPIN_MS): () => void {
  const g = globalThis as unknown as { setImmediate?: SetImmediate & { [ORIGINAL]?: SetImmediate } };
  const current = g.setImmediate;
  if (typeof current !== 'function') return () => {};
  const original = current[ORIGINAL] ?? current;
  const throttled = throttledSetImmediate(original, spinMs, {
    now: () => performance.now(),
    later: (poll) => setTimeout(poll, 1),
  }) as SetImmediate & Record<symbol, unknown>;
  throttled[ORIGINAL] = original;
  const promisified = (original as unknown as Record<symbol, unknown>)[PROMISIFY];
  if (promisified !== undefined) throttled[PROMISIFY] = promisified; // util.promisify(setImmediate) still works
  g.setImmediate = throttled;
  return () => { g.setImmediate = original; };
}

/**
 * Whether the adapter is a GPU emulated on the CPU (SwiftShader, llvmpipe/lavapipe): its workers then share
 * the cores with everything else in the process, Dawn's polling loop included.
 */
export function runsOnCpu(info: { isFallbackAdapter?: boolean; architecture?: string; device?: string; description?: string }): boolean {
  return Boolean(info.isFallbackAdapter) ||
    /swiftshader|llvmpipe|lavapipe/i.test(`${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`);
}

/** Installs the throttle where `adapter` runs on the CPU, unless one (perhaps with another spin) is installed. */
export function throttleDawnPollingFor(adapter: GPUAdapter): void {
  if (!dawnPollingThrottled() && runsOnCpu(adapter.info ?? {})) throttleDawnPolling();
}
