// self_attention (model.ts SelfAttentionNode): PyTorch nn.MultiheadAttention over [batch, time, E].
import * as E from '../../diagnostics/catalogue.ts';
import { tensor } from '../bind-args.ts';
import { nulls } from '../callable.ts';
import { checkLengths, constDim, expectFloatRank } from '../expect.ts';
import { initSpec } from '../init-spec.ts';
import type { Dim, Init } from '../model.ts';
import { bool, int } from '../options.ts';
import { defaulted, readOptions, required } from '../read-options.ts';
import { layerCallable, layerWhat } from './common.ts';
import type { LayerDef } from './layer.ts';

const schema = {
  heads: required(int(1), 'heads=4'),
  causal: defaulted(bool, false),
  init: defaulted(initSpec('weight'), { kind: 'xavier_uniform' } as Init),
  bias_init: defaulted(initSpec('vector'), { kind: 'zeros' } as Init),
};

export const selfAttentionLayer: LayerDef = {
  kind: 'self_attention',
  shareable: false,
  declare(ctx, name, call) {
    const read = readOptions(ctx, 'self_attention', schema, call.args, call.span);
    if (read === null) return null;
    const o = read.values, what = layerWhat(name, 'self_attention');
    return layerCallable({
      signature: { params: [tensor('x'), tensor('lengths', { named: true })], usage: `${name}(x, lengths=?)` },
      results: ['y'],
      apply(ctx, args, want, self) {
        const x = args.tensor('x')!, lengths = args.tensor('lengths');
        if (!expectFloatRank(ctx, x, 3, what, '[batch, time, features]')) return nulls(want);
        const [B, T] = x.type.shape as [Dim, Dim];
        const Em = constDim(ctx, x, 2, `the feature size of the input to ${what}`);
        if (Em === undefined) return nulls(want);
        if (Em % o.heads !== 0) {
          ctx.report(E.invalidOptionCombination(x.span, `${what} has ${o.heads} heads, which do not divide its input's ${Em} features`,
            `choose \`heads\` among the divisors of ${Em}`));
          return nulls(want);
        }
        if (lengths !== undefined && !checkLengths(ctx, lengths, B, T, `\`lengths\` of ${what}`)) return nulls(want);
        if (self.first) {
          ctx.addParam(self.name, 'in_proj_weight', [3 * Em, Em], o.init, self.declSpan);
          ctx.addParam(self.name, 'in_proj_bias', [3 * Em], o.bias_init, self.declSpan);
          ctx.addParam(self.name, 'out_proj.weight', [Em, Em], o.init, self.declSpan);
          ctx.addParam(self.name, 'out_proj.bias', [Em], o.bias_init, self.declSpan);
        }
        const y = ctx.addValue(x.type, args.call.span);
        ctx.addNode({ op: 'self_attention', heads: o.heads, causal: o.causal, x: x.id, lengths: lengths?.id, y: y.id, span: args.call.span, layer: self.name });
        return [y];
      },
    });
  },
};
