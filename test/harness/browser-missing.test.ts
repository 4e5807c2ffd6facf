// Without Chromium the harness fails loudly and says how to install it (never a skip).
import { expect, it } from 'vitest';

it('openGpuPage explains how to install Chromium when it is missing', async () => {
  process.env.RNNC_CHROMIUM = '/nonexistent/chromium';
  const { openGpuPage } = await import('../../src/gpu/browser.ts');
  await expect(openGpuPage()).rejects.toThrow(/Chromium is not installed at \/nonexistent\/chromium: run `npm run setup`/);
});
