// Page bundle for test/gpu/smoke-browser.test.ts: runs in headless Chromium (see src/gpu/browser.ts).
import type { PageContext } from '../../../src/gpu/page-harness.ts';
import { runSmokeKernel, type SmokeInput } from '../../../src/gpu/smoke-kernel.ts';

export async function smoke(ctx: PageContext, input: SmokeInput) {
  return runSmokeKernel(ctx.device, input);
}

/** Returns its arguments: checks that values cross the wire unchanged. */
export function echo(_ctx: PageContext, ...args: unknown[]) {
  return args;
}

/** Harness self-checks: each of these must make the call fail. */
export function invalidShader(ctx: PageContext) {
  ctx.device.createShaderModule({ code: 'this is not wgsl' });
}

export function throws() {
  throw new Error('thrown on purpose');
}

export function consoleError() {
  console.error('logged on purpose');
}

export function uncapturedError(ctx: PageContext) {
  // Outside the harness's error scopes: an async task after the call returns; the device reports it
  // through onuncapturederror.
  setTimeout(() => ctx.device.createBuffer({ size: 4, usage: 0xffffffff }), 0);
}
