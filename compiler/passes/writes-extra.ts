// The tensors written by the ops of the convolution, attention and small-tensor families (writesOf
// delegates here), so dead-code elimination and the training program see exactly what each stage writes.
import type { Op, TensorId } from '../ir/graph.ts';

const defined = (xs: readonly (TensorId | undefined)[]) => xs.filter((x): x is TensorId => x !== undefined);

export function writesOfExtra(op: Op): TensorId[] {
  switch (op.kind) {
    case 'conv': return op.stage === 'forward' ? [op.y] : op.stage === 'dx' ? defined([op.dx]) : defined([op.dwt, op.dbias]);
    case 'pool': return op.grad ? defined([op.dx]) : [op.y];
    case 'conv_lstm': return defined([op.hs, op.hprev, op.gates, op.cells, op.hN, op.cN]);
    case 'conv_lstm_grad': return [op.dgates, op.dcCarry];
    case 'binary_grad': return [op.dx];
    case 'layer_norm': return op.stage === 'forward' ? [op.y, op.stats] : op.stage === 'dx' ? defined([op.dx]) : defined([op.dgamma, op.dbeta]);
    case 'attention':
      return op.stage === 'forward' ? defined([op.y, op.stats, op.weights])
        : op.stage === 'dq' ? defined([op.delta, op.dquery]) : defined([op.dkeys, op.dvalues, op.duPart]);
    case 'attn_decoder':
      return defined([op.hc, op.ctx, op.stats, op.scores, op.queryProj, op.hprevs, op.gates, op.cells, op.tokens, op.stepLogits]);
    case 'attn_decoder_grad':
      return defined([op.dgi, op.dgh, op.dqp, op.carry, op.dctx, op.dq, op.ds, op.dembedded, op.dmemory, op.dkeyProj, op.duPart, op.dh0]);
    case 'copy2d': case 'binary': case 'fill': case 'reduce': case 'shift_tokens': return [op.y];
    default: throw new Error(`internal error: writesOfExtra has no entry for '${op.kind}'`);
  }
}
