// Assemble the bundle: the tensor table with memory slots, the Run uniform layout, kernels, and the
// programs (infer: the forward ops the outputs need; train_step: everything) as dispatch lists.
import type { CheckedModel } from '../check/model.ts';
import type { Bundle, BundleInit, BundleTensor, BundleTraining, Dispatch, Program, ProgramName, UniformField } from '../../runtime/bundle.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from '../../runtime/bundle.ts';
import { type CodegenOptions, DEFAULT_CODEGEN, emitKernels } from '../codegen/emit-kernels.ts';
import { scheduleOf } from '../schedule/recurrent.ts';
import { fieldName } from '../codegen/wgsl.ts';
import { normWorkgroups } from '../codegen/kernels/optimizer.ts';
import type { Graph, OpNode, Tensor, TensorId } from '../ir/graph.ts';
import type { Lowered } from '../lower/lower.ts';
import { fuseHeads } from '../passes/fuse-head.ts';
import { type MemoryPlan, tensorsOf, writesOf } from '../passes/plan-memory.ts';

export interface AssembleInput {
  readonly model: CheckedModel; readonly lowered: Lowered; readonly graph: Graph;
  readonly memory: MemoryPlan; readonly training: BundleTraining | null;
  /** Why there is no stream_step program (null: there is one). */
  readonly streamBlocker: string | null;
  readonly codegen?: CodegenOptions;
  /** Gradient tensor of each differentiable input. */
  readonly inputGradients: ReadonlyMap<TensorId, TensorId>;
}

/** The ops of a phase that the given tensors depend on, in order (dead-code elimination). */
function needed(g: Graph, roots: readonly TensorId[], phase: 'forward' | 'stream'): OpNode[] {
  const need = new Set(roots);
  const keep: OpNode[] = [];
  const forward = g.ops.filter((o) => o.phase === phase);
  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i]!;
    if (!writesOf(node.op).some((t) => need.has(t))) continue;
    keep.push(node);
    for (const t of tensorsOf(node.op)) need.add(t);
  }
  return keep.reverse();
}

/** The tensors an op's kernel touches: a forward-only recurrence's kernel never names the saves it
 *  leaves out (hprev, gates, cells; a ConvLSTM's hprev), nor y when it stores none, so its program's
 *  arena need not hold them. */
function touchedBy({ op }: OpNode): TensorId[] {
  if ((op.kind !== 'recurrent_seq' && op.kind !== 'conv_lstm') || !op.forwardOnly) return tensorsOf(op);
  // A forward-only ConvLSTM still reads its cells (the next step's previous state) and xg (its gates' input).
  const untouched = new Set(op.kind === 'conv_lstm' ? [op.hprev] : [op.hprev, op.gates, op.cells, ...(op.yUnread ? [op.y] : [])]);
  return tensorsOf(op).filter((t) => !untouched.has(t));
}

function uniqueNames(tensors: readonly Tensor[]): Map<TensorId, string> {
  const names = new Map<TensorId, string>(), seen = new Set<string>();
  for (const t of tensors) {
    const name = seen.has(t.name) ? `${t.name}.${t.id}` : t.name;
    seen.add(name);
    names.set(t.id, name);
  }
  return names;
}

