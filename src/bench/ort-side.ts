// Page side: ONNX Runtime Web's WebGPU execution provider on the ONNX LSTM/GRU graphs of M1-M4
// (inference only: ORT Web does not train). ORT is imported unbundled from the served
// node_modules/onnxruntime-web/dist, so it finds its .wasm/.mjs files next to itself.
import type * as Ort from 'onnxruntime-web';
import type { BenchModel } from './models.ts';
import { benchData } from './data.ts';
import { ONNX_INPUT, onnxModel } from './onnx.ts';

export interface OrtModel {
  predict(): Promise<void>;
  dispose(): Promise<void>;
}

let ort: typeof Ort | null = null;

async function loadOrt(baseUrl: string): Promise<typeof Ort> {
  if (ort) return ort;
  const url = `${baseUrl}ort.webgpu.min.mjs`;
  ort = (await import(/* @vite-ignore */ url)) as typeof Ort;
  ort.env.wasm.wasmPaths = baseUrl;
  // Handing ORT the binary skips its streaming compile, which needs the server to say application/wasm
  // (the harness's static server does not) and logs a console error when it falls back.
  ort.env.wasm.wasmBinary = await (await fetch(`${baseUrl}ort-wasm-simd-threaded.asyncify.wasm`)).arrayBuffer();
  ort.env.logLevel = 'warning';
  return ort;
}

export async function buildOrtModel(m: BenchModel, baseUrl: string): Promise<OrtModel> {
  const o = await loadOrt(baseUrl);
  const session = await o.InferenceSession.create(onnxModel(m), {
    // Severity 2 (warning) keeps ORT's "Some nodes were not assigned to the preferred execution
    // providers" line in the page console: the runner reads it to flag a CPU fallback.
    executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 2,
  });
  const x = new o.Tensor('float32', benchData(m).x, [m.batch, m.time, m.features]);
  return {
    async predict() {
      const out = await session.run({ [ONNX_INPUT]: x });
      for (const t of Object.values(out)) {
        await t.getData();
        t.dispose();
      }
    },
    async dispose() {
      await session.release();
    },
  };
}

/** The adapter ORT's WebGPU backend uses (after its first session). */
export async function ortAdapter(): Promise<string> {
  if (!ort) return '?';
  try {
    const dev = (await ort.env.webgpu.device) as GPUDevice & { adapterInfo?: GPUAdapterInfo };
    const i = dev.adapterInfo;
    return i ? `vendor=${i.vendor} architecture=${i.architecture}` : '?';
  } catch {
    return '?';
  }
}
