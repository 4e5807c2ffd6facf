// `rnnc run MODEL.rnn --out OUT.safetensors`: evaluate a model on a back end and write everything needed
// to compare back ends: `output.<name>` for each declared output, `loss`, the inputs and weights actually
// used (`input.<name>`, `weight.<name>`) and, with --grads, `grad.<name>` for every parameter and float input.
// Input and weight files may name tensors plainly or with those prefixes, so an output file can be fed back.
import { readFileSync, writeFileSync } from 'node:fs';
import { checkSource, formatDiagnostics, hasErrors } from '../../compiler/front.ts';
import type { CheckedModel, ValueId } from '../../compiler/check/model.ts';
import { initParam } from '../../runtime/init.ts';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.ts';
import { toF32, type Tensor } from '../../runtime/tensor.ts';
import { bindDims, checkInputs, gradients, evaluate, randomInputs } from '../reference/index.ts';
import { ften } from '../reference/tensor.ts';
import { CliError, parseFlags, type CliIo, type Command } from './command.ts';
import { runOnWebGpu } from '../gpu/run-on-webgpu.ts';
import { isBundlePath, runBundle } from './run-bundle.ts';

const USAGE = `rnnc run MODEL.rnn --out OUT.safetensors [options]

  --model NAME            the model to run, when the file declares several
  --inputs IN.safetensors inputs (named plainly or input.<name>); default: drawn from the seed
  --weights W.safetensors weights (named plainly or weight.<name>); missing ones are initialised from the seed
  --out OUT.safetensors   where to write outputs, loss, inputs, weights (and gradients)
  --grads                 also write grad.<name> for every parameter and float input
                          (of the loss; of the sum of the float outputs when the model has no loss)
  --backend cpu|webgpu    cpu is the float64 reference (default)
  --seed N                seed for initial weights, random inputs and dropout (default 0)
  --dim NAME=SIZE         size of a symbolic dimension (repeatable); others: from the inputs, else 2..5 from the seed
  --dtype f32|f64         float type written (default f64 from cpu)
  --training              training mode (dropout active, at --step)
  --step N                training step for dropout masks (default 0)`;

/** What the WebGPU back end receives from `rnnc run --backend webgpu` (see webGpuRunner below). */
export interface WebGpuRunRequest {
  readonly model: CheckedModel;
  readonly weights: ReadonlyMap<string, Tensor>;
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly dims: ReadonlyMap<string, number>;
  readonly grads: boolean;
  readonly training: boolean;
  readonly seed: number;
  readonly step: number;
}
export interface WebGpuRunResult {
  readonly outputs: ReadonlyMap<string, Tensor>;
  readonly loss?: number;
  /** By parameter or input name, when grads was asked for. */
  readonly grads?: ReadonlyMap<string, Tensor>;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a model on random or given inputs; write outputs, loss, gradients as safetensors',
  usage: USAGE,
  run: (args, io) => runModel(args, io),
};

