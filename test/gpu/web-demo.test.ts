// The web demo (examples/web) in headless Chromium on WebGPU, as a person would use it: pick the names
// example, press Train (a few steps: ?maxSteps), see the loss chart grow, type a name and get gender
// probabilities; then the CO2 example's forecast. Saves screenshots to out/web-demo.png and out/web-demo-co2.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startStaticServer, type StaticServer } from '../../src/gpu/browser.ts';

interface DemoState { phase: string; steps: number; error: string; chart: { loss: number[] } }
const demoState = (page: Page) => page.evaluate(() => (globalThis as unknown as { rnncDemo: DemoState }).rnncDemo);

describe('web demo', () => {
  let server: StaticServer;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, ['examples/web/build.mjs'], { stdio: 'pipe' });
    server = await startStaticServer('examples/web');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function trainFew(example: string, steps: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 760, height: 720 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${server.url}?example=${example}&maxSteps=${steps}`);
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes((globalThis as unknown as { rnncDemo: DemoState }).rnncDemo.phase), undefined, { timeout: 240_000 });
    const state = await demoState(page);
    expect(state.error).toBe('');
    expect(state.phase).toBe('trained');
    expect(state.chart.loss).toHaveLength(steps);
    expect(state.chart.loss.every(Number.isFinite)).toBe(true);
    return page;
  }

  it('trains the names GRU a few steps, charts the loss, predicts a typed name', async () => {
    const page = await trainFew('names', 4);
    await expect.poll(() => page.textContent('#prediction')).toMatch(/female [\d.]+%.*male [\d.]+%/s);
    await page.fill('#name', 'Jonathan');
    await expect.poll(() => page.textContent('#prediction')).toMatch(/male [\d.]+%/);
    expect(await page.textContent('#status')).toMatch(/trained 4 steps/);
    mkdirSync('out', { recursive: true });
    await page.screenshot({ path: 'out/web-demo.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains the CO2 forecaster a few steps and plots a 12-month forecast', async () => {
    const page = await trainFew('co2', 3);
    const forecast = await page.getAttribute('#try', 'data-forecast');
    expect(forecast?.split(',').map(Number).filter(Number.isFinite)).toHaveLength(12);
    await page.screenshot({ path: 'out/web-demo-co2.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
