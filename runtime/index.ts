// rnnc runtime: the dependency-free WebGPU library that loads compiled bundles (spec/bundle.md).
// Built by scripts/build.mjs into dist/runtime.js: one minified ESM file, platform neutral, and it must
// import nothing outside runtime/ (the build fails otherwise).
//
//   const model = await loadModel(bundleJson, { device });
//   const { y } = await model.run({ x: { data, shape: [4, 10, 3] } });
//
// In Node on a CPU adapter (SwiftShader) requestDevice and loadModel({ gpu }) throttle Dawn's polling loop,
// which otherwise takes a core from the emulated GPU (runtime/dawn-poll.ts); with loadModel({ device }) on
// such an adapter, call throttleDawnPolling() yourself.

export const RUNTIME_VERSION = '0.1.0';

export { DAWN_POLL_SPIN_MS, runsOnCpu, throttleDawnPolling } from './dawn-poll.ts';
export { requestDevice, type RuntimeAdapterInfo, type RuntimeDevice } from './device.ts';
export { loadModel, programKernels, type LoadOptions } from './load.ts';
export { Model, type DeviceLost, type Gradients, type Output, type Outputs, type RunOptions } from './model.ts';
export type { ModelStream } from './stream.ts';
export type { FitOptions, FitResult, StepInfo, TrainData } from './fit.ts';
export { validateBundle, type ValidateOptions } from './validate.ts';
export { BundleError, GpuError, InputError } from './errors.ts';
export { learningRate } from './lr-schedule.ts';
export { layoutArena, type ArenaLayout } from './arena.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export type { Dims, InputValue, Inputs } from './inputs.ts';
export type { Weights, WeightValue } from './checkpoint.ts';
export type * from './bundle.ts';
export { BUNDLE_FORMAT, BUNDLE_VERSION } from './bundle.ts';
