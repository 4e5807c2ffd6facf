// The whole back end, top to bottom: lower → autodiff → optimizer → stream → schedule → stream state in place → fuse →
// plan memory → emit kernels → bundle.
import type { CheckedModel } from './check/model.ts';
import { appendBackward } from './autodiff/autodiff.ts';
import { assembleBundle } from './bundle/assemble.ts';
import { GraphBuilder } from './ir/builder.ts';
import type { Graph, TensorId } from './ir/graph.ts';
import { verifyGraph } from './ir/verify.ts';
import { lowerModel, lowerStream, streamBlocker } from './lower/lower.ts';
import { planMemory } from './passes/plan-memory.ts';
import { fuseLoss } from './passes/fuse-loss.ts';
import { fuseTimeSelect } from './passes/fuse-time-select.ts';
import { fuseInputProjection } from './passes/fuse-input-projection.ts';
import { scheduleRecurrences } from './schedule/recurrent.ts';
import { streamStateInPlace } from './passes/stream-state-in-place.ts';
import { trainingSettings } from './bundle/training.ts';
import type { Bundle } from '../runtime/bundle.ts';
import { type CodegenOptions, DEFAULT_CODEGEN } from './codegen/emit-kernels.ts';

export interface CompileOptions extends Partial<CodegenOptions> {
  /** Called with the IR after each named stage (`rnnc compile --dump`). */
  readonly dump?: (stage: string, g: Graph) => void;
}

export function compileModel(model: CheckedModel, opts: CompileOptions = {}): Bundle {
  const lowered = lowerModel(model);
  let graph = verifyGraph(lowered.graph, 'lower');
  graph = verifyGraph(fuseTimeSelect(graph), 'fuse-time-select');
  opts.dump?.('lower', graph);
  const training = model.training && lowered.loss !== null ? trainingSettings(model.training) : null;
  const inputGradients = new Map<TensorId, TensorId>();
  if (lowered.loss !== null) {
    const paramGrads = new Map<TensorId, TensorId>(lowered.params.map((p) => [p.tensor, p.grad]));
    const backward = appendBackward(graph, lowered.loss, lowered.nonDiff, paramGrads);
    graph = verifyGraph(backward.graph, 'autodiff');
    graph = verifyGraph(fuseLoss(graph), 'fuse-loss');
    for (const i of lowered.inputs) {
      const g = backward.gradientOf(i.tensor);
      if (g !== undefined) inputGradients.set(i.tensor, g);
    }
    opts.dump?.('autodiff', graph);
  }
  if (training) {
    const b = new GraphBuilder(graph);
    b.phase = 'update';
    b.add({ kind: 'optimizer', stage: 'norm', count: lowered.paramCount }, 'gradient norm');
    b.add({ kind: 'optimizer', stage: 'update', count: lowered.paramCount }, `${training.optimizer} update`);
    graph = verifyGraph(b.build(), 'optimizer');
    opts.dump?.('optimizer', graph);
  }
  const blocker = streamBlocker(model);
  if (blocker === null) {
    const b = new GraphBuilder(graph);
    lowerStream(model, lowered, b);
    // The stream's own step selections (`last(h)` of its one step) fuse into its recurrences too.
    graph = verifyGraph(fuseTimeSelect(b.build()), 'stream');
    opts.dump?.('stream', graph);
  }
  const codegen: CodegenOptions = { ...DEFAULT_CODEGEN, ...(opts.maxWorkgroupBytes ? { maxWorkgroupBytes: opts.maxWorkgroupBytes } : {}),
                                    ...(opts.schedule ? { schedule: opts.schedule } : {}), ...(opts.subgroups ? { subgroups: true } : {}) };
  graph = verifyGraph(scheduleRecurrences(graph, codegen), 'schedule');
  graph = verifyGraph(streamStateInPlace(graph), 'stream-state-in-place');
  graph = verifyGraph(fuseInputProjection(graph), 'fuse-input-projection');
  opts.dump?.('fuse', graph);
  const pinned = new Set<TensorId>([
    ...lowered.inputs.map((i) => i.tensor), ...lowered.outputs.map((o) => o.tensor),
    ...(lowered.loss === null ? [] : [lowered.loss]), ...inputGradients.values(),
  ]);
  const memory = planMemory(graph, pinned);
  return assembleBundle({ model, lowered, graph, memory, training, streamBlocker: blocker, codegen, inputGradients });
}
