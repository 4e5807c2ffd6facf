// Without a Vulkan driver Dawn finds no adapter: requestNodeDevice must fail loudly and say how to fix it.
// (Its own file: the driver is chosen once per process, when Dawn first creates its instance.)
import { expect, it } from 'vitest';
import { requestNodeDevice } from '../../src/gpu/node-webgpu.ts';

it('requestNodeDevice explains how to install WebGPU when there is no driver', async () => {
  process.env.VK_ICD_FILENAMES = '/nonexistent/icd.json';
  await expect(requestNodeDevice()).rejects.toThrow(
    /WebGPU is not available in Node: Dawn found no adapter \(VK_ICD_FILENAMES points to a missing file: \/nonexistent\/icd\.json\)\. To fix: run `npm run setup`/,
  );
});
