// The schedule of a recurrent layer, from the adapter's limits (the compile options carry them):
// persistent (one dispatch per pass, the state in workgroup memory) or one dispatch per step, and how
// many sequences a persistent workgroup carries. The schedule pass records the choice on every
// recurrence once (`scheduled`), before anything depends on it: fuse-input-projection, the kernels, and
// the bundle assembler, which writes the choice and its reason into the bundle.
import type { Graph, RecurrentSchedule, RecurrentScheduleChoice, RecurrentSeqOp, TensorId } from '../ir/graph.ts';

export type { RecurrentSchedule } from '../ir/graph.ts';

/** Gates per unit: LSTM 4, GRU 3, simple RNN 1. */
export const gatesOf = (op: RecurrentSeqOp) => (op.cell === 'lstm' ? 4 : op.cell === 'gru' ? 3 : 1);

/**
 * The schedule for a layer: persistent when its workgroup memory fits the limit, unless one is forced.
 * A persistent workgroup carries a slice of sequences (the most of 8, 4, 2, 1 that fit and that the batch
 * fills; the forward up to 16): each weight it loads then feeds one multiply-add per sequence. The
 * backward pass keeps slice·G·H gate gradients in workgroup memory, the forward pass only slice·H states,
 * so the forward's slice can be the larger. On SwiftShader, where a load costs as much as 10-15
 * multiply-adds, each doubling of the slice up to 8 saved 20-35% of a pass on M1, and 16 (with 2 units
 * per thread) another 5-18% of the inference in Node A/B runs on M1, M2, M4 (issue #8); on a GPU with
 * many compute units, smaller slices (more workgroups) would pay instead. `expectedBatch` caps the slices
 * where the batch is a dimension but the caller knows what it usually is. Returns the choice and the reason
 * for the bundle.
 */
export function chooseSchedule(op: RecurrentSeqOp, maxWorkgroupBytes: number, forced?: RecurrentSchedule,
                               expectedBatch = Infinity): RecurrentScheduleChoice {
  const batchCap = typeof op.batch === 'number' ? op.batch : expectedBatch;
  const largest = (bytes: (n: number) => number, slices = [8, 4, 2, 1]) => slices.find((n) => bytes(n) <= maxWorkgroupBytes && (n <= batchCap || n === 1)) ?? 0;
  const bytes = (n: number) => 4 * n * gatesOf(op) * op.hidden;
  const slice = largest(bytes);
  const forwardSlice = Math.max(1, largest((n) => 4 * n * op.hidden, [16, 8, 4, 2, 1]));
  if (forced === 'per_step') return { schedule: 'per_step', slice: 1, forwardSlice: 1, reason: 'forced by the compile options' };
  if (slice === 0) {
    return { schedule: 'per_step', slice: 1, forwardSlice: 1, reason: `the persistent kernel needs ${bytes(1)} bytes of workgroup memory, over the limit ${maxWorkgroupBytes}` };
  }
  const slices = `${forwardSlice} sequence${forwardSlice === 1 ? '' : 's'} per workgroup forward, ${slice} backward`;
  if (forced === 'persistent') return { schedule: 'persistent', slice, forwardSlice, reason: `forced by the compile options (${slices})` };
  return { schedule: 'persistent', slice, forwardSlice, reason: `state fits in workgroup memory (${bytes(slice)} of ${maxWorkgroupBytes} bytes for ${slices}): 1 dispatch per pass instead of one per step` };
}

/** The batch a stream step is scheduled for (see scheduleRecurrences). */
const STREAM_BATCH = 1;

/**
 * The schedule pass: every recurrence gets its choice (`scheduled`), and every backward op the copy of
 * its forward op that carries it. Runs once, after the last pass that adds recurrences (stream).
 * A stream step is scheduled for one sequence: streams usually are one (the CLI's and the benchmark's
 * are), and a slice of 16 made a batch-1 step compute 16 sequences' dot products (M1's stream step:
 * 3.0-3.2 ms against 4.1-6.8 with the slice of 16, alternating `npm run bench -- --only rnnc --model M1
 * --no-out`, issue #8). A batched stream then runs one workgroup per sequence.
 */
export function scheduleRecurrences(g: Graph, limits: { readonly maxWorkgroupBytes: number; readonly schedule?: RecurrentSchedule }): Graph {
  const scheduled = new Map<TensorId, RecurrentSeqOp>();   // y of a recurrence → the op with its choice
  const ops = g.ops.map((node) => {
    if (node.op.kind !== 'recurrent_seq') return node;
    const expectedBatch = node.phase === 'stream' ? STREAM_BATCH : undefined;
    const op: RecurrentSeqOp = { ...node.op, scheduled: chooseSchedule(node.op, limits.maxWorkgroupBytes, limits.schedule, expectedBatch) };
    scheduled.set(op.y, op);
    return { ...node, op };
  });
  return {
    tensors: g.tensors,
    ops: ops.map((node) => (node.op.kind === 'recurrent_seq_grad' && scheduled.has(node.op.fwd.y)
      ? { ...node, op: { ...node.op, fwd: scheduled.get(node.op.fwd.y)! } } : node)),
  };
}

/** The recorded choice of a scheduled recurrence. */
export function scheduleOf(op: RecurrentSeqOp): RecurrentScheduleChoice {
  if (op.scheduled === undefined) throw new Error('internal error: a recurrence reached a schedule-dependent pass before the schedule pass');
  return op.scheduled;
}
