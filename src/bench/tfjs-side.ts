// Page side: the same five models as TensorFlow.js Keras-style layers, on the webgpu backend and on
// wasm (the CPU reference point). Inference is predict + readback of the probabilities; a training
// step is trainOnBatch (forward, backward, Adam update, loss read back).
//
// Differences from rnnc's models, kept on purpose to stay with Keras' own layers: recurrentActivation
// is set to 'sigmoid' (tfjs defaults to hardSigmoid; rnnc and PyTorch use σ); tfjs' GRU applies the
// reset gate before the recurrent product (resetAfter=false is all it supports), PyTorch/rnnc after:
// the same FLOPs. Frames are channels last here ([B, T, H, W, C]), channels first in rnnc.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BenchModel } from './models.ts';
import { benchData } from './data.ts';

export type TfBackend = 'webgpu' | 'wasm';

export interface TfModel {
  predict(): Promise<void>;
  train(): Promise<number>;
  dispose(): void;
}

let wasmPathsSet = false;

/** Switches tfjs to `backend` (each backend is initialised once and kept). */
export async function useBackend(backend: TfBackend, wasmUrl: string): Promise<string> {
  if (backend === 'wasm' && !wasmPathsSet) {
    setWasmPaths(wasmUrl);
    setThreadsCount(navigator.hardwareConcurrency);                // XNNPACK's default is half the cores
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}

/** A backend instance if it was initialised (tf.findBackend would initialise it). */
const initialised = (name: TfBackend): unknown => (tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name];

/** Threads the wasm backend runs on (0: never initialised; 1 when the page has no SharedArrayBuffer). */
export async function wasmThreads(): Promise<string> {
  const mt = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return `${initialised('wasm') ? getThreadsCount() : 0} (multithread support: ${mt})`;
}

/** What the webgpu backend's own adapter says (tfjs requests its own device on the page's adapter). */
export function webgpuAdapter(): string {
  const b = initialised('webgpu') as { adapterInfo?: { vendor?: string; architecture?: string } } | undefined;
  return b?.adapterInfo ? `vendor=${b.adapterInfo.vendor ?? '?'} architecture=${b.adapterInfo.architecture ?? '?'}` : '?';
}

function buildLayers(m: BenchModel): tf.Sequential {
  const model = tf.sequential();
  if (m.conv && m.frame) {
    const [c, h, w] = m.frame;
    model.add(tf.layers.convLstm2d({
      filters: m.conv.filters, kernelSize: m.conv.kernel, padding: 'same', recurrentActivation: 'sigmoid',
      inputShape: [m.time, h, w, c],
    }));
    model.add(tf.layers.flatten());
  } else {
    m.layers.forEach((l, i) => {
      const common = { units: l.hidden, returnSequences: l.sequences, recurrentActivation: 'sigmoid' as const };
      const layer = (more: { inputShape?: number[] }) =>
        l.cell === 'lstm' ? tf.layers.lstm({ ...common, ...more }) : tf.layers.gru({ ...common, ...more });
      const first = i === 0 ? { inputShape: [m.time, m.features] } : {};
      if (l.bidirectional) model.add(tf.layers.bidirectional({ layer: layer({}), mergeMode: 'concat', ...first }));
      else model.add(layer(first));
    });
  }
  model.add(tf.layers.dense({ units: m.classes, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

/** Builds `m` on the current backend with the benchmark's inputs (created once, kept on the device). */
export function buildTfModel(m: BenchModel): TfModel {
  const model = buildLayers(m);
  const d = benchData(m);
  const shape = m.frame ? [m.batch, m.time, m.frame[1], m.frame[2], m.frame[0]] : [m.batch, m.time, m.features];
  const x = tf.tensor(m.frame ? channelsLast(d.x, m) : d.x, shape);
  const y = tf.tensor(Float32Array.from(d.labels), [m.batch, 1]);
  return {
    async predict() {
      const p = model.predict(x) as tf.Tensor;
      await p.data();
      p.dispose();
    },
    async train() {
      const loss = await model.trainOnBatch(x, y);
      return Array.isArray(loss) ? loss[0]! : loss;
    },
    dispose() {
      model.dispose();
      x.dispose();
      y.dispose();
      const opt = model.optimizer as tf.Optimizer | undefined;
      opt?.dispose();
      // The webgpu backend pools freed buffers; release them so the next model's peak starts at zero.
      const be = initialised('webgpu') as { bufferManager?: { dispose(): void } } | undefined;
      if (tf.getBackend() === 'webgpu') be?.bufferManager?.dispose();
    },
  };
}

/** [B, T, C, H, W] -> [B, T, H, W, C]. */
function channelsLast(x: Float32Array, m: BenchModel): Float32Array {
  const [c, h, w] = m.frame!;
  const out = new Float32Array(x.length);
  for (let bt = 0; bt < m.batch * m.time; bt++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < h * w; i++) out[bt * c * h * w + i * c + ch] = x[bt * c * h * w + ch * h * w + i]!;
    }
  }
  return out;
}
