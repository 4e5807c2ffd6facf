// Validation of kernels (WGSL, workgroup sizes and bindings against the device's limits) and of the
// programs that dispatch them.
import type { BundleFeature, ProgramName, ResourceName } from './bundle.ts';
import { arr, at, bool, describe, fail, ident, int, key, obj, oneOf, str, type Obj } from './json-check.ts';
import { MAX_RUN_DISPATCHES } from './limits.ts';
import { checkSizeExpr, MAX_SIZE } from './size-expr.ts';
import { PROGRAM_NAMES, tensorRef, type Ctx } from './validate-context.ts';

export const RESOURCES: readonly ResourceName[] = ['params', 'grads', 'opt', 'arena', 'ints', 'partials'];
const MAX_KERNELS = 4096;
const MAX_WGSL_CHARS = 2 ** 20;
const MAX_DISPATCHES = 100_000;

/** Returns the number of kernels, which programs index into. */
export function checkKernels(v: unknown, ctx: Ctx, features: ReadonlySet<BundleFeature> = new Set()): number {
  const { limits } = ctx;
  const names = new Set<string>();
  const list = arr(v, 'bundle.kernels', MAX_KERNELS);
  list.forEach((x, i) => {
    const p = `bundle.kernels[${i}]`;
    const o = obj(x, p, ['name', 'wgsl', 'entryPoint', 'workgroupSize', 'bindings', 'workgroupBytes']);
    const name = str(at(o, 'name'), `${p}.name`);
    if (names.has(name)) fail(`${p}.name`, `duplicate kernel '${name}'`);
    names.add(name);
    const wgsl = str(at(o, 'wgsl'), `${p}.wgsl`, MAX_WGSL_CHARS);
    const entry = ident(at(o, 'entryPoint'), `${p}.entryPoint`);
    if (!new RegExp(`\\bfn\\s+${entry}\\s*\\(`).test(wgsl)) fail(`${p}.entryPoint`, `the WGSL declares no function '${entry}'`);
    // A WGSL extension needs the WebGPU feature of its name on the device: the bundle must declare it.
    for (const m of wgsl.matchAll(/\benable\s+([^;]*);/g)) {
      for (const ext of m[1]!.split(',').map((e) => e.trim()).filter(Boolean)) {
        if (!(features as ReadonlySet<string>).has(ext)) fail(`${p}.wgsl`, `enables '${ext}', which is not in bundle.features`);
      }
    }
    const wp = `${p}.workgroupSize`;
    const size = arr(at(o, 'workgroupSize'), wp, 3);
    if (size.length !== 3) fail(wp, `expected 3 sizes [x, y, z], got ${size.length}`);
    const maxes = [limits.maxComputeWorkgroupSizeX, limits.maxComputeWorkgroupSizeY, limits.maxComputeWorkgroupSizeZ];
    const [x0, y0, z0] = size.map((s, j) => int(s, `${wp}[${j}]`, 1, maxes[j] ?? 1));
    const invocations = (x0 ?? 1) * (y0 ?? 1) * (z0 ?? 1);
    if (invocations > limits.maxComputeInvocationsPerWorkgroup) {
      fail(wp, `${invocations} invocations per workgroup, the device allows ${limits.maxComputeInvocationsPerWorkgroup}`);
    }
    const bp = `${p}.bindings`;
    const bindings = arr(at(o, 'bindings'), bp, MAX_KERNELS);
    if (bindings.length > limits.maxStorageBuffersPerShaderStage) {
      fail(bp, `${bindings.length} storage buffers, the device allows ${limits.maxStorageBuffersPerShaderStage} per shader stage`);
    }
    const bound = new Map<string, number>();
    bindings.forEach((y, j) => {
      const b = obj(y, `${bp}[${j}]`, ['resource', 'access']);
      const resource = oneOf(at(b, 'resource'), `${bp}[${j}].resource`, RESOURCES, 'resource');
      oneOf(at(b, 'access'), `${bp}[${j}].access`, ['read', 'read_write'] as const, 'access');
      const prev = bound.get(resource);
      if (prev !== undefined) fail(`${bp}[${j}].resource`, `'${resource}' is already bound at binding ${prev} (a buffer may be bound once per kernel)`);
      bound.set(resource, j);
    });
    int(at(o, 'workgroupBytes'), `${p}.workgroupBytes`, 0, limits.maxComputeWorkgroupStorageSize);
  });
  return list.length;
}

