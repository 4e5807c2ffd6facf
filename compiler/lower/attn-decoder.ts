// The attentive seq2seq decoder. Teacher forcing (when targets are given): the fed tokens (sos, then the
// targets shifted), their embedding and the additive key projection as ordinary ops, the step loop, then
// one output-projection matmul over all steps. Greedy decoding for `tokens`: its own step loop that
// feeds the argmax back on the GPU (no readback per step).
import type { AttnDecoderNode } from '../check/model.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';
import { mul } from '../ir/builder.ts';
import type { AttnDecoderOp } from '../ir/decoder-ops.ts';
import type { TensorId } from '../ir/graph.ts';
import type { LowerCtx } from './context.ts';

export function lowerAttnDecoder(ctx: LowerCtx, n: AttnDecoderNode): void {
  const { b } = ctx;
  const name = n.layer ?? `attn_decoder${n.id}`;
  const [batch, memTime, E] = ctx.shape(n.memory) as [string | number, string | number, number];
  const H = n.hidden, V = n.vocab, DE = n.embedDim;
  const additive = n.score === 'additive';
  const A = additive ? n.units! : 0;
  const memory = ctx.tensorOf(n.memory);
  const p = (s: string) => ctx.param(`${name}.${s}`).tensor;
  let keyProj: TensorId | undefined;
  if (additive) {
    keyProj = b.tensor(`${name}.key_proj`, [batch, memTime, A]);
    b.add({ kind: 'matmul', a: memory, b: p('attention.w_key'), y: keyProj, m: mul(batch, memTime), n: A, k: E,
            transA: false, transB: true, act: 'none', accumulate: false }, `${name} key projection`);
  }
  const state = (steps: SizeExpr, tag: string) => ({
    hc: b.tensor(`${name}.${tag}hc`, [batch, steps, H + E]), ctx: b.tensor(`${name}.${tag}context`, [batch, steps, E]),
    stats: b.tensor(`${name}.${tag}stats`, [batch, steps, 2]), scores: b.tensor(`${name}.${tag}scores`, [batch, memTime]),
    queryProj: additive ? b.tensor(`${name}.${tag}query_proj`, [batch, steps, A]) : undefined,
    cells: n.cell === 'lstm' ? b.tensor(`${name}.${tag}cells`, [batch, steps, H]) : undefined,
  });
  const common = {
    kind: 'attn_decoder', cell: n.cell, hidden: H, embedDim: DE, vocab: V, memWidth: E, units: A,
    score: additive ? 'additive' : 'dot', scale: n.score === 'scaled_dot' ? 1 / Math.sqrt(E) : 1, sos: n.sos, eos: n.eos,
    batch, memTime, wIh: p('cell.weight_ih'), wHh: p('cell.weight_hh'), bIh: p('cell.bias_ih'), bHh: p('cell.bias_hh'),
    wQuery: additive ? p('attention.w_query') : undefined, bQuery: additive ? p('attention.bias') : undefined,
    u: additive ? p('attention.v') : undefined, memory, keyProj,
    lengths: n.memoryLengths === undefined ? undefined : ctx.tensorOf(n.memoryLengths),
    h0: n.h0 === undefined ? undefined : ctx.tensorOf(n.h0),
  } as const;

  if (n.targets !== undefined && n.logits !== undefined) {
    const time = ctx.shape(n.targets)[1]!;
    const fed = b.tensor(`${name}.fed_tokens`, [batch, time], { kind: 'ints' });
    ctx.nonDiff.add(fed);
    b.add({ kind: 'shift_tokens', x: ctx.tensorOf(n.targets), y: fed, batch, time, first: n.sos }, `${name} tokens fed`);
    const embedded = b.tensor(`${name}.embedded`, [batch, time, DE]);
    b.add({ kind: 'embedding', grad: false, idx: fed, table: p('embedding.weight'), y: embedded, count: mul(batch, time),
            vocab: V, dim: DE, paddingIdx: null, accumulate: false }, `${name} embedding`);
    const s = state(time, '');
    const train: AttnDecoderOp = { ...common, stage: 'train', steps: time, embedded, ...s,
                                   hprevs: b.tensor(`${name}.hprevs`, [batch, time, H]), gates: b.tensor(`${name}.gates`, [batch, time, 4 * H]) };
    b.add(train, `${name} teacher-forced steps`);
    b.add({ kind: 'matmul', a: s.hc, b: p('out.weight'), bias: p('out.bias'), y: ctx.define(n.logits, `${name}.logits`),
            m: mul(batch, time), n: V, k: H + E, transA: false, transB: true, act: 'none', accumulate: false }, `${name} output projection`);
  }
  const tokens = ctx.define(n.tokens, `${name}.tokens`);
  b.add({ ...common, stage: 'greedy', steps: n.maxLen, ...state(n.maxLen, 'greedy_'), embTable: p('embedding.weight'),
          wOut: p('out.weight'), bOut: p('out.bias'), tokens, stepLogits: b.tensor(`${name}.step_logits`, [batch, V]) },
        `${name} greedy decoding`);
}
