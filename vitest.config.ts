import { defineConfig } from 'vitest/config';

// Two tiers (see test/README.md): `unit` needs no GPU; `gpu` starts WebGPU itself
// (headless Chromium through Playwright, and Dawn in Node) and fails loudly when it cannot.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/gpu/**'], testTimeout: 60_000 } },
      {
        test: {
          name: 'gpu', include: ['test/gpu/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 120_000,
          pool: 'forks', fileParallelism: false,
        },
      },
    ],
  },
});
