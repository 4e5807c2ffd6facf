// Compiles every kernel once, at load: explicit bind group layouts (group 0: the kernel's bindings in
// order; group 1: the Run uniform and the Step uniform with a dynamic offset), shader modules shared
// by identical WGSL, and createComputePipelineAsync for all kernels in parallel.
import type { Bundle, BundleKernel } from './bundle.ts';
import { GpuError } from './errors.ts';
import { STAGE_COMPUTE } from './gpu-consts.ts';
import { scoped } from './gpu-errors.ts';

export interface Compiled {
  /** Undefined for kernels left out by LoadOptions.programs. */
  readonly pipelines: readonly (GPUComputePipeline | undefined)[];
  /** Group 0 layout of each kernel (kernels with the same binding accesses share one). */
  readonly kernelLayouts: readonly GPUBindGroupLayout[];
  readonly runLayout: GPUBindGroupLayout;
}

export async function compileKernels(device: GPUDevice, bundle: Bundle, label: string, only?: ReadonlySet<number>): Promise<Compiled> {
  const { value, done } = scoped(device, `compiling ${label}`, () => {
    const runLayout = device.createBindGroupLayout({
      label: `${label}:run-layout`,
      entries: [
        { binding: 0, visibility: STAGE_COMPUTE, buffer: { type: 'uniform' } },
        { binding: 1, visibility: STAGE_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ],
    });
    const layouts = new Map<string, GPUBindGroupLayout>();
    const modules = new Map<string, GPUShaderModule>();
    const kernelLayouts: GPUBindGroupLayout[] = [];
    const pending = bundle.kernels.map((k, index) => {
      const key = k.bindings.map((b) => b.access).join(',');
      let layout = layouts.get(key);
      if (!layout) {
        layout = device.createBindGroupLayout({
          label: `${label}:layout(${key})`,
          entries: k.bindings.map((b, i) => ({
            binding: i, visibility: STAGE_COMPUTE, buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
          })),
        });
        layouts.set(key, layout);
      }
      kernelLayouts.push(layout);
      if (only && !only.has(index)) return Promise.resolve(undefined);
      let module = modules.get(k.wgsl);
      if (!module) {
        module = device.createShaderModule({ label: `${label}:${k.name}`, code: k.wgsl });
        modules.set(k.wgsl, module);
      }
      const pipelineLayout = device.createPipelineLayout({ label: `${label}:${k.name}`, bindGroupLayouts: [layout, runLayout] });
      const pipeline = device.createComputePipelineAsync({
        label: `${label}:${k.name}`, layout: pipelineLayout, compute: { module, entryPoint: k.entryPoint },
      });
      return pipeline.catch((e: unknown) => compileError(k, module, e));
    });
    return { runLayout, kernelLayouts, pending };
  });
  const [pipelines] = await Promise.all([Promise.all(value.pending), done]);
  return { pipelines, kernelLayouts: value.kernelLayouts, runLayout: value.runLayout };
}

/** A failed pipeline, with the compiler's messages (line:column) when the module has them. */
async function compileError(k: BundleKernel, module: GPUShaderModule, e: unknown): Promise<never> {
  let detail = e instanceof Error ? e.message : String(e);
  try {
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`);
    if (errors.length) detail = errors.join('; ');
  } catch { /* no compilation info on this implementation: keep the pipeline error */ }
  throw new GpuError(`kernel '${k.name}' failed to compile: ${detail}`, 'compilation');
}
