// `rnnc predict DIR --data DATA`: batch inference with a model `rnnc train` wrote (bundle, weights, data.json):
// the data goes through the saved mapping and state, and each example's outputs are printed as one JSON
// line (classes with probabilities, decoded sequences, forecasts in original units). `--stream` reads one
// time step per stdin line instead and runs the model's stream_step program, printing the outputs after
// each step.
import { createInterface } from 'node:readline';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '../../runtime/bundle.ts';
import { loadModel, validateBundle, type Model } from '../../runtime/index.ts';
import { chunk, makeBatch } from '../data/batch.ts';
import { describeOutput } from '../data/describe.ts';
import { DECIMAL, encodeExample, type DataState } from '../data/encode.ts';
import { groupRows, splitExamples, type Example } from '../data/examples.ts';
import { loadRecords } from '../data/load-records.ts';
import { addMetric, metricValue } from '../data/metrics.ts';
import { applyZScore } from '../data/normalize.ts';
import { formatMetric } from '../data/progress.ts';
import { readDataArg } from '../data/read-spec.ts';
import { parseDataSpec, type DataSpec } from '../data/spec.ts';
import { getNodeGpu } from '../gpu/node-webgpu.ts';
import { CliError, parseFlags, type CliIo, type Command } from './command.ts';

const USAGE = `rnnc predict DIR (--data DATA | --stream) [options]

  DIR                 what \`rnnc train --out DIR\` wrote (bundle, weights.safetensors, data.json)
  --data DATA         a .csv / .jsonl file (mapped with the saved mapping) or a *.data.json spec
  --stream            read one time step per stdin line (numbers separated by commas or spaces, or a
                      JSON array) and print the outputs after each step (models with stream_step)
  --limit N           predict only the first N examples`;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'run a trained model on new data (batch), or stream time steps from stdin',
  usage: USAGE,
  run: (args, io) => predict(args, io),
};

async function predict(args: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags(args, ['data', 'limit']);
  for (const f of flags.keys()) if (!['data', 'limit', 'stream'].includes(f)) throw new CliError(`predict: unknown option --${f}`);
  if (positionals.length !== 1) throw new CliError(`predict needs the folder \`rnnc train\` wrote\nusage: ${USAGE.split('\n')[0]}`);
  const dir = positionals[0]!;
  const { bundle, spec, state } = readTrained(dir);
  const limit = flags.get('limit');
  if (limit !== undefined && (typeof limit !== 'string' || !/^\d+$/.test(limit) || Number(limit) < 1)) throw new CliError(`--limit must be a positive integer, got '${String(limit)}'`);
  const data = flags.get('data');
  if (!flags.has('stream') && typeof data !== 'string') throw new CliError('predict needs --data DATA or --stream');
  // Every example is read and encoded before the GPU starts: bad data fails before any prediction is printed.
  const batches = flags.has('stream') ? null : encodeAll(bundle, spec, state, String(data), typeof limit === 'string' ? Number(limit) : undefined);
  // Only the program that runs is compiled (pipeline compilation is most of the load time on SwiftShader).
  const model = await loadModel(bundle, {
    gpu: await getNodeGpu(), weights: readFileSync(join(dir, 'weights.safetensors')), programs: [batches ? 'infer' : 'stream_step'],
  });
  try {
    return batches ? await predictBatches(model, batches, state, io) : await streamStdin(model, spec, state, io);
  } finally {
    model.dispose();
  }
}

function readTrained(dir: string): { bundle: Bundle; spec: DataSpec; state: DataState } {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOTDIR') throw new CliError(`${dir} is a file, not the folder \`rnnc train\` wrote`);
    throw new CliError(`${dir}: no such folder (train first: rnnc train MODEL.rnn --data DATA --out ${dir})`);
  }
  const name = files.find((f) => f.endsWith('.bundle.json'));
  for (const need of [name, 'weights.safetensors', 'data.json']) {
    if (!need || !files.includes(need)) throw new CliError(`${dir} has no ${need ?? '*.bundle.json'} (it is not a folder \`rnnc train\` wrote)`);
  }
  try {
    const bundle = validateBundle(JSON.parse(readFileSync(join(dir, name!), 'utf8')));
    const saved = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as { spec?: unknown; state?: unknown };
    return { bundle, spec: parseDataSpec(saved?.spec, 'data.json spec'), state: checkState(saved?.state) };
  } catch (e) {
    throw new CliError(`${dir}: ${(e as Error).message}`);
  }
}

/** data.json's state: what fitDataState learned (classes, vocabularies, z-score statistics), checked for shape. */
function checkState(v: unknown): DataState {
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const numbers = (x: unknown) => Array.isArray(x) && x.every((n) => typeof n === 'number');
  const fail = (what: string): never => { throw new Error(`data.json state: ${what}`); };
  if (!isObj(v) || !isObj(v.classes) || !isObj(v.vocabularies) || !isObj(v.stats)) return fail('expected { classes, vocabularies, stats }');
  for (const [k, c] of Object.entries(v.classes)) if (!strings(c)) fail(`classes.${k}: expected an array of strings`);
  for (const [k, t] of Object.entries(v.vocabularies)) if (!isObj(t) || !strings(t.tokens)) fail(`vocabularies.${k}: expected { tokens: [...] }`);
  for (const [k, z] of Object.entries(v.stats)) {
    if (!isObj(z) || !numbers(z.mean) || !numbers(z.std) || (z.mean as number[]).length !== (z.std as number[]).length) fail(`stats.${k}: expected { mean, std } of equal length`);
  }
  return v as unknown as DataState;
}

interface EncodedBatches {
  readonly spec: DataSpec;
  readonly parts: { readonly examples: readonly Example[]; readonly batch: ReturnType<typeof makeBatch> }[];
  readonly names: readonly string[];
  readonly withTarget: boolean;
}

