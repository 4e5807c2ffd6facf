// The data pipeline in one call, the same in Node and browsers: records → examples → split → state
// learned on the training split → encoded examples for the inputs of train_step.
import type { Bundle } from '../../runtime/bundle.ts';
import { encodeExample, fitDataState, type DataState, type EncodedExample } from './encode.ts';
import { splitExamples } from './examples.ts';
import type { DataRecord } from './jsonl.ts';
import type { DataSpec } from './spec.ts';

export interface PreparedData {
  readonly state: DataState;
  readonly train: EncodedExample[];
  readonly heldOut: EncodedExample[];
  /** The inputs every example carries: those train_step reads. */
  readonly names: readonly string[];
}

export function prepareData(spec: DataSpec, bundle: Bundle, records: readonly DataRecord[]): PreparedData {
  const names = bundle.inputs.filter((i) => i.programs.includes('train_step') || i.programs.includes('infer')).map((i) => i.name);
  const unmapped = names.filter((n) => !(n in spec.inputs));
  if (unmapped.length > 0) {
    throw new Error(`the data mapping gives no value for model input${unmapped.length > 1 ? 's' : ''} ${unmapped.map((n) => `'${n}'`).join(', ')} `
      + `(the mapping has ${Object.keys(spec.inputs).join(', ')})`);
  }
  const unknown = Object.keys(spec.inputs).filter((n) => !bundle.inputs.some((i) => i.name === n));
  if (unknown.length > 0) {
    throw new Error(`the data mapping names ${unknown.map((n) => `'${n}'`).join(', ')}, not ${unknown.length > 1 ? 'inputs' : 'an input'} of model ${bundle.model} `
      + `(its inputs: ${bundle.inputs.map((i) => i.name).join(', ')})`);
  }
  if (spec.metric && !bundle.outputs.some((o) => o.name === spec.metric!.output)) {
    throw new Error(`metric.output: model ${bundle.model} has no output '${spec.metric.output}' (its outputs: ${bundle.outputs.map((o) => o.name).join(', ') || 'none'})`);
  }
  const split = splitExamples(records, spec);
  if (split.train.length === 0) throw new Error(`no training examples (${records.length} records)`);
  const state = fitDataState(spec, bundle, split.train);
  const encode = (ex: (typeof split.train)[number], i: number, which: string) => {
    try {
      return encodeExample(spec, state, bundle, ex, names);
    } catch (e) {
      throw new Error(`${which} example ${i + 1}: ${(e as Error).message}`);
    }
  };
  return {
    state, names,
    train: split.train.map((ex, i) => encode(ex, i, 'training')),
    heldOut: split.heldOut.map((ex, i) => encode(ex, i, 'held-out')),
  };
}
