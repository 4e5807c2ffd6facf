// The throttle on Dawn's busy poll (runtime/dawn-poll.ts): which calls it recognises, when a wait spins
// and when it sleeps, and that everything else reaches Node's setImmediate untouched. A fake clock drives
// the chain; the gpu tier (test/gpu/smoke-node.test.ts) checks the effect on a real Dawn wait.
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  dawnPollingThrottled, isDawnPoll, runsOnCpu, throttleDawnPolling, throttleDawnPollingFor, throttledSetImmediate,
} from '../../runtime/dawn-poll.ts';
import { chosenDawnPollSpin } from '../../src/gpu/node-webgpu.ts';

/** A nameless zero-argument native function, as Napi::Function::New makes for Dawn's poll. */
function nativePoll(body: () => void): () => void {
  const f = body.bind(null);
  Object.defineProperty(f, 'name', { value: '' });
  return f;
}

describe('isDawnPoll', () => {
  it('recognises a nameless zero-argument native function queued without arguments', () => {
    expect(isDawnPoll(nativePoll(() => {}), [])).toBe(true);
  });
  it('leaves JavaScript functions, promise resolvers, named natives and calls with arguments alone', () => {
    let resolve: unknown;
    void new Promise((r) => { resolve = r; });
    expect(isDawnPoll(() => {}, [])).toBe(false);
    expect(isDawnPoll(function () {}, [])).toBe(false);
    expect(isDawnPoll(resolve, [])).toBe(false);
    expect(isDawnPoll(Date.now, [])).toBe(false);
    expect(isDawnPoll(nativePoll(() => {}), [1])).toBe(false);
    expect(isDawnPoll(undefined, [])).toBe(false);
  });
});

describe('throttledSetImmediate', () => {
  function harness(spinMs: number) {
    let now = 0;
    const queue: { via: 'immediate' | 'later'; run: () => void }[] = [];
    const passed: unknown[][] = [];
    const original = (cb: (...a: unknown[]) => void, ...args: unknown[]): unknown => {
      passed.push(args);
      queue.push({ via: 'immediate', run: () => cb(...args) });
      return 'immediate';
    };
    const set = throttledSetImmediate(original, spinMs, { now: () => now, later: (poll) => { queue.push({ via: 'later', run: poll }); return 'later'; } });
    /** Runs queued callbacks in order, advancing the clock by `step` ms each; returns how each was queued. */
    const drain = (step: number): string[] => {
      const vias: string[] = [];
      while (queue.length > 0) {
        const next = queue.shift()!;
        vias.push(next.via);
        now += step;
        next.run();
      }
      return vias;
    };
    return { set, drain, passed, advance: (ms: number) => { now += ms; } };
  }

  /** Dawn's loop: a poll that re-queues itself until `waits` polls have run. */
  function dawnWait(set: (cb: () => void) => unknown, waits: number): () => number {
    let polls = 0;
    const poll = nativePoll(() => { if (++polls < waits) set(poll); });
    set(poll);
    return () => polls;
  }

  it('spins for the first spinMs of a wait, then polls through the sleeping path', () => {
    const h = harness(0.5);
    const polls = dawnWait(h.set, 8);
    const vias = h.drain(0.2);
    expect(polls()).toBe(8);
    // Queued at t = 0, 0.2, 0.4 (under 0.5 ms into the wait), then 0.6, 0.8, ... (over it).
    expect(vias).toEqual(['immediate', 'immediate', 'immediate', 'later', 'later', 'later', 'later', 'later']);
  });

  it('starts a new spin for each wait: a poll that does not re-queue ends the wait', () => {
    const h = harness(0.5);
    dawnWait(h.set, 5);
    expect(h.drain(0.3)).toEqual(['immediate', 'immediate', 'later', 'later', 'later']);
    h.advance(0.1); // the next wait begins right away, as a streaming step's readback does
    dawnWait(h.set, 2);
    expect(h.drain(0.3)).toEqual(['immediate', 'immediate']);
  });

  it('with spinMs = Infinity keeps Dawn\'s own loop; with 0 every poll after the first sleeps', () => {
    const busy = harness(Infinity);
    dawnWait(busy.set, 6);
    expect(busy.drain(5)).toEqual(Array(6).fill('immediate'));
    const idle = harness(0);
    dawnWait(idle.set, 3);
    expect(idle.drain(0.01)).toEqual(['later', 'later', 'later']);
  });

  it('passes other callbacks and their arguments straight to setImmediate, even in a throttled wait', () => {
    const h = harness(0);
    const seen: unknown[] = [];
    dawnWait(h.set, 3);
    h.set((a: unknown, b: unknown) => { seen.push(a, b); }, 'x', 2);
    const vias = h.drain(1);
    expect(vias.filter((v) => v === 'immediate')).toHaveLength(1);
    expect(seen).toEqual(['x', 2]);
    expect(h.passed).toContainEqual(['x', 2]);
  });
});