export async function runModel(args: string[], io: CliIo): Promise<number> {
  // --dim may repeat; parseFlags keeps one value per key, so take them out first.
  const dimArgs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dim') {
      const v = args[++i];
      if (v === undefined) throw new CliError('--dim needs NAME=SIZE');
      dimArgs.push(v);
    } else if (a.startsWith('--dim=')) dimArgs.push(a.slice(6));
    else rest.push(a);
  }
  const valued = ['model', 'inputs', 'weights', 'out', 'backend', 'seed', 'dtype', 'step'];
  const { flags, positionals } = parseFlags(rest, valued);
  for (const f of flags.keys()) if (!valued.includes(f) && f !== 'grads' && f !== 'training') throw new CliError(`run: unknown option --${f}`);
  const str = (k: string): string | undefined => {
    const v = flags.get(k);
    if (v === true) throw new CliError(`--${k} needs a value`);
    return v;
  };
  const int = (k: string, dflt: number): number => {
    const v = str(k);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new CliError(`--${k} must be an integer in 0..4294967295, got '${v}'`);
    return Number(v);
  };
  if (positionals.length !== 1) throw new CliError(`run needs exactly one model file\nusage: ${USAGE.split('\n')[0]}`);
  const out = str('out');
  if (out === undefined) throw new CliError('run needs --out OUT.safetensors');
  const backend = str('backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new CliError(`--backend must be cpu or webgpu, got '${backend}'`);
  const dtype = str('dtype') ?? 'f64';
  if (dtype !== 'f32' && dtype !== 'f64') throw new CliError(`--dtype must be f32 or f64, got '${dtype}'`);
  const seed = int('seed', 0);
  const step = int('step', 0);
  const training = flags.has('training');
  const wantGrads = flags.has('grads');

  if (isBundlePath(positionals[0]!)) {
    if (backend !== 'webgpu') throw new CliError('a compiled bundle runs on --backend webgpu only (the cpu backend needs the .rnn model)');
    const bundleDims: Record<string, number> = {};
    for (const a of dimArgs) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(a);
      if (!m || Number(m[2]) < 1) throw new CliError(`--dim wants NAME=SIZE, got '${a}'`);
      bundleDims[m[1]!] = Number(m[2]);
    }
    return runBundle(positionals[0]!, { out, inputs: str('inputs'), weights: str('weights'), model: str('model'), seed, step,
                                        training, grads: wantGrads, dims: bundleDims }, io);
  }
  const model = loadModel(positionals[0]!, str('model'), io);
  const dims = parseDims(dimArgs, model);
  const weights = loadWeights(model, str('weights'), seed);
  const { inputs, bound } = loadInputs(model, str('inputs'), seed, dims);

  let outputs: ReadonlyMap<string, Tensor>;
  let loss: number | undefined;
  let grads: Map<string, Tensor> | undefined;
  const meta: Record<string, string> = {
    model: model.name, backend, seed: String(seed), training: String(training), step: String(step),
    dims: JSON.stringify(Object.fromEntries(bound)),
  };
  if (backend === 'webgpu') {
    const r = await runOnWebGpu({ model, weights, inputs, dims: bound, grads: wantGrads, training, seed, step });
    ({ outputs, loss } = r);
    grads = r.grads ? new Map(r.grads) : undefined;
  } else {
    const opts = { training, seed, step, dims: Object.fromEntries(bound) };
    if (wantGrads) {
      const cotangents = model.loss === undefined ? sumOfOutputs(model, evaluate(model, weights, inputs, opts).values) : undefined;
      if (cotangents) meta.grads_of = 'sum of the float outputs (the model has no loss)';
      const g = gradients(model, weights, inputs, { ...opts, ...(cotangents ? { cotangents } : {}) });
      ({ outputs, loss } = g.evaluation);
      grads = new Map([...g.params, ...g.inputs]);
    } else {
      ({ outputs, loss } = evaluate(model, weights, inputs, opts));
    }
  }

  const floats = (t: Tensor): Tensor => (t.dtype === 'i32' ? t : dtype === 'f32' ? toF32(t) : { ...t, dtype: 'f64', data: Float64Array.from(t.data) });
  const entries: [string, Tensor][] = [];
  for (const o of model.outputs) {
    const t = outputs.get(o.name);
    if (!t) throw new Error(`internal: the ${backend} back end returned no output ${o.name}`);
    entries.push([`output.${o.name}`, floats(t)]);
  }
  if (loss !== undefined) entries.push(['loss', floats(ften([], Float64Array.of(loss)))]);
  for (const d of model.inputs) entries.push([`input.${d.name}`, floats(inputs.get(d.name)!)]);
  for (const p of model.params) entries.push([`weight.${p.name}`, floats(weights.get(p.name)!)]);
  for (const [name, g] of grads ?? []) entries.push([`grad.${name}`, floats(g)]);
  try {
    writeFileSync(out, writeSafetensors(entries, meta));
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as Error).message}`);
  }
  io.out(`${out}: ${model.name} on ${backend}, ${model.outputs.length} output${model.outputs.length === 1 ? '' : 's'}` +
    `${loss !== undefined ? `, loss ${loss}` : ''}${grads ? `, ${grads.size} gradients` : ''}`);
  return 0;
}

function loadModel(path: string, name: string | undefined, io: CliIo): CheckedModel {
  const text = readText(path);
  const result = checkSource(text, path);
  if (result.diagnostics.length > 0) io.err(formatDiagnostics(result.diagnostics, text, path).trimEnd());
  if (!result.file || hasErrors(result.diagnostics)) throw new CliError(`${path} has errors`);
  const models = result.file.models;
  if (name !== undefined) {
    const m = models.find((x) => x.name === name);
    if (!m) throw new CliError(`${path} has no model ${name} (it has ${models.map((x) => x.name).join(', ')})`);
    return m;
  }
  if (models.length !== 1) throw new CliError(`${path} declares ${models.length} models (${models.map((x) => x.name).join(', ')}): choose one with --model`);
  return models[0]!;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function readTensors(path: string): Map<string, Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return readSafetensors(bytes).tensors;
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
}

const ROLES = ['input.', 'weight.', 'output.', 'grad.'];

/** The tensors of a file that play `role`: `role.<name>` or plain names; other roles' tensors are skipped. */
function tensorsFor(file: Map<string, Tensor>, role: 'input.' | 'weight.'): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of file) {
    if (name.startsWith(role)) out.set(name.slice(role.length), t);
    else if (name !== 'loss' && !ROLES.some((r) => name.startsWith(r))) out.set(name, t);
  }
  return out;
}

function loadWeights(model: CheckedModel, path: string | undefined, seed: number): Map<string, Tensor> {
  const given = path === undefined ? new Map<string, Tensor>() : tensorsFor(readTensors(path), 'weight.');
  const declared = new Map(model.params.map((p) => [p.name, p]));
  for (const [name, t] of given) {
    const p = declared.get(name);
    if (!p) throw new CliError(`unknown weight ${name}: model ${model.name} has no such parameter`);
    if (t.dtype === 'i32' || t.shape.join() !== p.shape.join() || t.shape.length !== p.shape.length) {
      throw new CliError(`weight ${name}: expected float [${p.shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}]`);
    }
  }
  const weights = new Map<string, Tensor>();
  for (const p of model.params) weights.set(p.name, given.get(p.name) ?? ften(p.shape, initParam(p, seed)));
  return weights;
}

function loadInputs(model: CheckedModel, path: string | undefined, seed: number, dims: Record<string, number>)
  : { inputs: Map<string, Tensor>; bound: Map<string, number> } {
  if (path === undefined) {
    const { inputs, dims: bound } = randomInputs(model, seed, dims);
    return { inputs, bound };
  }
  const inputs = tensorsFor(readTensors(path), 'input.');
  try {
    const bound = bindDims(model, inputs, dims);
    checkInputs(model, inputs, bound);
    return { inputs, bound };
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

function parseDims(args: string[], model: CheckedModel): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const a of args) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(a);
    if (!m) throw new CliError(`--dim wants NAME=SIZE, got '${a}'`);
    const [, name, size] = m as unknown as [string, string, string];
    if (!model.dims.includes(name)) throw new CliError(`unknown dimension ${name}: model ${model.name} has ${model.dims.join(', ') || 'none'}`);
    if (Number(size) < 1) throw new CliError(`--dim ${name} must be at least 1`);
    dims[name] = Number(size);
  }
  return dims;
}

/** Cotangent 1 on every element of every float output: the gradient of their sum. */
function sumOfOutputs(model: CheckedModel, values: ReadonlyMap<ValueId, Tensor>): Map<ValueId, Float64Array> {
  const cot = new Map<ValueId, Float64Array>();
  for (const o of model.outputs) {
    const v = values.get(o.value);
    if (v && v.dtype !== 'i32') cot.set(o.value, new Float64Array(v.data.length).fill(1));
  }
  return cot;
}
