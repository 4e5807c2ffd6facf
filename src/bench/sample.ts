// The benchmark's sample rule, shared by the page (page.ts) and the Node runner (node-run.ts): one call,
// then more until `minMs` have passed, timed together; a sample is the mean per call. A call of 100 ms is
// otherwise one draw of the machine's noise (spec/performance.md, "Where the spread comes from").

/** The least time one timed sample spans (spec/performance.md, Method). */
export const SAMPLE_MS = 1000;

/** Times `call` over at least `minMs` (at least one call); `afterFirst` runs right after the first call returns. */
export async function timeCalls<T>(call: () => Promise<T>, minMs: number, afterFirst?: () => void): Promise<{ ms: number; calls: number; last: T }> {
  const t0 = performance.now();
  let last = await call();
  afterFirst?.();
  let calls = 1;
  while (performance.now() - t0 < minMs) {
    last = await call();
    calls++;
  }
  return { ms: (performance.now() - t0) / calls, calls, last };
}
