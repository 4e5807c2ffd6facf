// Options for every property test (fast-check): a fixed seed, so that a failure replays exactly (fast-check
// prints the seed and the counterexample's path), and a run count. FUZZ_SEED=n picks another seed and
// FUZZ_RUNS=n multiplies every run count, to explore further: `FUZZ_SEED=7 FUZZ_RUNS=20 npx vitest run test/runtime`.
function envInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not '${text}'`);
  return n;
}

export const FUZZ_SEED = envInteger('FUZZ_SEED', 20261124);
export const FUZZ_RUNS = Math.max(1, envInteger('FUZZ_RUNS', 1));

/** fast-check parameters for a property that runs `numRuns` cases at the default FUZZ_RUNS. */
export function fuzz(numRuns: number): { seed: number; numRuns: number } {
  return { seed: FUZZ_SEED, numRuns: numRuns * FUZZ_RUNS };
}
