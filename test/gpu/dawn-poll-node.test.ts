// The runtime throttles Dawn's polling loop by itself (runtime/dawn-poll.ts) when loadModel({ gpu })
// meets a CPU adapter: the path of `rnnc train` and `rnnc predict`, which hand Dawn's GPU object to the
// runtime. Its own file, so that the process starts with Node's setImmediate (each gpu file is a fork).
import { describe, expect, it } from 'vitest';
import { dawnPollingThrottled, runsOnCpu } from '../../runtime/dawn-poll.ts';
import { loadModel } from '../../runtime/index.ts';
import { chosenDawnPollSpin, getNodeGpu } from '../../src/gpu/node-webgpu.ts';
import { tinyJson } from '../runtime/fixtures/tiny-bundle.ts';

describe('Dawn polling in the runtime (Node)', () => {
  it('loadModel({ gpu }) throttles the loop exactly where the adapter runs on the CPU', async () => {
    const chosen = chosenDawnPollSpin() !== undefined;
    const gpu = await getNodeGpu();
    expect(dawnPollingThrottled()).toBe(chosen); // getNodeGpu alone installs only a spin the user chose
    const model = await loadModel(tinyJson(), { gpu });
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      expect(adapter).not.toBeNull();
      expect(dawnPollingThrottled()).toBe(chosen || runsOnCpu(adapter!.info));
    } finally {
      model.dispose();
    }
  });
});
