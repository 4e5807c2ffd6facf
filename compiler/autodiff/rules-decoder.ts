// Gradient rule of the teacher-forced attentive decoder: one backward-through-time op (per-step gate
// gradients, attention by recomputation), then the cell's and the query projection's weight gradients
// as matmuls and column sums over all steps. The embedding, key projection and output projection are
// ops of their own: their rules take dembedded, dkeyProj and (before this) give dhc.
import { mul } from '../ir/builder.ts';
import type { AttnDecoderOp } from '../ir/decoder-ops.ts';
import type { TensorId } from '../ir/graph.ts';
import type { GradCtx } from './autodiff.ts';

export const attnDecoderRule = (c: GradCtx, op: AttnDecoderOp, label: string): void => {
  if (op.stage !== 'train') return;
  const dhc = c.grad(op.hc);
  if (dhc === undefined) return;
  const { batch: B, steps: T, memTime: TM, hidden: H, units: A, embedDim: DE, memWidth: E } = op;
  const GH = (op.cell === 'lstm' ? 4 : 3) * H;
  const t = (name: string, shape: (string | number | readonly unknown[])[]) =>
    c.b.tensor(`${c.b.get(op.hc).name}.${name}`, shape as never);
  const scratch = (of: TensorId) => ({ tensor: c.b.tensor(`d.${c.b.get(of).name}`, c.b.get(of).shape), accumulate: false });
  const dmem = (c.needsGrad(op.memory) ? c.target(op.memory) : null) ?? scratch(op.memory);
  const demb = c.target(op.embedded!) ?? scratch(op.embedded!);
  const dkp = op.keyProj === undefined ? null : c.target(op.keyProj);
  const dh0 = op.h0 === undefined ? null : c.target(op.h0);
  const dgi = t('dgates_ih', [B, T, GH]);
  const dgh = op.cell === 'gru' ? t('dgates_hh', [B, T, GH]) : dgi;
  const dqp = op.score === 'additive' ? t('dquery_proj', [B, T, A]) : undefined;
  const duPart = op.score === 'additive' ? t('du', [B, TM, A]) : undefined;
  c.b.add({ kind: 'attn_decoder_grad', fwd: op, dhc, dembedded: demb.tensor, dmemory: dmem.tensor, dkeyProj: dkp?.tensor,
            duPart, dgi, dgh, dqp, carry: t('carry', [B, H]), dctx: t('dcontext', [B, E]), dq: t('dquery', [B, H]),
            ds: t('dscores', [B, TM]), dh0: dh0?.tensor, accumulateEmbedded: demb.accumulate, accumulateMemory: dmem.accumulate,
            accumulateKeyProj: dkp?.accumulate ?? false, accumulateH0: dh0?.accumulate ?? false }, `${label}: backward through time`);

  const rows = mul(B, T);
  const weightGrad = (dz: TensorId, width: number, x: TensorId, w: TensorId, cols: number, yOffset = 0, ldy = cols, acc?: boolean) => {
    const dw = c.target(w);
    if (!dw) return;
    c.b.add({ kind: 'matmul', a: dz, b: x, y: dw.tensor, m: width, n: cols, k: rows, transA: true, transB: false, act: 'none',
              accumulate: acc ?? dw.accumulate, yOffset, ldy }, `${label}: ${c.b.get(w).name} gradient`);
  };
  const biasGrad = (dz: TensorId, width: number, bias: TensorId, m = rows) => {
    const db = c.target(bias);
    if (db) c.b.add({ kind: 'colsum', x: dz, y: db.tensor, m, n: width, ld: width, xOffset: 0, accumulate: db.accumulate },
                    `${label}: ${c.b.get(bias).name} gradient`);
  };
  // W_ih sees [e_t; ctx_t]: two column blocks of one gradient, both first writes (or both accumulating).
  const dwih = c.target(op.wIh);
  if (dwih) {
    for (const [x, cols, off] of [[op.embedded!, DE, 0], [op.ctx, E, DE]] as const) {
      c.b.add({ kind: 'matmul', a: dgi, b: x, y: dwih.tensor, m: GH, n: cols, k: rows, transA: true, transB: false, act: 'none',
                accumulate: dwih.accumulate, yOffset: off, ldy: DE + E }, `${label}: input weight gradient`);
    }
  }
  biasGrad(dgi, GH, op.bIh);
  weightGrad(dgh, GH, op.hprevs!, op.wHh, H);
  biasGrad(dgh, GH, op.bHh);
  if (dqp !== undefined && duPart !== undefined) {
    weightGrad(dqp, A, op.hprevs!, op.wQuery!, H);
    biasGrad(dqp, A, op.bQuery!);
    biasGrad(duPart, A, op.u!, mul(B, TM));
  }
};
