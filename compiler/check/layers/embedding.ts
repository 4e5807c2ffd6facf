// embedding (model.ts EmbeddingNode): i32 ids [...] → [..., dim]; shareable (tied tables).
import * as E from '../../diagnostics/catalogue.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { expectDtype } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Init } from '../model.ts';
import { int } from '../options.ts';
import { defaulted, optional, readOptions, required } from '../read-options.ts';
import { useAsIndex } from '../roles.ts';
import { layerCallable, layerWhat } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  vocab: required(int(1), 'vocab=10000'),
  dim: required(int(1), 'dim=64'),
  padding_idx: optional(int(0)),
  init: defaulted(initSpec('weight'), { kind: 'normal', std: 1 } as Init),
};

export const embeddingLayer: LayerDef = {
  kind: 'embedding',
  shareable: true,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'embedding', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'embedding');
    if (o.padding_idx !== undefined && o.padding_idx >= o.vocab) {
      ctx.report(E.badOptionValue(read.given.get('padding_idx')!.value.span, 'padding_idx', `below \`vocab\` (${o.vocab})`, String(o.padding_idx)));
      return null;
    }
    return layerCallable({
      signature: { params: [tensor('ids')], usage: `${name}(ids)` },
      results: ['y'],
      apply(ctx, args, want, self) {
        const x = args.tensor('ids')!;
        if (!expectDtype(ctx, x, 'i32', what)) return nulls(want);
        useAsIndex(ctx, x, o.vocab);
        if (self.first) ctx.addParam(self.name, 'weight', [o.vocab, o.dim], o.init, self.declSpan);
        const y = ctx.addValue({ dtype: 'f32', shape: [...x.type.shape, o.dim] }, args.call.span);
        ctx.addNode({ op: 'embedding', vocab: o.vocab, dim: o.dim, paddingIdx: o.padding_idx, x: x.id, y: y.id, span: args.call.span, layer: self.name });
        return [y];
      },
    });
  },
};
