// attention (model.ts AttentionNode): queries [batch, tq, dq] attend over keys [batch, tk, dk]
// (and values, default the keys), with additive, dot or scaled-dot scores.
import * as E from '../../diagnostics/catalogue.ts';
import type { Arg, CallExpr } from '../../syntax/ast.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import type { ModelContext } from '../context.ts';
import { checkLengths, constDim, expectFloatRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { AttentionNode, Dim, Init } from '../model.ts';
import { int, oneOf } from '../options.ts';
import { defaulted, optional, readOptions } from '../read-options.ts';
import { showShape } from '../shape.ts';
import { layerCallable, layerWhat, vectorInit, wanted } from './common.ts';
import type { LayerDef } from './layer.ts';

export type Score = AttentionNode['score'];
export const scoreOption = defaulted(oneOf(['additive', 'dot', 'scaled_dot']), 'additive' as Score);

/** `units` is required by additive scores and meaningless for the others. */
export function checkUnits(ctx: ModelContext, owner: string, score: Score, units: number | undefined,
  given: ReadonlyMap<string, Arg>, call: CallExpr): boolean {
  if (score === 'additive' && units === undefined) {
    ctx.report(E.missingOption(call.span, 'units', owner, `${owner}(score=additive, units=32)`));
    return false;
  }
  const u = given.get('units');
  if (score !== 'additive' && u !== undefined) {
    ctx.report(E.optionNotApplicable(u.name?.span ?? u.span, 'units', `applies only to \`score=additive\` (${score} scores have no parameters)`));
    return false;
  }
  return true;
}

/** Additive-score parameters under `prefix` (`att.` or `dec.attention.`). */
export function addAttentionParams(ctx: ModelContext, layer: string, prefix: string, A: number, dq: number, dk: number,
  init: Init, biasInit: Init, span: CallExpr['span']): void {
  ctx.addParam(layer, `${prefix}w_query`, [A, dq], init, span);
  ctx.addParam(layer, `${prefix}w_key`, [A, dk], init, span);
  ctx.addParam(layer, `${prefix}bias`, [A], biasInit, span);
  ctx.addParam(layer, `${prefix}v`, [A], vectorInit(init, A), span);
}

const schema = {
  score: scoreOption,
  units: optional(int(1)),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  bias_init: defaulted(initSpec('vector'), { kind: 'zeros' } as Init),
};

export const attentionLayer: LayerDef = {
  kind: 'attention',
  shareable: false,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'attention', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'attention');
    if (!checkUnits(ctx, 'attention', o.score, o.units, read.given, call)) return null;
    return layerCallable({
      signature: {
        params: [tensor('query'), tensor('keys'), tensor('values', { optional: true }), tensor('lengths', { named: true })],
        usage: `${name}(query, keys, values?, lengths=?)`,
      },
      results: ['context', 'weights'],
      apply(ctx, args, want, self) {
        const q = args.tensor('query')!, k = args.tensor('keys')!, v = args.tensor('values'), lengths = args.tensor('lengths');
        let ok = expectFloatRank(ctx, q, 3, `${what} query`, '[batch, query_time, features]');
        ok = expectFloatRank(ctx, k, 3, `${what} keys`, '[batch, key_time, features]') && ok;
        if (v !== undefined) ok = expectFloatRank(ctx, v, 3, `${what} values`, '[batch, key_time, features]') && ok;
        if (!ok) return nulls(want);
        const [B, Tq, Dq] = q.type.shape as [Dim, Dim, Dim];
        const [Bk, Tk, Dk] = k.type.shape as [Dim, Dim, Dim];
        if (Bk !== B) { ctx.report(E.shapeMismatch(k.span, `${what}: keys ${showShape(k.type.shape)} and query ${showShape(q.type.shape)} differ in batch size`)); return nulls(want); }
        if (v !== undefined && (v.type.shape[0] !== B || v.type.shape[1] !== Tk)) {
          ctx.report(E.shapeMismatch(v.span, `${what}: values ${showShape(v.type.shape)} must match keys ${showShape(k.type.shape)} in batch and time`));
          return nulls(want);
        }
        if (o.score !== 'additive' && Dq !== Dk) {
          ctx.report(E.shapeMismatch(q.span, `${what}: ${o.score} scores need queries and keys of one size, got ${Dq} and ${Dk}`,
            'use `score=additive`, or project one side with a dense layer'));
          return nulls(want);
        }
        if (lengths !== undefined && !checkLengths(ctx, lengths, B, Tk, `\`lengths\` of ${what}`)) return nulls(want);
        if (self.first && o.score === 'additive') {
          const dq = constDim(ctx, q, 2, `the query size of ${what}`), dk = constDim(ctx, k, 2, `the key size of ${what}`);
          if (dq === undefined || dk === undefined) return nulls(want);
          addAttentionParams(ctx, self.name, '', o.units!, dq, dk, o.init, o.bias_init, self.declSpan);
        }
        const span = args.call.span;
        const context = ctx.addValue({ dtype: 'f32', shape: [B, Tq, (v ?? k).type.shape[2]!] }, span);
        const weights = wanted(want, 1, () => ctx.addValue({ dtype: 'f32', shape: [B, Tq, Tk] }, span));
        ctx.addNode({
          op: 'attention', score: o.score, units: o.units, query: q.id, keys: k.id, values: v?.id, lengths: lengths?.id,
          context: context.id, weights: weights?.id, span, layer: self.name,
        });
        return [context, weights ?? null].slice(0, want);
      },
    });
  },
};
