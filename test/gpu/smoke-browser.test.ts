// WebGPU in headless Chromium through the page harness (src/gpu/browser.ts). Never skipped: when
// Chromium or its WebGPU is missing, opening the page fails with the message that says how to fix it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAdapter } from '../../src/gpu/adapter-info.ts';
import { openGpuPage, type GpuPage } from '../../src/gpu/browser.ts';
import { smokeInput, smokeReference, type SmokeOutput } from '../../src/gpu/smoke-kernel.ts';

describe('WebGPU in headless Chromium', () => {
  let page: GpuPage;
  beforeAll(async () => {
    page = await openGpuPage({ bundles: { smoke: 'test/gpu/pages/smoke.page.ts' } });
    console.log(`browser webgpu adapter: ${formatAdapter(page.info)}`);
    if (page.info.architecture !== 'swiftshader') {
      console.log(`note: expected the swiftshader adapter on a machine without a GPU, got '${page.info.architecture}'`);
    }
  });
  afterAll(async () => {
    await page?.close();
  });

  it('has an adapter', () => {
    expect(page.info.vendor || page.info.architecture || page.info.description).not.toBe('');
    expect(page.info.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
  });

  it('computes y = a*x + b and a workgroup-memory sum exactly', async () => {
    const input = smokeInput(1000);
    const ref = smokeReference(input);
    const out = await page.call<SmokeOutput>('smoke', 'smoke', input);
    expect(out.y).toBeInstanceOf(Float32Array);
    expect(out.y.length).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(Math.abs((out.y[i] ?? NaN) - (ref.y[i] ?? 0))).toBeLessThanOrEqual(1e-6);
    expect(out.sum).toBe(ref.sum);
  });

  it('carries typed arrays bit-exactly and JSON values unchanged', async () => {
    const f = new Float32Array([1.5, -0, NaN, Infinity, 1e-45, 3.4e38]);
    const args = [f, new Int32Array([-1, 2 ** 31 - 1]), { a: [1, 'x', null, true], n: -Infinity }];
    const back = await page.call<unknown[]>('smoke', 'echo', ...args);
    expect(back).toEqual(args);
    expect(new Uint8Array((back[0] as Float32Array).buffer)).toEqual(new Uint8Array(f.buffer));
  });

  it('fails the call on a WebGPU validation error', async () => {
    await expect(page.call('smoke', 'invalidShader')).rejects.toThrow(/validation error/);
    await page.takeErrors();
  });

  it('fails the call when the page function throws', async () => {
    await expect(page.call('smoke', 'throws')).rejects.toThrow(/thrown on purpose/);
    await page.takeErrors();
  });

  it('fails the call on a console error', async () => {
    await expect(page.call('smoke', 'consoleError')).rejects.toThrow(/logged on purpose/);
    await page.takeErrors();
  });

  it('fails the call on an uncaptured WebGPU error (outside the call\'s error scopes)', async () => {
    await expect(page.call('smoke', 'uncapturedError')).rejects.toThrow(/uncaptured WebGPU error/);
    // Errors stay recorded (every later call fails) until a test takes them.
    await expect(page.call('smoke', 'echo', 1)).rejects.toThrow(/uncaptured WebGPU error/);
    expect((await page.takeErrors()).join('\n')).toMatch(/uncaptured WebGPU error/);
    expect(await page.call('smoke', 'echo', 1)).toEqual([1]);
  });

  it('fails on an unknown function', async () => {
    await expect(page.call('smoke', 'nope')).rejects.toThrow(/exports no function 'nope'/);
  });
});
