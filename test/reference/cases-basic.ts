// Gradient-check cases for the non-recurrent constructs: small models with symbolic B/T so inputs are
// random, and every option of each construct.
import type { Activation } from '../../compiler/check/model.ts';
import { ModelBuilder } from './builder.ts';
import type { GradCase } from './cases.ts';

const acts: Activation[] = ['relu', 'tanh', 'sigmoid', 'gelu', 'softmax', 'log_softmax', 'exp', 'neg'];

export const basicCases: GradCase[] = [
  ...acts.map((act): GradCase => ({
    construct: `dense + ${act} (3-D input, leading axes mapped)`,
    model: () => {
      const b = new ModelBuilder().param('fc.weight', [3, 4]).param('fc.bias', [3]);
      const x = b.input('x', 'f32', ['B', 'T', 4]);
      const y = b.f(['B', 'T', 3]);
      return b.node({ op: 'dense', layer: 'fc', units: 3, bias: true, activation: act, x, y }).output('y', y).build();
    },
  })),
  {
    construct: 'dense, no bias',
    model: () => {
      const b = new ModelBuilder().param('fc.weight', [2, 5]);
      const x = b.input('x', 'f32', ['B', 5]);
      const y = b.f(['B', 2]);
      return b.node({ op: 'dense', layer: 'fc', units: 2, bias: false, x, y }).output('y', y).build();
    },
  },
  ...(['relu', 'tanh', 'sigmoid', 'gelu', 'softmax', 'log_softmax', 'exp', 'neg'] as const).map((fn): GradCase => ({
    construct: `activation ${fn}`,
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 4]);
      const y = b.f(['B', 4]);
      return b.node({ op: 'activation', fn, x, y }).output('y', y).build();
    },
  })),
  {
    construct: 'activation log (of exp, so the argument is positive)',
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 3]);
      const e = b.f(['B', 3]);
      const y = b.f(['B', 3]);
      return b.node({ op: 'activation', fn: 'exp', x, y: e }).node({ op: 'activation', fn: 'log', x: e, y }).output('y', y).build();
    },
  },
  {
    construct: 'gelu far tails (|x| up to 8)',
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 4]);
      const k = b.f([]);
      const s = b.f(['B', 4]);
      const y = b.f(['B', 4]);
      return b.node({ op: 'const', value: 4, y: k }).node({ op: 'binary', fn: 'mul', a: x, b: k, y: s })
        .node({ op: 'activation', fn: 'gelu', x: s, y }).output('y', y).build();
    },
  },
  ...(['add', 'sub', 'mul', 'div'] as const).map((fn): GradCase => ({
    construct: `binary ${fn} with broadcasting`,
    model: () => {
      // a [B, T, 3] op b [B, 1, 3] op c [3]; the divisor goes through exp so it stays away from 0.
      const b = new ModelBuilder();
      const x = b.input('a', 'f32', ['B', 'T', 3]);
      const z = b.input('b', 'f32', ['B', 1, 3]);
      const w = b.input('c', 'f32', [3]);
      const ez = b.f(['B', 1, 3]);
      const ew = b.f([3]);
      const y1 = b.f(['B', 'T', 3]);
      const y2 = b.f(['B', 'T', 3]);
      return b.node({ op: 'activation', fn: 'exp', x: z, y: ez }).node({ op: 'activation', fn: 'exp', x: w, y: ew })
        .node({ op: 'binary', fn, a: x, b: ez, y: y1 }).node({ op: 'binary', fn, a: ew, b: y1, y: y2 })
        .output('y', y2).build();
    },
  })),
  {
    construct: 'const (scalar broadcast)',
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 3]);
      const k = b.f([]);
      const y = b.f(['B', 3]);
      return b.node({ op: 'const', value: 2.5, y: k }).node({ op: 'binary', fn: 'mul', a: k, b: x, y }).output('y', y).build();
    },
  },
  ...([['sum', 1], ['mean', 1], ['sum', -1], ['mean', 'all'], ['sum', 'all'], ['mean', 0]] as const).map(([fn, axis]): GradCase => ({
    construct: `reduce ${fn} axis ${axis}`,
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 'T', 3]);
      const shape = axis === 'all' ? [] : axis === 1 ? ['B', 3] : axis === 0 ? ['T', 3] : ['B', 'T'];
      const y = b.f(shape);
      return b.node({ op: 'reduce', fn, axis, x, y }).output('y', y).build();
    },
  })),
  ...([1, -1, 0] as const).map((axis): GradCase => ({
    construct: `concat axis ${axis}`,
    model: () => {
      const b = new ModelBuilder();
      const shapeA = axis === 1 ? [2, 3, 4] : axis === 0 ? [1, 3, 4] : [2, 3, 2];
      const x = b.input('a', 'f32', shapeA);
      const z = b.input('b', 'f32', [2, 3, 4]);
      // Three operands, one repeated: its gradient is the sum of two slices.
      const out = axis === 1 ? [2, 9, 4] : axis === 0 ? [4, 3, 4] : [2, 3, 8];
      const y = b.f(out);
      return b.node({ op: 'concat', axis, xs: [x, z, x], y }).output('y', y).build();
    },
  })),
  {
    construct: 'flatten (last 3 axes)',
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 2, 3, 2]);
      const y = b.f(['B', 12]);
      const z = b.f(['B', 2]);
      return b.param('fc.weight', [2, 12]).param('fc.bias', [2])
        .node({ op: 'flatten', axes: 3, x, y }).node({ op: 'dense', layer: 'fc', units: 2, bias: true, activation: 'tanh', x: y, y: z })
        .output('y', z).build();
    },
  },
  {
    construct: 'layer_norm',
    model: () => {
      const b = new ModelBuilder().param('ln.weight', [5]).param('ln.bias', [5]);
      const x = b.input('x', 'f32', ['B', 'T', 5]);
      const y = b.f(['B', 'T', 5]);
      return b.node({ op: 'layer_norm', layer: 'ln', eps: 1e-5, x, y }).output('y', y).build();
    },
  },
  ...([true, false] as const).map((training): GradCase => ({
    construct: `dropout p=0.4 (${training ? 'training' : 'inference'})`,
    opts: { training },
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 6]);
      const y = b.f(['B', 6]);
      return b.node({ op: 'dropout', p: 0.4, x, y }).output('y', y).build();
    },
  })),
  {
    construct: 'embedding with paddingIdx',
    model: () => {
      const b = new ModelBuilder().param('emb.weight', [5, 3]);
      const x = b.input('tok', 'i32', ['B', 'T'], { kind: 'index', bound: 5 });
      const y = b.f(['B', 'T', 3]);
      return b.node({ op: 'embedding', layer: 'emb', vocab: 5, dim: 3, paddingIdx: 0, x, y }).output('y', y).build();
    },
  },
  ...([
    ['same', 1, 3], ['valid', 1, 3], ['valid', 2, 3], ['same', 1, 2], ['same', 2, 3],
  ] as const).map(([padding, stride, k]): GradCase => ({
    construct: `conv1d ${padding} k=${k} stride ${stride} + relu`,
    dims: { B: 2 },
    model: () => {
      const T = 7;
      const out = padding === 'same' ? Math.floor((T - 1) / stride) + 1 : Math.floor((T - k) / stride) + 1;
      const b = new ModelBuilder().param('cv.weight', [3, 2, k]).param('cv.bias', [3]);
      const x = b.input('x', 'f32', ['B', T, 2]);
      const y = b.f(['B', out, 3]);
      return b.node({ op: 'conv1d', layer: 'cv', filters: 3, kernel: k, stride, padding, bias: true, activation: 'relu', x, y })
        .output('y', y).build();
    },
  })),
  ...([['same', 1], ['valid', 1], ['valid', 2], ['same', 2]] as const).map(([padding, stride]): GradCase => ({
    construct: `conv2d ${padding} stride ${stride} (per frame of [B, T, C, H, W])`,
    dims: { B: 1, T: 2 },
    model: () => {
      const [H, W, k] = [5, 4, 3];
      const o = (n: number): number => (padding === 'same' ? Math.floor((n - 1) / stride) + 1 : Math.floor((n - k) / stride) + 1);
      const b = new ModelBuilder().param('cv.weight', [2, 2, k, k]).param('cv.bias', [2]);
      const x = b.input('x', 'f32', ['B', 'T', 2, H, W]);
      const y = b.f(['B', 'T', 2, o(H), o(W)]);
      return b.node({ op: 'conv2d', layer: 'cv', filters: 2, kernel: k, stride, padding, bias: true, activation: 'tanh', x, y })
        .output('y', y).build();
    },
  })),
  {
    construct: 'conv2d no bias, 4-D input',
    dims: { B: 2 },
    model: () => {
      const b = new ModelBuilder().param('cv.weight', [3, 1, 2, 2]);
      const x = b.input('x', 'f32', ['B', 1, 4, 4]);
      const y = b.f(['B', 3, 3, 3]);
      return b.node({ op: 'conv2d', layer: 'cv', filters: 3, kernel: 2, stride: 1, padding: 'valid', bias: false, x, y })
        .output('y', y).build();
    },
  },
  ...([['max', 2, 2], ['avg', 3, 2], ['max', 3, 1], ['avg', 2, 1]] as const).flatMap(([mode, k, stride]): GradCase[] => [
    {
      construct: `pool1d ${mode} k=${k} stride ${stride}`,
      model: () => {
        const b = new ModelBuilder();
        const x = b.input('x', 'f32', ['B', 7, 2]);
        const y = b.f(['B', Math.floor((7 - k) / stride) + 1, 2]);
        return b.node({ op: 'pool1d', mode, kernel: k, stride, x, y }).output('y', y).build();
      },
    },
    {
      construct: `pool2d ${mode} k=${k} stride ${stride}`,
      dims: { B: 2 },
      model: () => {
        const b = new ModelBuilder();
        const x = b.input('x', 'f32', ['B', 2, 6, 5]);
        const y = b.f(['B', 2, Math.floor((6 - k) / stride) + 1, Math.floor((5 - k) / stride) + 1]);
        return b.node({ op: 'pool2d', mode, kernel: k, stride, x, y }).output('y', y).build();
      },
    },
  ]),
  ...(['first', 'last'] as const).flatMap((which) => [true, false].map((masked): GradCase => ({
    construct: `time_select ${which}${masked ? ' with lengths' : ''}`,
    dims: { B: 3, T: 4 },
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 'T', 3]);
      const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
      const y = b.f(['B', 3]);
      return b.node({ op: 'time_select', which, x, y, ...(len !== undefined ? { lengths: len } : {}) }).output('y', y).build();
    },
  }))),
  ...(['mean', 'max'] as const).flatMap((mode) => [true, false].map((masked): GradCase => ({
    construct: `time_pool ${mode}${masked ? ' with lengths' : ''}`,
    dims: { B: 3, T: 4 },
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 'T', 3]);
      const len = masked ? b.input('len', 'i32', ['B'], { kind: 'lengths', dim: 'T' }) : undefined;
      const y = b.f(['B', 3]);
      return b.node({ op: 'time_pool', mode, x, y, ...(len !== undefined ? { lengths: len } : {}) }).output('y', y).build();
    },
  }))),
  {
    construct: 'repeat (symbolic steps)',
    dims: { B: 2, T: 3 },
    model: () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'f32', ['B', 4]);
      const s = b.input('seq', 'f32', ['B', 'T', 1]);
      const r = b.f(['B', 'T', 4]);
      const y = b.f(['B', 'T', 4]);
      return b.node({ op: 'repeat', steps: 'T', x, y: r }).node({ op: 'binary', fn: 'mul', a: r, b: s, y }).output('y', y).build();
    },
  },
];