function encodeAll(bundle: Bundle, saved: DataSpec, state: DataState, data: string, limit: number | undefined): EncodedBatches {
  const names = bundle.inputs.filter((i) => i.programs.includes('infer')).map((i) => i.name);
  let spec = saved, dir = '.';
  try {
    if (/\.json$/i.test(data)) ({ spec, dir } = readDataArg(data));
    else spec = { ...saved, source: { file: data }, format: /\.csv$/i.test(data) ? 'csv' : 'jsonl' };
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const records = loadRecords(spec, dir);
  // Windows: every window of the series, in order (the last row of each is the scored target).
  let examples: Example[] = spec.windows ? splitExamples(records, { ...spec, split: { ...spec.split, heldOut: 0 } }).train
    : spec.group !== undefined ? groupRows(records, spec.group) : records.map((r) => [r]);
  if (limit !== undefined) examples = examples.slice(0, limit);
  const withTarget = spec.metric !== undefined && hasColumns(spec, spec.metric.target, examples[0]);
  const wanted = withTarget ? [...new Set([...names, spec.metric!.target, ...(spec.metric!.lengths ? [spec.metric!.lengths] : [])])] : names;
  let index = 0;
  const parts = chunk(examples, bundle.training?.batchSize ?? 32).map((part) => {
    const encoded = part.map((ex) => {
      index++;
      try {
        return encodeExample(spec, state, bundle, ex, wanted);
      } catch (e) {
        throw new CliError(`${data}: example ${index}: ${(e as Error).message}`);
      }
    });
    try {
      return { examples: part, batch: makeBatch(bundle, encoded, wanted) };
    } catch (e) {
      throw new CliError(`${data}: examples ${index - part.length + 1}-${index}: ${(e as Error).message}`);
    }
  });
  return { spec, parts, names, withTarget };
}

async function predictBatches(model: Model, { spec, parts, names, withTarget }: EncodedBatches, state: DataState, io: CliIo): Promise<number> {
  const acc = { sum: 0, count: 0 };
  let index = 0;
  for (const { examples, batch } of parts) {
    const inputs = Object.fromEntries(names.map((n) => [n, batch[n]!]));
    const outputs = await model.run(inputs);
    for (let b = 0; b < examples.length; b++) {
      const line: Record<string, unknown> = { index: index++ };
      for (const [k, v] of Object.entries(outputs)) line[k] = describeOutput(spec, state, k, v, b, examples[b]);
      io.out(JSON.stringify(line));
    }
    const out = spec.metric ? outputs[spec.metric.output] : undefined;
    if (withTarget && out) addMetric(acc, spec.metric!, out, batch, state.stats[spec.metric!.target]);
  }
  if (withTarget) io.err(`${formatMetric(spec.metric, metricValue(acc))} on ${index} examples`);
  return 0;
}

/** One stdin step: a JSON array (nested arrays flattened), or decimal numbers separated by commas or
 *  spaces; null when the line is neither (an empty field, `0x10`, bad JSON). */
export function parseStep(line: string): number[] | null {
  const text = line.trim();
  if (text.startsWith('[')) {
    try {
      const v = (JSON.parse(text) as unknown[]).flat(Infinity as 1);
      return v.every((x) => typeof x === 'number') ? v as number[] : null;
    } catch {
      return null;
    }
  }
  const fields = text.split(/\s*,\s*|\s+/);
  return fields.every((f) => DECIMAL.test(f)) ? fields.map(Number) : null;
}

function hasColumns(spec: DataSpec, input: string, ex: Example | undefined): boolean {
  const m = spec.inputs[input];
  const row = ex?.[0];
  if (!m || !row) return false;
  const col = m.kind === 'label' || m.kind === 'text' ? m.column : m.kind === 'float' ? (m.field ?? m.columns?.[0]) : undefined;
  return col !== undefined && col in row;
}

async function streamStdin(model: Model, spec: DataSpec, state: DataState, io: CliIo): Promise<number> {
  const bundle = model.bundle;
  if (!bundle.programs.stream_step) throw new CliError(`model ${bundle.model} has no stream_step program (its layers need the whole sequence)`);
  const inputs = bundle.inputs.filter((i) => i.programs.includes('stream_step'));
  if (inputs.length !== 1) throw new CliError(`--stream feeds one input per step; stream_step reads ${inputs.map((i) => i.name).join(', ')}`);
  const input = inputs[0]!;
  const tensor = bundle.tensors.find((t) => t.name === input.tensor)!;
  const features = tensor.shape.slice(2).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
  const stats = state.stats[input.name];
  const m = spec.inputs[input.name];
  if (m?.kind === 'float' && m.relativeTo !== undefined) {
    throw new CliError(`--stream: input '${input.name}' is mapped relative to row ${m.relativeTo} of each window, which a stream of single steps does not have; use --data`);
  }
  const stream = model.stream();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let t = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const values = parseStep(line);
    if (values === null || values.length !== features || values.some((v) => !Number.isFinite(v))) {
      throw new CliError(`stdin line ${t + 1}: expected ${features} number${features > 1 ? 's' : ''} for '${input.name}', got '${line.trim()}'`);
    }
    const x = Float32Array.from(values);
    const outputs = await stream.step({ [input.name]: { data: stats ? applyZScore(stats, x) : x, shape: [1, 1, ...tensor.shape.slice(2).map(Number)] } });
    const out: Record<string, unknown> = { t: t++ };
    for (const [k, v] of Object.entries(outputs)) out[k] = describeOutput(spec, state, k, v, 0);
    io.out(JSON.stringify(out));
  }
  return 0;
}
