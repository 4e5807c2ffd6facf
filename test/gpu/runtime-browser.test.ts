// The runtime on real WebGPU in headless Chromium (SwiftShader without a GPU), through the page
// harness: the tiny hand-written bundle's numbers, call discipline, streams, checkpoints, device loss.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openGpuPage, type GpuPage } from '../../src/gpu/browser.ts';
import { expectCorrupt, expectInfer, expectLoss, expectStream, expectTrain } from '../runtime/fixtures/expect-scenarios.ts';
import type * as S from '../runtime/fixtures/scenarios.ts';

type R<K extends keyof typeof S> = Awaited<ReturnType<(typeof S)[K]>>;

describe('runtime in headless Chromium', () => {
  let page: GpuPage;
  beforeAll(async () => {
    page = await openGpuPage({ bundles: { runtime: 'test/runtime/gpu-page.ts' } });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('runs infer exactly, one submit per run, nothing compiled or bound after load', async () => {
    expectInfer(await page.call<R<'inferScenario'>>('runtime', 'infer'));
  });
  it('trains, checkpoints and restores exactly', async () => {
    expectTrain(await page.call<R<'trainScenario'>>('runtime', 'train'));
  });
  it('keeps streaming state between calls until reset', async () => {
    expectStream(await page.call<R<'streamScenario'>>('runtime', 'stream'));
  });
  it('rejects a corrupt bundle before any GPU call', async () => {
    expectCorrupt(await page.call<R<'corruptScenario'>>('runtime', 'corrupt'));
  });
  it('survives device loss by reloading from the last checkpoint', async () => {
    expectLoss(await page.call<R<'lossScenario'>>('runtime', 'loss'));
  });
});
