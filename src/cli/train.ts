// `rnnc train MODEL.rnn --data DATA`: compile, load on WebGPU, train with the model's train block over the
// mapped data (spec/data.md), evaluate the held-out split every epoch, stop early on request, and write
// everything `rnnc predict` and `--resume` need into --out.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource, formatDiagnostics, hasErrors } from '../../compiler/front.ts';
import { compileModel } from '../../compiler/pipeline.ts';
import { UnsupportedError } from '../../compiler/lower/context.ts';
import type { Bundle } from '../../runtime/bundle.ts';
import { loadModel } from '../../runtime/index.ts';
import { loadRecords } from '../data/load-records.ts';
import { prepareData } from '../data/prepare.ts';
import { epochLine, formatDuration, formatMetric, progressBar } from '../data/progress.ts';
import { readDataArg } from '../data/read-spec.ts';
import { trainEpochs, trainingPrograms, type EpochReport } from '../data/train-loop.ts';
import { formatAdapter, summarizeAdapter } from '../gpu/adapter-info.ts';
import { getNodeGpu } from '../gpu/node-webgpu.ts';
import { bundleJson } from './compile.ts';
import { CliError, makeOutputDir, parseFlags, type CliIo, type Command } from './command.ts';
import { checkCpuSteps, trainOnCpu } from './train-cpu.ts';

const USAGE = `rnnc train MODEL.rnn --data DATA [options]

  --data DATA         a data spec (*.data.json), or a .csv / .jsonl file with --map (spec/data.md)
  --map MAPPING.json  how columns become model inputs, for CSV / JSON Lines data
  --epochs N          epochs to train (default: the model's train block)
  --out DIR           where to write the bundle, weights.safetensors (best held-out loss),
                      checkpoint.safetensors (last epoch), metrics.json, data.json (default out/<model>)
  --resume            continue from DIR/checkpoint.safetensors up to --epochs
  --patience N        stop after N epochs without a better held-out loss
  --backend webgpu|cpu  webgpu (default) or the float64 CPU reference (slow: tiny runs only)
  --model NAME        the model to train, when the file declares several`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on CSV / JSON Lines / generated data with progress, held-out metrics and checkpoints',
  usage: USAGE,
  run: (args, io) => train(args, io),
};

interface Metrics { model: string; examples: { train: number; heldOut: number }; epochs: (EpochReport & { secondsTotal?: number })[]; bestEpoch: number; bestLoss: number }