describe('throttleDawnPolling', () => {
  it('installs on globalThis.setImmediate, reinstalls without stacking, restores, and keeps promisify', async () => {
    const node = globalThis.setImmediate;
    expect(dawnPollingThrottled()).toBe(false);
    const restore = throttleDawnPolling();
    try {
      expect(globalThis.setImmediate).not.toBe(node);
      expect(dawnPollingThrottled()).toBe(true);
      const again = throttleDawnPolling();
      again(); // restores Node's own, not the first wrapper
      expect(globalThis.setImmediate).toBe(node);
      throttleDawnPolling();
      expect(await promisify(globalThis.setImmediate)('value')).toBe('value');
      const order: string[] = [];
      await new Promise<void>((resolve) => { globalThis.setImmediate(() => { order.push('js'); resolve(); }); });
      let polled = false;
      await new Promise<void>((resolve) => { globalThis.setImmediate(nativePoll(() => { polled = true; resolve(); })); });
      expect(order).toEqual(['js']);
      expect(polled).toBe(true);
    } finally {
      restore();
    }
    expect(globalThis.setImmediate).toBe(node);
    expect(dawnPollingThrottled()).toBe(false);
  });
});

describe('runsOnCpu', () => {
  const adapter = (architecture: string, device = '', description = '', isFallbackAdapter = false) =>
    ({ architecture, device, description, isFallbackAdapter });
  it('names CPU emulations (SwiftShader, llvmpipe, lavapipe, fallback adapters) and not GPUs', () => {
    expect(runsOnCpu(adapter('swiftshader', 'swiftshader-device-subzero-'))).toBe(true);
    expect(runsOnCpu(adapter('', '', 'llvmpipe (LLVM 15.0.6, 256 bits)'))).toBe(true);
    expect(runsOnCpu(adapter('', 'lavapipe'))).toBe(true);
    expect(runsOnCpu(adapter('', '', '', true))).toBe(true);
    expect(runsOnCpu(adapter('hopper', 'NVIDIA H100 80GB HBM3', 'NVIDIA: 550.54'))).toBe(false);
    expect(runsOnCpu(adapter('gen-12lp', '', 'Intel(R) UHD Graphics'))).toBe(false);
  });
});

describe('throttleDawnPollingFor', () => {
  const adapter = (info: Partial<GPUAdapterInfo>) => ({ info }) as unknown as GPUAdapter;
  it('installs the throttle for a CPU adapter only, and keeps one already installed', () => {
    const node = globalThis.setImmediate;
    try {
      throttleDawnPollingFor(adapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100' }));
      expect(dawnPollingThrottled()).toBe(false);
      throttleDawnPollingFor(adapter({ vendor: 'google', architecture: 'swiftshader' }));
      expect(dawnPollingThrottled()).toBe(true);
      const installed = globalThis.setImmediate;
      throttleDawnPollingFor(adapter({ architecture: 'swiftshader' })); // e.g. a spin the user chose stays
      expect(globalThis.setImmediate).toBe(installed);
    } finally {
      globalThis.setImmediate = node;
    }
  });
});

describe('chosenDawnPollSpin (RNNC_DAWN_POLL_SPIN_MS)', () => {
  it('reads a number of ms, Infinity included, and leaves the choice to the adapter otherwise', () => {
    expect(chosenDawnPollSpin({})).toBeUndefined();
    expect(chosenDawnPollSpin({ RNNC_DAWN_POLL_SPIN_MS: ' ' })).toBeUndefined();
    expect(chosenDawnPollSpin({ RNNC_DAWN_POLL_SPIN_MS: 'fast' })).toBeUndefined();
    expect(chosenDawnPollSpin({ RNNC_DAWN_POLL_SPIN_MS: '0.25' })).toBe(0.25);
    expect(chosenDawnPollSpin({ RNNC_DAWN_POLL_SPIN_MS: 'Infinity' })).toBe(Infinity);
  });
});
