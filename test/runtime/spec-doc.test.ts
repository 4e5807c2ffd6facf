// spec/bundle.md stays true: its example bundle validates and runs, and its tables name every
// resource and uniform field kind the types define.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../runtime/load.ts';
import { validateBundle } from '../../runtime/validate.ts';
import { RESOURCES } from '../../runtime/validate-kernels.ts';
import { asGpu, FakeDevice } from './fake-gpu.ts';

const spec = readFileSync(new URL('../../spec/bundle.md', import.meta.url), 'utf8');
const example = /```json\n([\s\S]*?)```/.exec(spec)![1]!;

describe('spec/bundle.md', () => {
  it('has an example bundle that validates and computes y = 2x', async () => {
    const bundle = validateBundle(example);
    const device = new FakeDevice({
      main: (d) => {
        const a = d.bindings[0]!.f32;
        const [n, ox, oy] = d.run.u32;
        for (let i = 0; i < d.grid[0] * d.workgroupSize[0]; i++) if (i < n!) a[oy! + i] = 2 * a[ox! + i]!;
      },
    });
    const model = await loadModel(bundle, { device: asGpu(device) });
    expect([...(await model.run({ x: [1, 2, 3] })).y!.data]).toEqual([2, 4, 6]);
  });

  it('documents every resource and every Run field kind', () => {
    for (const r of RESOURCES) expect(spec).toContain(`| \`${r}\` |`);
    for (const k of ['dim', 'offset', 'step', 'lr', 'seed', 'training', 'clip', 'stream_t']) expect(spec).toMatch(new RegExp(`\\| \`${k}\`( \\(\`\\w+\`\\))? \\|`));
  });
});
