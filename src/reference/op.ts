// The contract between the evaluator and one construct. A construct's forward reads its inputs and
// parameters from an OpEnv, returns its output tensors, and a backward closure over whatever it saved;
// backward reads the cotangents of its outputs and adds cotangents into its inputs and parameters.
import type { Dim, Node, ValueId } from '../../compiler/check/model.ts';
import type { FTensor, ITensor, RTensor } from './tensor.ts';

export interface OpEnv {
  readonly training: boolean;
  /** Dropout seed and training step (model.ts DropoutNode). */
  readonly seed: number;
  readonly step: number;
  float(id: ValueId): FTensor;
  int(id: ValueId): ITensor;
  /** A parameter by full name (`<layer>.<PyTorch name>`), checked against `shape` when given. */
  param(name: string, shape?: readonly number[]): FTensor;
  /** A dimension's size: numbers as they are, names from the run's bound dimensions. */
  dim(d: Dim): number;
}

export interface GradSink {
  /** The cotangent of an output of this node; undefined when nothing downstream uses it (all zero). */
  out(id: ValueId): Float64Array | undefined;
  /** Add into the cotangent of an input value (ignored for i32 values, which have none). */
  add(id: ValueId, g: Float64Array): void;
  /** Add into the gradient of a parameter. */
  param(name: string, g: Float64Array): void;
}

export interface OpResult {
  readonly outputs: readonly (readonly [ValueId, RTensor])[];
  /** Absent for constructs with nothing to differentiate (const, integer outputs). */
  readonly backward?: (g: GradSink) => void;
}

export type OpImpl<N extends Node> = (node: N, env: OpEnv) => OpResult;

/** The cotangent of an output, or zeros of length n (for constructs with several outputs). */
export function outOrZeros(g: GradSink, id: ValueId | undefined, n: number): Float64Array {
  return (id === undefined ? undefined : g.out(id)) ?? new Float64Array(n);
}

/** The declared layer of a parametric node: parameter names are `<layer>.<name>`. */
export function layerOf(node: Node): string {
  if (node.layer === undefined) throw new Error(`internal: ${node.op} node ${node.id} has parameters but no layer name`);
  return node.layer;
}
