// conv1d and conv2d, then bias, then the optional activation. Leading axes are mapped.
//   conv1d: x [..., T, C] (channels last), `<layer>.weight` [F, C, k] → [..., T', F]
//           y[t, f] = b[f] + Σ_c Σ_j w[f, c, j] · x[t·s + j − pad, c]
//   conv2d: x [..., C, H, W] (channels first, per frame), `<layer>.weight` [F, C, k, k] → [..., F, H', W']
// n' = floor((n + pads − k)/stride) + 1; 'same' pads k−1 in total, (k−1)//2 before (PyTorch padding='same').
import type { ConvNode } from '../../../compiler/check/model.ts';
import { activate, activateBackward } from '../math/activations.ts';
import { conv2dFrame, conv2dFrameBackward, convGeometry, type Conv2dShape } from '../math/conv2d.ts';
import { layerOf, type OpImpl } from '../op.ts';
import { ften, sizeOf, span } from '../tensor.ts';

export const convOp: OpImpl<ConvNode> = (node, env) => {
  const x = env.float(node.x);
  const layer = layerOf(node);
  const two = node.op === 'conv2d';
  const rank = x.shape.length;
  if (rank < (two ? 3 : 2)) throw new Error(`${node.op} ${layer}: input of rank ${rank} is too small`);
  const conv = two ? conv2dParts(node, x.shape, env.param.bind(env)) : conv1dParts(node, x.shape, env.param.bind(env));
  const b = node.bias ? env.param(`${layer}.bias`, [node.filters]).data : undefined;
  const frames = span(x.shape, 0, conv.lead);
  const inFrame = x.data.length / frames;
  const outFrame = sizeOf(conv.outFrame);
  const z = new Float64Array(frames * outFrame);
  for (let n = 0; n < frames; n++) conv.forward(x.data, n * inFrame, z, n * outFrame);
  if (b) for (let i = 0; i < z.length; i++) z[i]! += b[conv.channelOf(i % outFrame)]!;
  const act = node.activation;
  const last = conv.outFrame[conv.outFrame.length - 1]!;
  const y = act ? activate(act, z, last) : z;
  return {
    outputs: [[node.y, ften([...x.shape.slice(0, conv.lead), ...conv.outFrame], y)]],
    backward(g) {
      const dy = g.out(node.y);
      if (!dy) return;
      const dz = act ? activateBackward(act, z, y, dy, last) : dy;
      const dx = new Float64Array(x.data.length);
      const dw = new Float64Array(conv.w.length);
      for (let n = 0; n < frames; n++) conv.backward(x.data, n * inFrame, dz, n * outFrame, dx, dw);
      g.add(node.x, dx);
      g.param(`${layer}.weight`, dw);
      if (b) {
        const db = new Float64Array(node.filters);
        for (let i = 0; i < dz.length; i++) db[conv.channelOf(i % outFrame)]! += dz[i]!;
        g.param(`${layer}.bias`, db);
      }
    },
  };
};

type ParamFn = (name: string, shape?: readonly number[]) => { data: Float64Array };

interface ConvParts {
  readonly w: Float64Array;
  /** Number of leading (mapped) axes, and the shape of one output frame. */
  readonly lead: number;
  readonly outFrame: readonly number[];
  /** The output channel of an element of one output frame. */
  channelOf(i: number): number;
  forward(x: Float64Array, xo: number, y: Float64Array, yo: number): void;
  backward(x: Float64Array, xo: number, dy: Float64Array, yo: number, dx: Float64Array, dw: Float64Array): void;
}

function conv2dParts(node: ConvNode, shape: readonly number[], param: ParamFn): ConvParts {
  const rank = shape.length;
  const [c, h, width] = [shape[rank - 3]!, shape[rank - 2]!, shape[rank - 1]!];
  const { filters: f, kernel: k, stride } = node;
  const w = param(`${node.layer}.weight`, [f, c, k, k]).data;
  const gh = convGeometry(h, k, stride, node.padding);
  const gw = convGeometry(width, k, stride, node.padding);
  const s: Conv2dShape = { c, h, w: width, f, k, stride, pad: gw.before, ho: gh.out, wo: gw.out };
  const plane = s.ho * s.wo;
  return {
    w, lead: rank - 3, outFrame: [f, s.ho, s.wo],
    channelOf: (i) => Math.floor(i / plane),
    forward: (x, xo, y, yo) => conv2dFrame(s, x, xo, w, y, yo),
    backward: (x, xo, dy, yo, dx, dw) => conv2dFrameBackward(s, x, xo, w, dy, yo, dx, dw),
  };
}

function conv1dParts(node: ConvNode, shape: readonly number[], param: ParamFn): ConvParts {
  const rank = shape.length;
  const [len, c] = [shape[rank - 2]!, shape[rank - 1]!];
  const { filters: f, kernel: k, stride } = node;
  const w = param(`${node.layer}.weight`, [f, c, k]).data;
  const { before: pad, out } = convGeometry(len, k, stride, node.padding);
  // Calls fn(t, f, weight index, input index) for every tap that lands inside the input.
  const taps = (fn: (t: number, of: number, wi: number, xi: number) => void): void => {
    for (let t = 0; t < out; t++) {
      for (let of = 0; of < f; of++) {
        for (let j = 0; j < k; j++) {
          const src = t * stride + j - pad;
          if (src < 0 || src >= len) continue;
          for (let ic = 0; ic < c; ic++) fn(t, of, (of * c + ic) * k + j, src * c + ic);
        }
      }
    }
  };
  return {
    w, lead: rank - 2, outFrame: [out, f],
    channelOf: (i) => i % f,
    forward: (x, xo, y, yo) => taps((t, of, wi, xi) => { y[yo + t * f + of]! += w[wi]! * x[xo + xi]!; }),
    backward: (x, xo, dy, yo, dx, dw) => taps((t, of, wi, xi) => {
      const gy = dy[yo + t * f + of]!;
      dx[xo + xi]! += gy * w[wi]!;
      dw[wi]! += gy * x[xo + xi]!;
    }),
  };
}
