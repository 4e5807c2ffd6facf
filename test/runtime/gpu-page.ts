// Page bundle for test/gpu/runtime-browser.test.ts: the shared GPU scenarios, run in headless Chromium
// on the harness's device (src/gpu/page-harness.ts); the loss scenario takes fresh adapters and devices.
import type { PageContext } from '../../src/gpu/page-harness.ts';
import { corruptScenario, inferScenario, lossScenario, streamScenario, trainScenario } from './fixtures/scenarios.ts';

async function freshDevice(): Promise<GPUDevice> {
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  return adapter.requestDevice();
}

export const infer = (ctx: PageContext) => inferScenario(ctx.device);
export const train = (ctx: PageContext) => trainScenario(ctx.device);
export const stream = (ctx: PageContext) => streamScenario(ctx.device);
export const corrupt = (ctx: PageContext) => corruptScenario(ctx.device);
export const loss = () => lossScenario(freshDevice);
