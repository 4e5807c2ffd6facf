// attention: queries [B, Tq, Dq] over keys [B, Tk, Dk] and values [B, Tk, Dv] (values default to keys),
// keys at steps ≥ lengths[b] masked out. context [B, Tq, Dv], weights [B, Tq, Tk].
// Additive parameters: `<layer>.w_query` [A, Dq], `w_key` [A, Dk], `bias` [A], `v` [A].
// A rank-2 query [B, Dq] is accepted as one query per row (context [B, Dv], weights [B, Tk]).
import type { AttentionNode } from '../../../compiler/check/model.ts';
import type { OpEnv } from '../op.ts';
import { validLengths } from '../lengths.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften, type RTensor } from '../tensor.ts';
import { attend, attendBackward, finishMemoryBackward, makeMemory, memoryGrads, type AdditiveParams, type Attended, type Memory } from './attend.ts';

/** The additive parameters under `prefix` (`<layer>.` or `<layer>.attention.`). */
export function additiveParams(env: OpEnv, prefix: string, units: number | undefined, dq: number, dk: number): AdditiveParams {
  if (units === undefined) throw new Error(`attention ${prefix}: additive scoring needs units`);
  return {
    units,
    wq: env.param(`${prefix}w_query`, [units, dq]).data,
    wk: env.param(`${prefix}w_key`, [units, dk]).data,
    b: env.param(`${prefix}bias`, [units]).data,
    v: env.param(`${prefix}v`, [units]).data,
  };
}

export const attentionOp: OpImpl<AttentionNode> = (node, env) => {
  const q = env.float(node.query);
  const k = env.float(node.keys);
  const v = node.values === undefined ? k : env.float(node.values);
  const single = q.shape.length === 2;
  const [B, Tk, Dk] = k.shape as [number, number, number];
  const Tq = single ? 1 : q.shape[1]!;
  const Dq = q.shape[q.shape.length - 1]!;
  const Dv = v.shape[2]!;
  if (v.shape[0] !== B || v.shape[1] !== Tk) throw new Error(`attention ${node.layer ?? ''}: values [${v.shape.join(', ')}] do not match keys [${k.shape.join(', ')}]`);
  if (node.score !== 'additive' && Dq !== Dk) throw new Error(`attention: ${node.score} scoring needs query and key sizes equal, got ${Dq} and ${Dk}`);
  const prefix = node.score === 'additive' ? `${layerOf(node)}.` : '';
  const params = node.score === 'additive' ? additiveParams(env, prefix, node.units, Dq, Dk) : undefined;
  const lengths = validLengths(env, node.lengths, B, Tk, 'attention');

  const memories: Memory[] = [];
  const results: Attended[][] = [];
  const context = new Float64Array(B * Tq * Dv);
  const weights = new Float64Array(B * Tq * Tk);
  for (let b = 0; b < B; b++) {
    const m = makeMemory(node.score, params, { dq: Dq, dk: Dk, dv: Dv }, lengths[b]!,
      k.data.slice(b * Tk * Dk, (b + 1) * Tk * Dk), v.data.slice(b * Tk * Dv, (b + 1) * Tk * Dv));
    memories.push(m);
    results.push([]);
    for (let t = 0; t < Tq; t++) {
      const r = attend(m, q.data.subarray((b * Tq + t) * Dq, (b * Tq + t + 1) * Dq));
      results[b]!.push(r);
      context.set(r.context, (b * Tq + t) * Dv);
      weights.set(r.weights, (b * Tq + t) * Tk);
    }
  }
  const lead = single ? [B] : [B, Tq];
  const outputs: [number, RTensor][] = [[node.context, ften([...lead, Dv], context)]];
  if (node.weights !== undefined) outputs.push([node.weights, ften([...lead, Tk], weights)]);
  return {
    outputs,
    backward(g) {
      const dc = g.out(node.context);
      const dw = node.weights === undefined ? undefined : g.out(node.weights);
      const dq = new Float64Array(q.data.length);
      const dk = new Float64Array(k.data.length);
      const dv = new Float64Array(v.data.length);
      const pg = { wq: new Float64Array(params?.wq.length ?? 0), wk: new Float64Array(params?.wk.length ?? 0), b: new Float64Array(params?.b.length ?? 0), v: new Float64Array(params?.v.length ?? 0) };
      for (let b = 0; b < B; b++) {
        const m = memories[b]!;
        const mg = memoryGrads(m);
        for (let t = 0; t < Tq; t++) {
          const o = (b * Tq + t);
          const r = attendBackward(m, q.data.subarray(o * Dq, (o + 1) * Dq), results[b]![t]!, mg,
            dc?.subarray(o * Dv, (o + 1) * Dv), dw, o * Tk);
          dq.set(r, o * Dq);
        }
        finishMemoryBackward(m, mg);
        dk.set(mg.keys, b * Tk * Dk);
        dv.set(mg.values, b * Tk * Dv);
        for (const key of ['wq', 'wk', 'b', 'v'] as const) for (let i = 0; i < pg[key].length; i++) pg[key][i]! += mg[key][i]!;
      }
      g.add(node.query, dq);
      g.add(node.keys, dk);
      g.add(node.values ?? node.keys, dv);
      if (params) {
        g.param(`${prefix}w_query`, pg.wq);
        g.param(`${prefix}w_key`, pg.wk);
        g.param(`${prefix}bias`, pg.b);
        g.param(`${prefix}v`, pg.v);
      }
    },
  };
};
