// The runtime on real WebGPU in Node (Dawn, the `webgpu` package; SwiftShader without a GPU): the same
// scenarios as the browser test, on a device from src/gpu/node-webgpu.ts.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { releaseNodeDevice, requestNodeDevice, type NodeGpuDevice } from '../../src/gpu/node-webgpu.ts';
import { expectCorrupt, expectInfer, expectLoss, expectStream, expectTrain } from '../runtime/fixtures/expect-scenarios.ts';
import { corruptScenario, inferScenario, lossScenario, streamScenario, trainScenario } from '../runtime/fixtures/scenarios.ts';

describe('runtime in Node (Dawn)', () => {
  let gpu: NodeGpuDevice;
  beforeAll(async () => {
    gpu = await requestNodeDevice();
  });
  afterAll(async () => {
    if (gpu) await releaseNodeDevice(gpu.device);
  });

  it('runs infer exactly, one submit per run, nothing compiled or bound after load', async () => {
    expectInfer(await inferScenario(gpu.device));
  });
  it('trains, checkpoints and restores exactly', async () => {
    expectTrain(await trainScenario(gpu.device));
  });
  it('keeps streaming state between calls until reset', async () => {
    expectStream(await streamScenario(gpu.device));
  });
  it('rejects a corrupt bundle before any GPU call', async () => {
    expectCorrupt(await corruptScenario(gpu.device));
  });
  it('survives device loss by reloading from the last checkpoint', async () => {
    expectLoss(await lossScenario(async () => (await requestNodeDevice()).device));
  });
});
