// Turn each IR op into a kernel (deduplicated by WGSL text) and a dispatch.
import type { BundleTraining, Dispatch, SizeExpr, UniformField } from '../../runtime/bundle.ts';
import type { Graph, Op, OpNode, Tensor } from '../ir/graph.ts';
import { attentionPoolKernel } from './kernels/attention-pool.ts';
import { embeddingKernel } from './kernels/embedding.ts';
import { colsumKernel, pointwiseKernel, transposeKernel } from './kernels/elementwise.ts';
import { lossKernel } from './kernels/loss.ts';
import { matmulKernel } from './kernels/matmul.ts';
import { optimizerKernel } from './kernels/optimizer.ts';
import type { KernelPlan } from './kernels/plan.ts';
import { recurrentBackwardKernel, recurrentForwardKernel, recurrentInitialGradKernel } from './kernels/recurrent.ts';
import { scheduleOf, type RecurrentSchedule } from '../schedule/recurrent.ts';
import { softmaxKernel } from './kernels/softmax.ts';
import { repeatKernel, timePoolKernel, timeSelectKernel } from './kernels/time.ts';
import { attentionKernel } from './kernels/attention.ts';
import { binaryGradKernel, binaryKernel } from './kernels/binary.ts';
import { convKernel } from './kernels/conv.ts';
import { convLstmGradKernel, convLstmKernel } from './kernels/conv-lstm.ts';
import { attnDecoderKernels } from './kernels/attn-decoder.ts';
import { attnDecoderGradKernels } from './kernels/attn-decoder-grad.ts';
import { copy2dKernel, fillKernel, shiftTokensKernel } from './kernels/copy.ts';
import { layerNormKernel } from './kernels/layer-norm.ts';
import { poolKernel } from './kernels/pool.ts';
import { reduceKernel } from './kernels/reduce.ts';
import { fieldName, type KernelDraft, KernelWriter, runStruct } from './wgsl.ts';

/** Back-end choices: the workgroup-memory budget (WebGPU's default limit unless the target is known) and forced schedules. */
export interface CodegenOptions {
  readonly maxWorkgroupBytes: number;
  readonly schedule?: RecurrentSchedule;
  /** Use WGSL subgroup operations (the device must have the `subgroups` feature). */
  readonly subgroups?: boolean;
}
export const DEFAULT_CODEGEN: CodegenOptions = { maxWorkgroupBytes: 16384 };

type Generator = (w: KernelWriter, op: Op, training: BundleTraining | null, opts: CodegenOptions) => KernelPlan[];
const one = <K extends Op['kind']>(f: (w: KernelWriter, op: Extract<Op, { kind: K }>) => KernelPlan) =>
  ((w: KernelWriter, op: Extract<Op, { kind: K }>) => [f(w, op)]) as unknown as Generator;

const GENERATORS: Record<Op['kind'], Generator> = {
  matmul: (w, op, _t, o) => [matmulKernel(w, op as Extract<Op, { kind: 'matmul' }>, o.subgroups ?? false)],
  colsum: one(colsumKernel),
  transpose: one(transposeKernel),
  recurrent_seq: (w, op, _t, o) => {
    const r = op as Extract<Op, { kind: 'recurrent_seq' }>;
    const c = scheduleOf(r);
    return [recurrentForwardKernel(w, r, c.schedule, c.forwardSlice, o.subgroups ?? false, o.maxWorkgroupBytes)];
  },
  recurrent_seq_grad: (w, op, _t, o) => {
    const g = op as Extract<Op, { kind: 'recurrent_seq_grad' }>;
    const c = scheduleOf(g.fwd);
    return [recurrentBackwardKernel(w, g, c.schedule, c.slice, o.subgroups ?? false)];
  },
  time_select: one(timeSelectKernel),
  time_pool: one(timePoolKernel),
  repeat: one(repeatKernel),
  embedding: one(embeddingKernel),
  pointwise: one(pointwiseKernel),
  softmax: one(softmaxKernel),
  loss: one(lossKernel),
  attention_pool: one(attentionPoolKernel),
  optimizer: (w, op, t) => [optimizerKernel(w, op as Extract<Op, { kind: 'optimizer' }>, t!)],
  conv: one(convKernel),
  pool: one(poolKernel),
  conv_lstm: one(convLstmKernel),
  conv_lstm_grad: one(convLstmGradKernel),
  copy2d: one(copy2dKernel),
  binary: one(binaryKernel),
  binary_grad: one(binaryGradKernel),
  fill: one(fillKernel),
  reduce: one(reduceKernel),
  layer_norm: one(layerNormKernel),
  attention: one(attentionKernel),
  shift_tokens: one(shiftTokensKernel),
  attn_decoder: (w, op) => attnDecoderKernels(w, op as Extract<Op, { kind: 'attn_decoder' }>),
  attn_decoder_grad: (w, op) => attnDecoderGradKernels(w, op as Extract<Op, { kind: 'attn_decoder_grad' }>),
};

export interface EmittedKernel extends KernelDraft { readonly label: string }
export interface EmittedOp { readonly node: OpNode; readonly dispatches: readonly Dispatch[] }

export function emitKernels(g: Graph, ops: readonly OpNode[], uniforms: readonly UniformField[],
                            offsetField: (t: Tensor) => string, training: BundleTraining | null,
                            opts: CodegenOptions = DEFAULT_CODEGEN) {
  const run = runStruct(uniforms);
  const kernels: EmittedKernel[] = [];
  const byText = new Map<string, number>();
  const emitted: EmittedOp[] = [];
  const add = (label: string, plan: KernelPlan, w: KernelWriter): Dispatch => {
    const draft = w.finish('main', plan.workgroupSize, plan.body, run);
    let index = byText.get(draft.text);
    if (index === undefined) {
      index = kernels.length;
      byText.set(draft.text, index);
      kernels.push({ ...draft, name: kernelName(label, index), label });
    }
    return { kernel: index, grid: plan.grid as [SizeExpr, SizeExpr, SizeExpr], ...(plan.loop === undefined ? {} : { loop: { count: plan.loop, ...(plan.loopBody === undefined ? {} : { body: plan.loopBody }) } }) };
  };
  for (const node of ops) {
    const w = new KernelWriter(g.tensors, offsetField);
    const plans = GENERATORS[node.op.kind](w, node.op, training, opts);
    const dispatches = plans.map((p) => add(node.label, p, w));
    if (node.op.kind === 'recurrent_seq_grad' && node.op.dh0 !== undefined &&
        scheduleOf(node.op.fwd).schedule === 'per_step') {
      const w2 = new KernelWriter(g.tensors, offsetField);
      dispatches.push(add(`${node.label} (initial state)`, recurrentInitialGradKernel(w2, node.op), w2));
    }
    emitted.push({ node, dispatches });
  }
  return { kernels, emitted };
}

function kernelName(label: string, index: number): string {
  return `k${index}_${label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 48)}`;
}

export { fieldName };