export function assembleBundle({ model, lowered, graph, memory, training, streamBlocker, codegen = DEFAULT_CODEGEN, inputGradients }: AssembleInput): Bundle {
  const names = uniqueNames(graph.tensors);
  const arena = graph.tensors.filter((t) => memory.slots.has(t.id));
  const uniforms: UniformField[] = [
    ...model.dims.map((name) => ({ kind: 'dim' as const, name })),
    ...arena.map((t) => ({ kind: 'offset' as const, tensor: names.get(t.id)! })),
    { kind: 'step' }, { kind: 'lr' }, { kind: 'seed' }, { kind: 'training' }, { kind: 'stream_t' },
  ];
  const offsetField = (t: Tensor) => fieldName({ kind: 'offset', tensor: names.get(t.id)! });

  const outputs = lowered.outputs.map((o) => o.tensor);
  // Programs without a backward pass run forward-only copies of the persistent recurrences and of
  // ConvLSTMs, which leave out the stores only the backward pass reads (a kernel of their own;
  // pipelines are made per program).
  // Such a copy also leaves out the stores of y where no other op of its program reads y.
  const forwardOnly = new Map<OpNode, OpNode>();
  const withoutSaves = (program: readonly OpNode[]): OpNode[] => program.map((o) => {
    if (o.op.kind === 'conv_lstm') {
      if (!forwardOnly.has(o)) forwardOnly.set(o, { ...o, op: { ...o.op, forwardOnly: true } });
      return forwardOnly.get(o)!;
    }
    if (o.op.kind !== 'recurrent_seq' || scheduleOf(o.op).schedule !== 'persistent') return o;
    if (!forwardOnly.has(o)) {
      const y = o.op.y;
      const yUnread = !outputs.includes(y) && !program.some((p) => p !== o && tensorsOf(p.op).includes(y));
      forwardOnly.set(o, { ...o, op: { ...o.op, forwardOnly: true, ...(yUnread ? { yUnread } : {}) } });
    }
    return forwardOnly.get(o)!;
  });
  // ... and there a recurrence followed by the dense layer (and softmax) that reads its selected step
  // runs them in its own kernel (passes/fuse-head.ts).
  const headCopies = new Map<OpNode, OpNode>();
  const headMemory = { slots: memory.slots, touchedBy };
  const inferOps = fuseHeads(graph, withoutSaves(needed(graph, outputs, 'forward')), headCopies, headMemory);
  // Training needs no input gradients: drop the ops that only compute them.
  const inputGrads = new Set(inputGradients.values());
  const onlyInputGrads = (o: OpNode) => { const w = writesOf(o.op); return w.length > 0 && w.every((t) => inputGrads.has(t)); };
  // train_step computes the loss, its gradients and the update: forward ops only the outputs need are left out.
  const lossOps = lowered.loss === null ? [] : needed(graph, [lowered.loss], 'forward');
  const backOps = graph.ops.filter((o) => o.phase === 'backward');
  const gradOps = lowered.loss === null ? [] : [...needed(graph, [lowered.loss, ...outputs], 'forward'), ...backOps];
  const trainOps = training ? [...lossOps, ...backOps.filter((o) => !onlyInputGrads(o)), ...graph.ops.filter((o) => o.phase === 'update')] : [];
  const state = graph.tensors.filter((t) => t.persistent).map((t) => t.id);
  const streamOps = streamBlocker === null ? fuseHeads(graph, withoutSaves(needed(graph, [...outputs, ...state], 'stream')), headCopies, headMemory) : [];
  const copiesOf = (o: OpNode): OpNode[] => {
    const fo = forwardOnly.get(o);
    return fo === undefined ? [] : [fo, ...(headCopies.has(fo) ? [headCopies.get(fo)!] : [])];
  };
  const allOps = graph.ops.flatMap((o) => [o, ...copiesOf(o)])
    .filter((o) => inferOps.includes(o) || trainOps.includes(o) || gradOps.includes(o) || streamOps.includes(o));
  const { kernels, emitted } = emitKernels(graph, allOps, uniforms, offsetField, training, codegen);
  // The WebGPU features the device needs: one per WGSL extension any kernel enables.
  const features = [...new Set(kernels.flatMap((k) => k.extensions))].sort();
  const dispatchesOf = new Map<OpNode, readonly Dispatch[]>(emitted.map((e) => [e.node, e.dispatches]));
  const program = (ops: readonly OpNode[], reads: readonly TensorId[], dims?: Record<string, number>): Program => {
    const touched = new Set<TensorId>([...reads, ...ops.flatMap(touchedBy)]);
    return {
      dispatches: ops.flatMap((o) => dispatchesOf.get(o) ?? []),
      reads: reads.map((t) => names.get(t)!),
      ...(dims ? { dims } : {}),
      tensors: arena.filter((t) => touched.has(t.id) || t.persistent).map((t) => names.get(t.id)!),
    };
  };
  const programs: { infer: Program; train_step?: Program; gradients?: Program; stream_step?: Program } = { infer: program(inferOps, outputs) };
  if (training && lowered.loss !== null) programs.train_step = program(trainOps, [lowered.loss]);
  if (lowered.loss !== null) programs.gradients = program(gradOps, [...outputs, lowered.loss, ...inputGrads]);
  if (streamOps.length > 0) {
    // One step per call: the time axes of the streamed recurrences are fixed to 1.
    const time = new Set(streamOps.flatMap((o) => ((o.op.kind === 'recurrent_seq' || o.op.kind === 'conv_lstm') && typeof o.op.time === 'string' ? [o.op.time] : [])));
    programs.stream_step = program(streamOps, outputs, Object.fromEntries([...time].map((d) => [d, 1])));
  }

  const readBy = (t: TensorId): ProgramName[] => {
    const progs: ProgramName[] = [];
    if (inferOps.some((o) => tensorsOf(o.op).includes(t))) progs.push('infer');
    if (trainOps.some((o) => tensorsOf(o.op).includes(t))) progs.push('train_step');
    if (gradOps.some((o) => tensorsOf(o.op).includes(t))) progs.push('gradients');
    if (streamOps.some((o) => tensorsOf(o.op).includes(t))) progs.push('stream_step');
    return progs;
  };

  const tensors: BundleTensor[] = arena.map((t) => ({
    name: names.get(t.id)!, dtype: t.storage.kind === 'ints' ? 'i32' : 'f32', shape: t.shape,
    slot: memory.slots.get(t.id)!, ...(t.persistent ? { persistent: true } : {}),
  }));
  return {
    format: BUNDLE_FORMAT, version: BUNDLE_VERSION, model: model.name,
    dims: [...model.dims],
    inputs: model.inputs.map((decl) => {
      const t = lowered.inputs.find((i) => i.name === decl.name)!.tensor;
      const g = inputGradients.get(t);
      return { name: decl.name, tensor: names.get(t)!, role: decl.role, programs: readBy(t), ...(g === undefined ? {} : { gradient: names.get(g)! }) };
    }),
    outputs: lowered.outputs.map((o) => ({ name: o.name, tensor: names.get(o.tensor)! })),
    loss: lowered.loss === null ? null : names.get(lowered.loss)!,
    params: lowered.params.map((p) => ({ name: p.decl.name, shape: p.decl.shape, offset: p.offset, init: p.decl.init as BundleInit })),
    paramCount: lowered.paramCount,
    tensors,
    uniforms,
    partials: normWorkgroups(lowered.paramCount),
    kernels: kernels.map((k) => ({
      name: k.name, wgsl: k.text, entryPoint: 'main', workgroupSize: [...k.workgroupSize] as [number, number, number],
      bindings: k.bindings.map((b) => ({ resource: b.resource, access: b.access })), workgroupBytes: k.workgroupBytes,
    })),
    programs,
    training,
    schedules: [
      ...graph.ops.filter((o) => o.op.kind === 'recurrent_seq' && o.phase === 'forward').map((o) => {
        const op = o.op as Extract<typeof o.op, { kind: 'recurrent_seq' }>;
        const c = scheduleOf(op);
        const fused = op.input === undefined ? ''
          : `; the input projection runs inside the recurrence (input width ${op.input.width} ≤ ${op.hidden} units: fuse-input-projection)`;
        const fo = forwardOnly.get(o), headCopy = fo === undefined ? undefined : headCopies.get(fo)?.op;
        const head = headCopy?.kind === 'recurrent_seq' ? headCopy.head : undefined;
        const headNote = head === undefined ? ''
          : `; inference runs the dense layer${head.softmax ? ' and softmax' : ''} reading its last state inside the recurrence, one dispatch where there were ${head.softmax ? 3 : 2} (fuse-head)`;
        return { layer: o.label, choice: c.schedule, reason: c.reason + fused + headNote };
      }),
      streamBlocker === null
        ? { layer: 'stream_step', choice: 'available', reason: 'every op is per-step or a causal recurrence' }
        : { layer: 'stream_step', choice: 'unavailable', reason: streamBlocker },
    ],
    ...(features.length === 0 ? {} : { features }),
  };
}