/** Returns each program's readable tensors. */
export function checkPrograms(programs: Obj, kernels: number, ctx: Ctx): Map<ProgramName, Set<string>> {
  const reads = new Map<ProgramName, Set<string>>();
  for (const name of PROGRAM_NAMES) {
    if (!Object.hasOwn(programs, name)) continue;
    const p = `bundle.programs.${name}`;
    const o = obj(at(programs, name), p, ['dispatches', 'reads'], ['dims', 'tensors']);
    let loopEnd = 0;
    let loopStart = -1;
    const list = arr(at(o, 'dispatches'), `${p}.dispatches`, MAX_DISPATCHES);
    list.forEach((x, i) => {
      const dp = `${p}.dispatches[${i}]`;
      const d = obj(x, dp, ['kernel', 'grid'], ['loop']);
      const k = at(d, 'kernel');
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= kernels) {
        fail(`${dp}.kernel`, `unknown kernel index ${describe(k)} (the bundle has ${kernels} kernels)`);
      }
      const grid = arr(at(d, 'grid'), `${dp}.grid`, 3);
      if (grid.length !== 3) fail(`${dp}.grid`, `expected 3 sizes [x, y, z], got ${grid.length}`);
      grid.forEach((g, j) => {
        checkSizeExpr(g, `${dp}.grid[${j}]`, ctx.dims);
        if (typeof g === 'number' && g > ctx.limits.maxComputeWorkgroupsPerDimension) {
          fail(`${dp}.grid[${j}]`, `${g} workgroups, the device allows ${ctx.limits.maxComputeWorkgroupsPerDimension} per dimension`);
        }
      });
      const loop = at(d, 'loop');
      if (loop === undefined) return;
      if (i < loopEnd) fail(`${dp}.loop`, `nested inside the loop of dispatches[${loopStart}] (loops do not nest)`);
      const l = obj(loop, `${dp}.loop`, ['count'], ['body', 'reverse']);
      checkSizeExpr(at(l, 'count'), `${dp}.loop.count`, ctx.dims);
      const count = at(l, 'count');
      if (typeof count === 'number' && count > MAX_RUN_DISPATCHES) fail(`${dp}.loop.count`, `at most ${MAX_RUN_DISPATCHES} (dispatches one run may record), got ${count}`);
      const body = at(l, 'body') === undefined ? 1 : int(at(l, 'body'), `${dp}.loop.body`, 1, list.length - i);
      if (at(l, 'reverse') !== undefined) bool(at(l, 'reverse'), `${dp}.loop.reverse`);
      loopStart = i;
      loopEnd = i + body;
    });
    const seen = new Set<string>();
    arr(at(o, 'reads'), `${p}.reads`, MAX_DISPATCHES).forEach((t, i) => {
      const tensor = tensorRef(t, `${p}.reads[${i}]`, ctx).name;
      if (seen.has(tensor)) fail(`${p}.reads[${i}]`, `duplicate tensor '${tensor}'`);
      seen.add(tensor);
    });
    reads.set(name, seen);
    if (at(o, 'tensors') !== undefined) {
      const touched = new Set<string>();
      arr(at(o, 'tensors'), `${p}.tensors`, MAX_DISPATCHES).forEach((t, i) => {
        const tensor = tensorRef(t, `${p}.tensors[${i}]`, ctx).name;
        if (touched.has(tensor)) fail(`${p}.tensors[${i}]`, `duplicate tensor '${tensor}'`);
        touched.add(tensor);
      });
      for (const r of seen) if (!touched.has(r)) fail(`${p}.tensors`, `must include the tensor '${r}' it reads back`);
    }
    const fixed = at(o, 'dims');
    if (fixed !== undefined) {
      // Any key may appear (each is checked as a dimension below); `?? {}`: null must reach obj's type check.
      const f = obj(fixed, `${p}.dims`, [], Object.keys(fixed ?? {}));
      for (const dim of Object.keys(f)) {
        if (!ctx.dims.has(dim)) fail(key(`${p}.dims`, dim), `unknown dimension '${dim.slice(0, 40)}'`);
        int(at(f, dim), key(`${p}.dims`, dim), 1, MAX_SIZE);
      }
    }
  }
  return reads;
}
