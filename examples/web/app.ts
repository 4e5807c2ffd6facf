// The rnnc web demo: pick an example, train it here on WebGPU with a live chart, then try the model.
// Uses only the public runtime API (runtime/index.ts, what dist/runtime.js exports) plus the data layer;
// the bundles were compiled at build time by the rnnc esbuild plugin.
import { loadModel, programKernels, requestDevice, type Model, type ProgramName } from '../../runtime/index.ts';
import { prepareData, type PreparedData } from '../../src/data/prepare.ts';
import { trainEpochs, trainingPrograms } from '../../src/data/train-loop.ts';
import { LiveChart } from './chart.ts';
import { EXAMPLES, type DemoExample } from './examples.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
/** Stop after this many steps (the browser test trains a few steps only). */
const maxSteps = Number(params.get('maxSteps') ?? Infinity);

const chart = new LiveChart($<HTMLCanvasElement>('chart'));
const demo = { phase: 'idle' as string, steps: 0, chart: chart.state, error: '' };
Object.assign(globalThis, { rnncDemo: demo });

let device: GPUDevice | null = null;
let model: Model | null = null;
let stop = false;

const status = (text: string) => { $('status').textContent = text; };

function setup(): void {
  const select = $<HTMLSelectElement>('example');
  for (const ex of EXAMPLES) select.append(Object.assign(document.createElement('option'), { value: ex.id, textContent: ex.title }));
  const pick = () => {
    const ex = current();
    $<HTMLInputElement>('epochs').value = String(ex.epochs);
    chart.reset(ex.spec.metric?.kind === 'mae' ? 'MAE' : 'accuracy');
    $('try').replaceChildren('Train the model to try it.');
  };
  select.value = params.get('example') ?? 'names';
  select.addEventListener('change', pick);
  pick();
  $('train').addEventListener('click', () => void train().catch(fail));
  $('stop').addEventListener('click', () => { stop = true; });
}

const current = (): DemoExample => EXAMPLES.find((e) => e.id === $<HTMLSelectElement>('example').value) ?? EXAMPLES[0]!;

async function train(): Promise<void> {
  const ex = current();
  $<HTMLButtonElement>('train').disabled = true;
  stop = false;
  demo.phase = 'loading';
  chart.reset(ex.spec.metric?.kind === 'mae' ? 'MAE' : 'accuracy');
  status('getting a WebGPU device…');
  device ??= (await requestDevice()).device;
  model?.dispose();
  // Only what the page runs: training with its held-out evaluation, then tries with run (infer); no stream.
  const programs = [...new Set<ProgramName>([...trainingPrograms(ex.bundle, ex.spec.metric), 'infer'])];
  status(`compiling ${programKernels(ex.bundle, programs).size} kernels…`);
  model = await loadModel(ex.bundle, { device, programs });
  const data: PreparedData = prepareData(ex.spec, ex.bundle, ex.records());
  const epochs = Math.max(1, Number($<HTMLInputElement>('epochs').value) || ex.epochs);
  demo.phase = 'training';
  const t0 = performance.now();
  await trainEpochs(model, data.train, data.heldOut, data.names, {
    epochs, batchSize: ex.bundle.training!.batchSize, seed: ex.bundle.training!.seed,
    ...(ex.spec.metric ? { metric: ex.spec.metric } : {}),
    ...(ex.spec.metric && data.state.stats[ex.spec.metric.target] ? { targetStats: data.state.stats[ex.spec.metric.target]! } : {}),
    shouldStop: () => stop || demo.steps >= maxSteps,
    onStep: (r) => {
      demo.steps++;
      chart.addLoss(r.loss);
      status(`epoch ${r.epoch + 1}/${epochs}, step ${r.step}/${r.steps}: loss ${r.loss.toFixed(4)}, ${r.examplesPerSecond.toFixed(0)} examples/s`);
    },
    onEpoch: (r) => { if (r.heldOut?.metric != null) chart.addMetric(r.heldOut.metric); },
  });
  status(`trained ${demo.steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${data.train.length} examples; try it below`);
  await ex.tryIt($('try'), model, data, ex.spec);
  demo.phase = 'trained';
  $<HTMLButtonElement>('train').disabled = false;
}

function fail(e: unknown): void {
  demo.phase = 'error';
  demo.error = e instanceof Error ? e.message : String(e);
  status(`error: ${demo.error}`);
  $<HTMLButtonElement>('train').disabled = false;
}

setup();