async function train(args: string[], io: CliIo): Promise<number> {
  const valued = ['data', 'map', 'epochs', 'out', 'backend', 'patience', 'model'];
  const { flags, positionals } = parseFlags(args, valued);
  for (const f of flags.keys()) if (!valued.includes(f) && f !== 'resume') throw new CliError(`train: unknown option --${f}`);
  const str = (k: string) => {
    const v = flags.get(k);
    if (v === true) throw new CliError(`--${k} needs a value`);
    return v;
  };
  const int = (k: string) => {
    const v = str(k);
    if (v !== undefined && !/^\d+$/.test(v)) throw new CliError(`--${k} must be a non-negative integer, got '${v}'`);
    return v === undefined ? undefined : Number(v);
  };
  if (positionals.length !== 1) throw new CliError(`train needs exactly one model file\nusage: ${USAGE.split('\n')[0]}`);
  const data = str('data');
  if (!data) throw new CliError('train needs --data DATA (a *.data.json spec, or CSV / JSON Lines with --map)');
  const backend = str('backend') ?? 'webgpu';
  if (backend !== 'webgpu' && backend !== 'cpu') throw new CliError(`--backend must be webgpu or cpu, got '${backend}'`);
  if (backend === 'cpu' && flags.has('resume')) throw new CliError('--resume continues a WebGPU run: the cpu backend keeps no checkpoint');

  const { model: checked, text, path } = checkModel(positionals[0]!, str('model'), io);
  if (!checked.training) throw new CliError(`model ${checked.name} has no train block: nothing to train with`);
  let bundle: Bundle;
  try {
    bundle = compileModel(checked);
  } catch (e) {
    if (!(e instanceof UnsupportedError)) throw e;
    io.err(formatDiagnostics([{ code: 'E0900', severity: 'error', message: e.message, span: e.node.span }], text, path).trimEnd());
    return 1;
  }
  const training = bundle.training!;
  const epochs = int('epochs') ?? training.epochs;
  if (epochs < 1) throw new CliError('--epochs must be at least 1');
  const out = str('out') ?? join('out', checked.name);
  const patience = int('patience');

  let specFile;
  try {
    specFile = readDataArg(data, str('map'));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const { spec } = specFile;
  const t0 = performance.now();
  const prepared = wrap(() => prepareData(spec, bundle, loadRecords(spec, specFile.dir)));
  io.out(`${checked.name}: ${prepared.train.length} training, ${prepared.heldOut.length} held-out examples `
    + `(${formatDuration((performance.now() - t0) / 1000)} to prepare); batch ${training.batchSize}, ${epochs} epochs`);
  if (backend === 'cpu') checkCpuSteps(epochs, prepared.train.length, training.batchSize);
  makeOutputDir(out, '--out');
  // The bundle and data.json go out with the first weights, not before training: a run that fails
  // early leaves a folder that held another model as it was (its bundle, weights and classes agree).
  let modelWritten = false;
  const writeModel = () => {
    if (modelWritten) return;
    writeFileSync(join(out, `${checked.name}.bundle.json`), bundleJson(bundle));
    writeFileSync(join(out, 'data.json'), `${JSON.stringify({ spec: specFile.json, state: prepared.state }, null, 1)}\n`);
    modelWritten = true;
  };
  if (backend === 'cpu') return trainOnCpu(checked, prepared, { epochs, out, metric: spec.metric, io, writeModel });

  const ckptPath = join(out, 'checkpoint.safetensors'), metricsPath = join(out, 'metrics.json');
  const resume = flags.has('resume');
  if (resume && !existsSync(ckptPath)) throw new CliError(`--resume: ${ckptPath} does not exist (train without --resume first)`);
  const metrics: Metrics = resume && existsSync(metricsPath)
    ? JSON.parse(readFileSync(metricsPath, 'utf8')) as Metrics
    : { model: checked.name, examples: { train: prepared.train.length, heldOut: prepared.heldOut.length }, epochs: [], bestEpoch: -1, bestLoss: Infinity };
  const gpu = await getNodeGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter) io.out(`WebGPU: ${formatAdapter(summarizeAdapter(adapter))}`);
  // The bundle written above runs on any WebGPU device; training here uses the subgroup kernels where
  // this adapter has the feature (same parameters and checkpoints, faster kernels: issue #8).
  const runBundle = adapter?.features.has('subgroups') ? compileModel(checked, { subgroups: true }) : bundle;
  const model = await loadModel(runBundle, {
    gpu, programs: trainingPrograms(runBundle, spec.metric), ...(resume ? { checkpoint: readFileSync(ckptPath) } : {}),
  });
  const tty = process.stdout.isTTY === true;
  const targetStats = spec.metric ? prepared.state.stats[spec.metric.target] : undefined;
  try {
    const result = await trainEpochs(model, prepared.train, prepared.heldOut, prepared.names, {
      epochs, startEpoch: metrics.epochs.length, batchSize: training.batchSize, seed: training.seed,
      ...(patience !== undefined ? { patience } : {}), bestLoss: metrics.bestLoss ?? Infinity,
      ...(spec.metric ? { metric: spec.metric } : {}), ...(targetStats ? { targetStats } : {}),
      onStep: (r) => {
        if (tty) process.stdout.write(`\r${progressBar(r, epochs)}\x1b[K`);
        else if (r.step % 50 === 0) io.out(`  step ${r.step}/${r.steps} loss ${r.loss.toFixed(4)}`);
      },
      onEpoch: async (r) => {
        if (tty) process.stdout.write('\r\x1b[K');
        io.out(epochLine(r, epochs, spec.metric));
        if (r.best) {
          const weights = await model.saveWeights();
          writeModel();
          writeFileSync(join(out, 'weights.safetensors'), weights);
          metrics.bestEpoch = r.epoch;
          metrics.bestLoss = r.heldOut?.loss ?? r.trainLoss;
        }
        writeFileSync(ckptPath, await model.saveCheckpoint());
        metrics.epochs.push(r);
        writeFileSync(metricsPath, `${JSON.stringify(metrics, null, 1)}\n`);
      },
    });
    const best = metrics.epochs[metrics.bestEpoch];
    const seconds = (performance.now() - t0) / 1000;
    if (result.stoppedEarly && patience !== undefined) io.out(`early stop: no better held-out loss for ${patience} epochs`);
    if (best?.heldOut) {
      io.out(`held-out ${best.heldOut.metric !== null ? formatMetric(spec.metric, best.heldOut.metric) : 'loss'} (loss ${best.heldOut.loss.toFixed(4)}, `
        + `${best.heldOut.examples} examples, epoch ${best.epoch + 1}); trained in ${formatDuration(seconds)}`);
    }
    io.out(`wrote ${out}/: ${checked.name}.bundle.json weights.safetensors checkpoint.safetensors metrics.json data.json`);
    return 0;
  } finally {
    model.dispose();
  }
}


function checkModel(path: string, wanted: string | undefined, io: CliIo) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const checked = checkSource(text, path);
  if (checked.diagnostics.length > 0) io.err(formatDiagnostics(checked.diagnostics, text, path).trimEnd());
  if (!checked.file || hasErrors(checked.diagnostics)) throw new CliError(`${path} has errors`);
  const models = checked.file.models.filter((m) => wanted === undefined || m.name === wanted);
  if (models.length !== 1) throw new CliError(models.length === 0 ? `${path} has no model ${String(wanted)}` : `${path} declares several models: choose one with --model`);
  return { model: models[0]!, text, path };
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
