// Hand-built CheckedModels for the reference tests (until the checker produces them from .rnn files).
// Node ids are their index; values get ids in creation order; spans are dummies.
import type { CheckedModel, DType, InputDecl, InputRole, Node, ParamDecl, Shape, Training, Value, ValueId } from '../../compiler/check/model.ts';
import { GATES, type CellKind } from '../../src/reference/layers/cells.ts';

const SPAN = { start: 0, end: 0 };

type Dist<T> = T extends unknown ? Omit<T, 'id' | 'span'> : never;
export type NodeSpec = Dist<Node>;

export class ModelBuilder {
  private readonly values: Value[] = [];
  private readonly inputs: InputDecl[] = [];
  private readonly params: ParamDecl[] = [];
  private readonly nodes: Node[] = [];
  private readonly outputs: { name: string; value: ValueId; span: typeof SPAN }[] = [];
  private readonly dims = new Set<string>();
  private lossId?: ValueId;
  private trainingSpec?: Training;

  constructor(private readonly name = 'm') {}

  value(dtype: DType, shape: Shape, name?: string): ValueId {
    const id = this.values.length;
    for (const d of shape) if (typeof d === 'string') this.dims.add(d);
    this.values.push({ id, type: { dtype, shape }, span: SPAN, ...(name ? { name } : {}) });
    return id;
  }

  f(shape: Shape): ValueId { return this.value('f32', shape); }
  i(shape: Shape): ValueId { return this.value('i32', shape); }

  input(name: string, dtype: DType, shape: Shape, role: InputRole = { kind: 'float' }): ValueId {
    const id = this.value(dtype, shape, name);
    this.inputs.push({ name, value: id, role, span: SPAN });
    return id;
  }

  param(name: string, shape: readonly number[], layer = name.split('.')[0]!): this {
    this.params.push({ name, layer, shape, init: { kind: 'normal', std: 0.5 }, span: SPAN });
    return this;
  }

  /** Parameters of a recurrent layer, PyTorch names and shapes. */
  recurrentParams(layer: string, kind: CellKind, input: number, hidden: number, layers = 1, dirs = 1): this {
    const g = GATES[kind] * hidden;
    for (let l = 0; l < layers; l++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        const inDim = l === 0 ? input : dirs * hidden;
        this.param(`${layer}.weight_ih${sfx}`, [g, inDim]).param(`${layer}.weight_hh${sfx}`, [g, hidden])
          .param(`${layer}.bias_ih${sfx}`, [g]).param(`${layer}.bias_hh${sfx}`, [g]);
      }
    }
    return this;
  }

  additiveParams(prefix: string, units: number, dq: number, dk: number): this {
    return this.param(`${prefix}w_query`, [units, dq], prefix.split('.')[0]).param(`${prefix}w_key`, [units, dk], prefix.split('.')[0])
      .param(`${prefix}bias`, [units], prefix.split('.')[0]).param(`${prefix}v`, [units], prefix.split('.')[0]);
  }

  /** Node ids default to their index; `id` overrides it (dropout sites are derived from ids). */
  node(spec: NodeSpec, id = this.nodes.length): this {
    this.nodes.push({ ...spec, id, span: SPAN } as Node);
    return this;
  }

  output(name: string, value: ValueId): this {
    this.outputs.push({ name, value, span: SPAN });
    return this;
  }

  loss(value: ValueId): this {
    this.lossId = value;
    return this;
  }

  training(t: Training): this {
    this.trainingSpec = t;
    return this;
  }

  build(): CheckedModel {
    return {
      name: this.name, span: SPAN, dims: [...this.dims], values: this.values, inputs: this.inputs, params: this.params,
      nodes: this.nodes, outputs: this.outputs, ...(this.lossId !== undefined ? { loss: this.lossId } : {}),
      ...(this.trainingSpec ? { training: this.trainingSpec } : {}),
    };
  }
}
