import { describe, expect, it } from 'vitest';
import { BundleError } from '../../runtime/errors.ts';
import { validateBundle } from '../../runtime/validate.ts';
import { tinyBundle, tinyJson } from './fixtures/tiny-bundle.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Validate a corrupted copy of the tiny bundle and return the error message. */
function rejects(mutate: (b: J) => void, limits?: Record<string, number>, dims?: Record<string, number>): string {
  const b = tinyJson() as J;
  mutate(b);
  try {
    validateBundle(b, limits, dims ? { dims } : {});
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return (e as Error).message;
  }
  throw new Error('the bundle was accepted');
}

describe('validateBundle', () => {
  it('accepts the tiny bundle, as an object and as JSON text, and returns a frozen private copy', () => {
    const json = tinyJson();
    const b = validateBundle(json);
    expect(b).toEqual(tinyBundle());
    expect(validateBundle(JSON.stringify(json))).toEqual(b);
    (json.kernels as J[])[0]!.name = 'changed';
    expect(b.kernels[0]!.name).toBe('affine');
    expect(Object.isFrozen(b.kernels[0])).toBe(true);
  });

  it.each<[string, (b: J) => void, string]>([
    ['format', (b) => { b.format = 'onnx'; }, "bundle.format: expected 'rnnc-bundle', got 'onnx'"],
    ['version', (b) => { b.version = 2; }, 'bundle.version: unsupported version 2 (this runtime reads version 1)'],
    ['missing field', (b) => { delete b.paramCount; }, 'bundle.paramCount: missing field'],
    ['unknown field', (b) => { b.extra = 1; }, 'bundle.extra: unknown field'],
    ['resource', (b) => { b.kernels[3].bindings[0].resource = 'foo'; },
      "bundle.kernels[3].bindings[0].resource: unknown resource 'foo' (expected one of params, grads, opt, arena, ints, partials)"],
    ['double binding', (b) => { b.kernels[0].bindings[1].resource = 'params'; },
      "bundle.kernels[0].bindings[1].resource: 'params' is already bound at binding 0 (a buffer may be bound once per kernel)"],
    ['kernel index', (b) => { b.programs.infer.dispatches[2].kernel = 9; },
      'bundle.programs.infer.dispatches[2].kernel: unknown kernel index 9 (the bundle has 9 kernels)'],
    ['tensor ref', (b) => { b.outputs[1].tensor = 'nope'; }, "bundle.outputs[1].tensor: unknown tensor 'nope'"],
    ['inherited name', (b) => { b.outputs[1].tensor = 'constructor'; }, "bundle.outputs[1].tensor: unknown tensor 'constructor'"],
    ['dim in size', (b) => { b.tensors[2].shape = ['batch', 'steps']; }, "bundle.tensors[2].shape[1]: unknown dimension 'steps'"],
    ['size op', (b) => { b.tensors[2].shape = [['pow', 'batch', 2]]; },
      "bundle.tensors[2].shape[0][0]: unknown size operation 'pow' (expected one of + * cdiv max min)"],
    ['size depth', (b) => { let e: unknown = 'batch'; for (let i = 0; i < 20; i++) e = ['+', e]; b.tensors[0].shape = [e]; },
      'nested too deeply'],
    ['cdiv by 0', (b) => { b.programs.infer.dispatches[0].grid[0] = ['cdiv', 'batch', 0]; },
      'bundle.programs.infer.dispatches[0].grid[0][2]: division by zero'],
    ['duplicate tensor', (b) => { b.tensors[1].name = 'x'; }, "bundle.tensors[1].name: duplicate tensor 'x'"],
    ['duplicate dim', (b) => { b.dims = ['batch', 'batch']; }, "bundle.dims[1]: duplicate dimension 'batch'"],
    ['param overlap', (b) => { b.params[1].offset = 2; }, "bundle.params[1].offset: 'lin.bias' [2, 6) overlaps 'lin.weight' [0, 4)"],
    ['param past end', (b) => { b.params[2].offset = 9; }, "bundle.params[2].offset: 'extra.weight' (6 values at 9) extends past paramCount 14"],
    ['init', (b) => { b.params[0].init = { kind: 'constant' }; }, 'bundle.params[0].init.value: missing field'],
    ['init rank', (b) => { b.params[0].init = { kind: 'orthogonal' }; }, "'orthogonal' needs a parameter of rank 2 or more"],
    ['slot dtype', (b) => { b.tensors[9].slot = 0; }, "bundle.tensors[9].slot: slot 0 holds f32 tensors ('x'), 'ids' is i32"],
    ['persistent slot', (b) => { b.tensors[10].slot = 0; }, 'a persistent tensor owns its slot alone'],
    ['input dtype', (b) => { b.inputs[2].tensor = 'y'; }, "bundle.inputs[2].tensor: an index input needs an i32 tensor, 'y' is f32"],
    ['input program', (b) => { delete b.programs.stream_step; }, "bundle.inputs[0].programs[2]: the bundle has no 'stream_step' program"],
    ['loss shape', (b) => { b.loss = 'y'; }, "bundle.loss: the loss tensor 'y' must be an f32 scalar"],
    ['loss read', (b) => { b.programs.train_step.reads = []; }, "bundle.programs.train_step.reads: must include the loss tensor 'loss'"],
    ['training', (b) => { b.training = null; }, 'bundle.training: a bundle with a train_step program needs training settings'],
    ['lr', (b) => { b.training.lr = -1; }, 'bundle.training.lr: expected a number in [0, Infinity], got -1'],
    ['state slots', (b) => { b.training.optimizer = 'adam'; }, 'bundle.training.stateSlots: expected an integer in [2, 4], got 1'],
    ['uniform dup', (b) => { b.uniforms.push({ kind: 'lr' }); }, "bundle.uniforms[19]: duplicate uniform field 'lr'"],
    ['uniform dim', (b) => { b.uniforms[0].name = 'steps'; }, "bundle.uniforms[0].name: unknown dimension 'steps'"],
    ['entry point', (b) => { b.kernels[0].entryPoint = 'main'; }, "bundle.kernels[0].entryPoint: the WGSL declares no function 'main'"],
    ['wgsl', (b) => { b.kernels[0].wgsl = ''; }, 'bundle.kernels[0].wgsl: expected a non-empty string'],
    ['nested loop', (b) => { b.programs.infer.dispatches[4].loop = { count: 'time' }; },
      'bundle.programs.infer.dispatches[4].loop: nested inside the loop of dispatches[3] (loops do not nest)'],
    ['loop body', (b) => { b.programs.infer.dispatches[5].loop = { count: 1, body: 2 }; },
      'bundle.programs.infer.dispatches[5].loop.body: expected an integer in [1, 1], got 2'],
    // Found by an adversarial audit: a count of 4e9 passed and the run unrolled it on the host until memory ran out.
    ['loop count', (b) => { b.programs.infer.dispatches[3].loop.count = 4000000000; },
      'bundle.programs.infer.dispatches[3].loop.count: at most 262144 (dispatches one run may record), got 4000000000'],
    ['program dims', (b) => { b.programs.stream_step.dims = { steps: 1 }; }, "bundle.programs.stream_step.dims.steps: unknown dimension 'steps'"],
    // Found by validate-fuzz.test.ts: a null here reached Object.keys and threw a TypeError.
    ['null program dims', (b) => { b.programs.stream_step.dims = null; }, 'bundle.programs.stream_step.dims: expected an object, got null'],
    ['output unread', (b) => { b.programs.infer.reads = ['y']; }, "bundle.outputs: output 'z' (tensor 'z') is in no program's reads"],
    ['not json', (b) => { b.model = 10n; }, 'bundle: not valid JSON'],
  ])('rejects a bad %s', (_name, mutate, message) => {
    expect(rejects(mutate)).toContain(message);
  });

  it('rejects text that is not JSON, and non-objects', () => {
    expect(() => validateBundle('{"format": ')).toThrow(/^bundle: not valid JSON/);
    expect(() => validateBundle([])).toThrow('bundle: expected an object, got an array of 0');
    expect(() => validateBundle(undefined)).toThrow(BundleError);
    const cyclic: J = tinyJson();
    cyclic.self = cyclic;
    expect(() => validateBundle(cyclic)).toThrow(/^bundle: not valid JSON/);
  });

  it('checks the WebGPU features a bundle declares against its kernels and the device', () => {
    const uses = (b: J) => { b.kernels[0].wgsl = `enable subgroups;\n${b.kernels[0].wgsl}`; };
    expect(rejects(uses)).toBe("bundle.kernels[0].wgsl: enables 'subgroups', which is not in bundle.features");
    expect(rejects((b) => { b.features = ['shader-f16']; })).toMatch(/^bundle.features\[0\]: .*'shader-f16'/);
    expect(rejects((b) => { b.features = ['subgroups', 'subgroups']; })).toBe('bundle.features: too many entries (2, at most 1)');
    const declared = tinyJson() as J;
    uses(declared);
    declared.features = ['subgroups'];
    expect(validateBundle(declared).features).toEqual(['subgroups']);
    expect(validateBundle(declared, undefined, { deviceFeatures: new Set(['subgroups']) }).features).toEqual(['subgroups']);
    expect(() => validateBundle(declared, undefined, { deviceFeatures: new Set() }))
      .toThrow(/^bundle.features: the kernels use the WebGPU feature 'subgroups', which this device was not created with/);
  });

  it('checks the device limits', () => {
    expect(rejects(() => {}, { maxStorageBuffersPerShaderStage: 2 }))
      .toBe('bundle.kernels[6].bindings: 3 storage buffers, the device allows 2 per shader stage');
    expect(rejects((b) => { b.kernels[0].workgroupSize = [64, 8, 1]; }))
      .toBe('bundle.kernels[0].workgroupSize: 512 invocations per workgroup, the device allows 256');
    expect(rejects((b) => { b.kernels[0].workgroupSize = [512, 1, 1]; }))
      .toBe('bundle.kernels[0].workgroupSize[0]: expected an integer in [1, 256], got 512');
    expect(rejects((b) => { b.kernels[0].workgroupBytes = 20000; }))
      .toBe('bundle.kernels[0].workgroupBytes: expected an integer in [0, 16384], got 20000');
    expect(rejects((b) => { b.programs.infer.dispatches[0].grid[1] = 70000; }))
      .toBe('bundle.programs.infer.dispatches[0].grid[1]: 70000 workgroups, the device allows 65535 per dimension');
    expect(rejects(() => {}, { maxStorageBufferBindingSize: 1024 }, { batch: 64, time: 16 }))
      .toMatch(/^bundle.tensors: the arena buffer needs \d+ bytes at these dims, more than the device's maxStorageBufferBindingSize 1024$/);
    expect(() => validateBundle(tinyJson(), undefined, { dims: { batch: 64, time: 16 } })).not.toThrow();
  });
});
