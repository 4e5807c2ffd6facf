// Node side of the browser GPU harness: headless Chromium (Playwright, system /usr/bin/chromium) with
// WebGPU, a static HTTP server on 127.0.0.1, and calls into esbuild-bundled page code.
//
//   const page = await openGpuPage({ bundles: { smoke: 'test/gpu/pages/smoke.page.ts' } });
//   const out = await page.call<{ sum: number }>('smoke', 'run', { x: new Float32Array(...) });
//   await page.close();
//
// Each bundle is a TS entry file whose exported functions take (ctx: PageContext, ...args); see
// src/gpu/page-harness.ts. Arguments and results cross as wire values (src/gpu/wire.ts: JSON plus
// typed arrays as base64). A call fails when the function throws, when a WebGPU error scope around it
// reports an error, or when the page logged a console error, an uncaught exception or an uncaptured
// WebGPU error while it ran.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright';
import type { AdapterSummary } from './adapter-info.ts';
import type { PageInitOptions } from './page-harness.ts';
import { decodeWire, encodeWire, type Wire } from './wire.ts';

export const CHROMIUM_PATH = process.env.RNNC_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];
const INSTALL_HINT = 'run `npm run setup` (as root it runs `apt-get install -y chromium libvulkan1`)';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

/** Starts headless Chromium with WebGPU enabled (Playwright gives it a fresh temporary profile). */
export async function launchBrowser(opts: { args?: string[]; headless?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: ${INSTALL_HINT}`);
  const { chromium } = await import('playwright');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: opts.headless ?? true,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir() },
  });
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wgsl': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/**
 * Serves `root` (and each `mounts` URL prefix -> directory) on 127.0.0.1 at a random free port.
 * 127.0.0.1 is a secure context, which WebGPU requires.
 */
export async function startStaticServer(root: string, mounts: Record<string, string> = {}): Promise<StaticServer> {
  const table = [...Object.entries(mounts).map(([p, d]) => [`/${p.replace(/^\/+|\/+$/g, '')}/`, resolve(d)] as const),
    ['/', resolve(root)] as const].sort((a, b) => b[0].length - a[0].length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const hit = table.find(([prefix]) => path.startsWith(prefix));
    if (hit) {
      const [prefix, dir] = hit;
      const file = normalize(join(dir, path.slice(prefix.length) || 'index.html'));
      if ((file === dir || file.startsWith(dir + sep)) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('static server has no TCP address');
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

/** Bundles a browser-side TS entry into one ESM file (esbuild; inline source map for readable stacks). */
export async function buildPageBundle(entry: string, outfile: string): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [resolve(ROOT, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
}

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>rnnc gpu harness</title>
<script type="module" src="./harness.js"></script></head><body></body></html>
`;

export interface OpenGpuPageOptions extends PageInitOptions {
  /** Bundle name -> TS entry file (relative to the repository root or absolute). */
  bundles?: Record<string, string>;
  /** Extra directories to serve: URL prefix -> directory (e.g. { dist: 'dist' }). */
  mounts?: Record<string, string>;
  /** A browser to open the page in; without one, the page launches its own and closes it with itself. */
  browser?: Browser;
}

export class GpuPage {
  /** Everything that went wrong in the page: console errors, uncaught exceptions, WebGPU errors. */
  readonly errors: string[] = [];
  /** Console output of the page, for diagnostics. */
  readonly console: string[] = [];

  private constructor(
    readonly page: Page,
    readonly info: AdapterSummary,
    readonly url: string,
    private readonly dir: string,
    private readonly owned: { context: BrowserContext; server: StaticServer; browser: Browser | null },
  ) {}

  /** @internal */
  static async open(opts: OpenGpuPageOptions = {}): Promise<GpuPage> {
    const dir = mkdtempSync(join(tmpdir(), 'rnnc-page-'));
    let browser: Browser | null = null;
    let server: StaticServer | null = null;
    try {
      writeFileSync(join(dir, 'index.html'), INDEX_HTML);
      await Promise.all([
        buildPageBundle(join(HERE, 'page-harness.ts'), join(dir, 'harness.js')),
        ...Object.entries(opts.bundles ?? {}).map(([name, entry]) => buildPageBundle(entry, join(dir, 'bundles', `${name}.js`))),
      ]);
      server = await startStaticServer(dir, opts.mounts);
      if (!opts.browser) browser = await launchBrowser();
      const context = await (opts.browser ?? browser as Browser).newContext();
      const page = await context.newPage();
      const early: string[] = [];
      const consoleLines: string[] = [];
      page.on('console', (m) => {
        consoleLines.push(`${m.type()}: ${m.text()}`);
        if (m.type() === 'error') early.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => early.push(`uncaught exception: ${e.message}`));
      page.on('crash', () => early.push('the page crashed'));
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForFunction(() => globalThis.__rnnc !== undefined, undefined, { timeout: 30_000 });
      const init: PageInitOptions = {};
      if (opts.features) init.features = opts.features;
      if (opts.maxLimits) init.maxLimits = opts.maxLimits;
      let info: AdapterSummary;
      try {
        info = decodeWire((await page.evaluate((o) => globalThis.__rnnc!.init(o) as Promise<unknown>, init)) as Wire) as AdapterSummary;
      } catch (e) {
        throw new Error(`WebGPU does not work in headless Chromium (${CHROMIUM_PATH}): ${firstLine(e)}. ` +
          `To fix: ${INSTALL_HINT}; the browser needs ${CHROMIUM_ARGS.slice(0, 3).join(' ')}.`);
      }
      const gp = new GpuPage(page, info, server.url, dir, { context, server, browser });
      gp.errors.push(...early);
      gp.console.push(...consoleLines);
      page.removeAllListeners('console');
      page.removeAllListeners('pageerror');
      page.on('console', (m) => {
        gp.console.push(`${m.type()}: ${m.text()}`);
        if (m.type() === 'error') gp.errors.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => gp.errors.push(`uncaught exception: ${e.message}`));
      gp.assertNoErrors();
      return gp;
    } catch (e) {
      await server?.close();
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Builds another page bundle; call it with `call(name, ...)`. */
  async addBundle(name: string, entry: string): Promise<void> {
    await buildPageBundle(entry, join(this.dir, 'bundles', `${name}.js`));
  }

  /** Calls `fn(ctx, ...args)` exported by bundle `name` in the page; returns its (decoded) result. */
  async call<T = unknown>(bundle: string, fn: string, ...args: unknown[]): Promise<T> {
    this.assertNoErrors();
    const wireArgs = args.map((a) => encodeWire(a));
    let out: Wire;
    try {
      // `unknown` on both sides: Playwright's types recurse without end on the recursive Wire type.
      const req: { b: string; f: string; a: unknown } = { b: bundle, f: fn, a: wireArgs };
      out = (await this.page.evaluate((r) => globalThis.__rnnc!.call(r.b, r.f, r.a as Wire[]) as Promise<unknown>, req)) as Wire;
    } catch (e) {
      await this.collectPageErrors();
      const extra = this.errors.length > 0 ? ` (page errors: ${this.errors.join(' | ')})` : '';
      throw new Error(`${bundle}.${fn} failed in the page: ${firstLine(e)}${extra}`);
    }
    await this.collectPageErrors();
    this.assertNoErrors(`${bundle}.${fn}`);
    return decodeWire(out) as T;
  }

  /** Returns the errors recorded so far and forgets them (for tests that provoke errors on purpose). */
  async takeErrors(): Promise<string[]> {
    await this.collectPageErrors();
    return this.errors.splice(0);
  }

  /** Throws when the page has reported any error so far. */
  assertNoErrors(during?: string): void {
    if (this.errors.length === 0) return;
    throw new Error(`errors in the GPU page${during ? ` during ${during}` : ''}:\n  ${this.errors.join('\n  ')}`);
  }

  private async collectPageErrors(): Promise<void> {
    try {
      const errs = await this.page.evaluate(() => globalThis.__rnnc!.errors.splice(0));
      this.errors.push(...errs);
    } catch (e) {
      this.errors.push(`cannot read the page's errors: ${firstLine(e)}`);
    }
  }

  async close(): Promise<void> {
    await this.owned.context.close().catch(() => undefined);
    await this.owned.server.close();
    await this.owned.browser?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A page with a working WebGPU device in headless Chromium (throws with a fix when there is none). */
export function openGpuPage(opts: OpenGpuPageOptions = {}): Promise<GpuPage> {
  return GpuPage.open(opts);
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Playwright prefixes "page.evaluate: " and may append a call log; keep the message and the page's stack.
  const body = m.replace(/^page\.evaluate: /, '').split('\nCall log:')[0] ?? m;
  return body.split('\n').slice(0, 12).join('\n').trim();
}
