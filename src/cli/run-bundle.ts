// `rnnc run BUNDLE --backend webgpu`: run a compiled bundle (its directory or its .bundle.json) without the
// model source. The bundle is untrusted input: it is validated before any GPU work, and a bad one is an
// error naming the field, exit status 1. Inputs come from --inputs or are drawn from the seed using the
// bundle's input roles; weights from --weights or the bundle's initialisers.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '../../runtime/bundle.ts';
import { sizeAt } from '../../runtime/size-expr.ts';
import { loadModel, validateBundle, type Inputs } from '../../runtime/index.ts';
import { RandomStream } from '../../runtime/random.ts';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { requestNodeDevice } from '../gpu/node-webgpu.ts';
import { CliError, type CliIo } from './command.ts';

export interface BundleRunOptions {
  readonly out: string; readonly inputs?: string; readonly weights?: string; readonly model?: string;
  readonly seed: number; readonly step: number; readonly training: boolean; readonly grads: boolean;
  readonly dims: Record<string, number>;
}

/** A directory, or a file that is not a .rnn source. */
export function isBundlePath(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isDirectory()) return true;
  if (path.endsWith('.rnn')) return false;
  // Any other name: a bundle is JSON (an object), a model source starts with a comment or `model`.
  const head = readFileSync(path, { encoding: 'utf8', flag: 'r' }).slice(0, 256).replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('{');
}

function readBundle(path: string, model: string | undefined): Bundle {
  let file = path;
  if (statSync(path).isDirectory()) {
    const found = readdirSync(path).filter((f) => f.endsWith('.bundle.json'));
    const pick = model === undefined ? found : found.filter((f) => f === `${model}.bundle.json`);
    if (pick.length !== 1) {
      throw new CliError(pick.length === 0 ? `${path} holds no ${model ?? '*'}.bundle.json` : `${path} holds several bundles (${found.join(', ')}): choose one with --model`);
    }
    file = join(path, pick[0]!);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file}: not a bundle: ${(e as Error).message}`);
  }
  try {
    return validateBundle(json);
  } catch (e) {
    throw new CliError(`${file}: invalid bundle: ${(e as Error).message}`);
  }
}

function strip(file: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of file) {
    if (k.startsWith(prefix)) out.set(k.slice(prefix.length), t);
    else if (!/^(input|weight|output|grad)\./.test(k) && k !== 'loss') out.set(k, t);
  }
  return out;
}

function readTensors(path: string): Map<string, Tensor> {
  try {
    return readSafetensors(readFileSync(path)).tensors;
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
}

/** Inputs of the declared roles drawn from the seed: floats in [−1, 1), ids below their bound, lengths in 1..T. */
function randomBundleInputs(b: Bundle, seed: number, dims: Record<string, number>): Inputs {
  const out: Record<string, { data: Float32Array | Int32Array; shape: number[] }> = {};
  for (const input of b.inputs) {
    const t = b.tensors.find((x) => x.name === input.tensor)!;
    const shape = t.shape.map((e, i) => sizeAt(e, dims, `input '${input.name}' shape[${i}]`));
    const n = shape.reduce((a, c) => a * c, 1);
    const r = RandomStream.forName(seed, `input.${input.name}`);
    const role = input.role;
    if (role.kind === 'float') out[input.name] = { data: Float32Array.from({ length: n }, () => r.uniformIn(-1, 1)), shape };
    else if (role.kind === 'index') out[input.name] = { data: Int32Array.from({ length: n }, () => r.below(role.bound)), shape };
    else {
      const T = typeof role.dim === 'number' ? role.dim : dims[role.dim]!;
      out[input.name] = { data: Int32Array.from({ length: n }, (_, i) => (i === 0 ? T : 1 + r.below(T))), shape };
    }
  }
  return out;
}

export async function runBundle(path: string, o: BundleRunOptions, io: CliIo): Promise<number> {
  const bundle = readBundle(path, o.model);
  const dims: Record<string, number> = {};
  bundle.dims.forEach((d, i) => { dims[d] = o.dims[d] ?? (i === 0 ? 3 : 5); });
  const inputs: Inputs = o.inputs === undefined ? randomBundleInputs(bundle, o.seed, dims)
    : Object.fromEntries([...strip(readTensors(o.inputs), 'input.')].map(([k, t]) =>
      [k, { data: t.dtype === 'i32' ? Int32Array.from(t.data) : Float32Array.from(t.data), shape: [...t.shape] }]));
  const { device } = await requestNodeDevice({ optionalFeatures: [...bundle.features ?? []] as string[] as GPUFeatureName[] });
  // Gradients (outputs, loss and gradients) where the bundle has them, else infer: only that one is compiled.
  const program = bundle.programs.gradients ? 'gradients' : 'infer';
  const model = await loadModel(bundle, { device, seed: o.seed, programs: [program] });
  try {
    if (o.weights !== undefined) {
      const given = strip(readTensors(o.weights), 'weight.');
      try {
        await model.setWeights(Object.fromEntries([...given].map(([k, t]) => [k, Float32Array.from(t.data)])));
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    }
    const entries: [string, Tensor][] = [];
    const put = (name: string, data: Float32Array | Int32Array, shape: readonly number[]) =>
      entries.push([name, { dtype: data instanceof Int32Array ? 'i32' : 'f32', shape: [...shape], data }]);
    let loss: number | undefined;
    let gradCount = 0;
    try {
      if (program === 'gradients') {
        const g = await model.gradients(inputs, { training: o.training, step: o.step + 1 });
        for (const [k, v] of Object.entries(g.outputs)) put(`output.${k}`, v.data, v.shape);
        loss = g.loss;
        if (o.grads) {
          for (const p of bundle.params) { put(`grad.${p.name}`, g.params[p.name]!, p.shape); gradCount++; }
          for (const [k, v] of Object.entries(g.inputs)) {
            const given = inputs[k] as unknown as { shape: number[] };
            put(`grad.${k}`, v, given.shape); gradCount++;
          }
        }
      } else {
        const out = await model.run(inputs);
        for (const [k, v] of Object.entries(out)) put(`output.${k}`, v.data, v.shape);
      }
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    if (loss !== undefined) put('loss', Float32Array.of(loss), []);
    for (const [k, v] of Object.entries(inputs)) {
      const t = v as unknown as { data: Float32Array | Int32Array; shape: number[] };
      put(`input.${k}`, t.data, t.shape);
    }
    const weights = await model.getWeights();
    for (const p of bundle.params) put(`weight.${p.name}`, weights[p.name]!, p.shape);
    try {
      writeFileSync(o.out, writeSafetensors(entries, { model: bundle.model, backend: 'webgpu', seed: String(o.seed) }));
    } catch (e) {
      throw new CliError(`cannot write ${o.out}: ${(e as Error).message}`);
    }
    io.out(`${o.out}: ${bundle.model} (bundle) on webgpu${loss !== undefined ? `, loss ${loss}` : ''}${o.grads ? `, ${gradCount} gradients` : ''}`);
    return 0;
  } finally {
    model.dispose();
  }
}
