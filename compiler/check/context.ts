// The mutable state of checking one model: the graph being built (values, nodes, params,
// inputs, outputs), the names in scope, and the diagnostics sink. Checks add to it; at the
// end finish() freezes it into a CheckedModel.
import * as E from '../diagnostics/catalogue.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Dim, InputRole, Node, ParamDecl, Span, TensorType, Value, ValueId, Init } from './model.ts';
import type { Operand } from './operand.ts';
import type { LayerBinding } from './layers/layer.ts';
import type { Definitions } from './definitions.ts';

/** A Node before it has an id (the id is its index in the node list). */
export type NodeSpec = Node extends infer N ? (N extends Node ? Omit<N, 'id'> : never) : never;

export type Binding =
  | { readonly kind: 'value'; readonly name: string; readonly value: Operand | null; readonly span: Span }
  | { readonly kind: 'layer'; readonly name: string; readonly layer: LayerBinding; readonly span: Span };

export interface InputRecord {
  readonly name: string; readonly value: ValueId; readonly type: TensorType; readonly span: Span;
  /** The first use that fixed what an integer input holds. */
  role?: { readonly role: InputRole; readonly what: string; readonly span: Span };
  used: boolean;
}

type MutableValue = { -readonly [K in keyof Value]: Value[K] };

export class ModelContext {
  readonly values: MutableValue[] = [];
  readonly nodes: Node[] = [];
  readonly params: ParamDecl[] = [];
  readonly inputs: InputRecord[] = [];
  readonly outputs: { name: string; value: ValueId; span: Span }[] = [];
  readonly dims: string[] = [];
  readonly scope = new Map<string, Binding>();
  private readonly inputByValue = new Map<ValueId, InputRecord>();
  /** Index of the statement being checked (names defined at or after it are not in scope yet). */
  statement = 0;
  loss?: { readonly value: ValueId; readonly span: Span };

  constructor(readonly diagnostics: Diagnostic[], readonly definitions: Definitions) {}

  report(d: Diagnostic): void { this.diagnostics.push(d); }

  addValue(type: TensorType, span: Span): Operand {
    const id = this.values.length;
    this.values.push({ id, type, span });
    return { id, type, span };
  }

  /** Gives a value the name the model binds it to (the first name wins for aliases). */
  nameValue(id: ValueId, name: string): void {
    const v = this.values[id];
    if (v !== undefined && v.name === undefined) v.name = name;
  }

  /** Optional fields left undefined are dropped, so nodes stay plain JSON. */
  addNode(spec: NodeSpec): number {
    const id = this.nodes.length;
    const node: Record<string, unknown> = { id };
    for (const [k, v] of Object.entries(spec)) if (v !== undefined) node[k] = v;
    this.nodes.push(node as unknown as Node);
    return id;
  }

  addParam(layer: string, name: string, shape: readonly number[], init: Init, span: Span): void {
    this.params.push({ name: `${layer}.${name}`, layer, shape, init, span });
    const before = this.weightCount;
    this.weightCount += shape.reduce((a, d) => a * d, 1);
    if (before <= E.MAX_WEIGHTS && this.weightCount > E.MAX_WEIGHTS) this.report(E.tooManyWeights(span, this.weightCount));
  }
  private weightCount = 0;

  addInput(name: string, type: TensorType, span: Span): Operand {
    const op = this.addValue(type, span);
    this.nameValue(op.id, name);
    const record: InputRecord = { name, value: op.id, type, span, used: false };
    this.inputs.push(record);
    this.inputByValue.set(op.id, record);
    return op;
  }

  /** The input declaration behind a value, when the value is an input itself. */
  inputOf(op: Operand): InputRecord | undefined { return this.inputByValue.get(op.id); }

  addDim(d: Dim): void {
    if (typeof d === 'string' && !this.dims.includes(d)) this.dims.push(d);
  }

  layerNames(): string[] {
    return [...this.scope.values()].filter((b) => b.kind === 'layer').map((b) => b.name);
  }

  valueNames(): string[] {
    return [...this.scope.values()].filter((b) => b.kind === 'value').map((b) => b.name);
  }
}
