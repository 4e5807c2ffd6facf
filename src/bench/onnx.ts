// ONNX files for the ORT side of the benchmark (M1-M4), written by a tiny protobuf encoder: no package
// ships an ONNX writer for the browser, and the graph needs only a handful of messages (field numbers
// from onnx/onnx.proto3). The graph is Keras' model in ONNX ops:
//   X [B, T, I] -> Transpose -> [T, B, I] -> LSTM/GRU (-> Squeeze -> next layer) -> Y_h [D, B, H]
//   -> (Transpose, bidirectional) -> Reshape [B, D·H] -> Gemm (dense) -> Softmax
// Weights are seeded uniform random; the benchmark measures time, not accuracy.
import { randomWeights } from './data.ts';
import type { BenchModel } from './models.ts';

// ---- protobuf wire format: varints, length-delimited fields, little-endian bytes ----
type Bytes = Uint8Array;
const enc = new TextEncoder();

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

const concat = (parts: readonly Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const key = (field: number, wire: 0 | 2): number[] => varint((field << 3) | wire);
const int = (field: number, n: number): Bytes => Uint8Array.from([...key(field, 0), ...varint(n)]);
const bytes = (field: number, b: Bytes): Bytes => concat([Uint8Array.from([...key(field, 2), ...varint(b.length)]), b]);
const str = (field: number, s: string): Bytes => bytes(field, enc.encode(s));
const msg = (field: number, parts: readonly Bytes[]): Bytes => bytes(field, concat(parts));

// ---- ONNX messages ----
const FLOAT = 1, INT64 = 7;
const ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7;

type Attr = { name: string; int?: number; ints?: readonly number[]; str?: string };

function attribute(a: Attr): Bytes[] {
  const p = [str(1, a.name)];
  if (a.int !== undefined) p.push(int(20, ATTR_INT), int(3, a.int));
  else if (a.ints) p.push(int(20, ATTR_INTS), ...a.ints.map((v) => int(8, v)));
  else p.push(int(20, ATTR_STRING), str(4, a.str ?? ''));
  return p;
}

function node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: readonly Attr[] = []): Bytes {
  return msg(1, [...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${op}_${outputs.find((o) => o) ?? ''}`),
                 str(4, op), ...attrs.map((a) => msg(5, attribute(a)))]);
}

function initializer(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): Bytes {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return msg(5, [...dims.map((d) => int(1, d)), int(2, data instanceof Float32Array ? FLOAT : INT64), str(8, name), bytes(9, raw)]);
}

function valueInfo(field: 11 | 12, name: string, dims: readonly number[]): Bytes {
  const shape = msg(2, dims.map((d) => msg(1, [int(1, d)])));
  return msg(field, [str(1, name), msg(2, [msg(1, [int(1, FLOAT), shape])])]);
}

export const ONNX_INPUT = 'x';
export const ONNX_OUTPUT = 'probs';

/** The ONNX model (opset 17) of a recurrent benchmark model; M5 (ConvLSTM) has no ONNX op. */
export function onnxModel(m: BenchModel): Bytes {
  if (m.layers.length === 0) throw new Error(`${m.id} has no ONNX equivalent (ONNX has no ConvLSTM op)`);
  const nodes: Bytes[] = [], inits: Bytes[] = [];
  let seed = 11;
  const weight = (name: string, dims: number[], fanIn: number) => {
    inits.push(initializer(name, dims, randomWeights(dims.reduce((a, b) => a * b, 1), 1 / Math.sqrt(fanIn), seed++)));
    return name;
  };
  nodes.push(node('Transpose', [ONNX_INPUT], ['x_tbi'], [{ name: 'perm', ints: [1, 0, 2] }]));
  let seqIn = 'x_tbi', features = m.features, last = '', lastDirs = 1, lastHidden = 0;
  m.layers.forEach((l, k) => {
    const g = l.cell === 'lstm' ? 4 : 3, d = l.bidirectional ? 2 : 1, h = l.hidden;
    const ins = [seqIn, weight(`W${k}`, [d, g * h, features], features), weight(`R${k}`, [d, g * h, h], h),
                 weight(`B${k}`, [d, 2 * g * h], h)];
    const attrs: Attr[] = [{ name: 'hidden_size', int: h }, { name: 'direction', str: l.bidirectional ? 'bidirectional' : 'forward' }];
    if (l.cell === 'gru') attrs.push({ name: 'linear_before_reset', int: 1 });       // PyTorch's (and rnnc's) GRU
    const y = l.sequences ? `y${k}` : '', yh = `h${k}`;
    nodes.push(node(l.cell === 'lstm' ? 'LSTM' : 'GRU', ins, [y, yh], attrs));
    if (l.sequences) {
      if (d !== 1) throw new Error('a bidirectional layer feeding another is not part of the benchmark');
      inits.push(initializer(`axis1_${k}`, [1], BigInt64Array.from([1n])));
      nodes.push(node('Squeeze', [y, `axis1_${k}`], [`seq${k}`]));                    // [T, 1, B, H] -> [T, B, H]
      seqIn = `seq${k}`;
    }
    features = d * h;
    last = yh; lastDirs = d; lastHidden = h;
  });
  if (lastDirs === 2) {
    nodes.push(node('Transpose', [last], ['h_bdh'], [{ name: 'perm', ints: [1, 0, 2] }]));
    last = 'h_bdh';
  }
  inits.push(initializer('flat_shape', [2], BigInt64Array.from([BigInt(m.batch), BigInt(lastDirs * lastHidden)])));
  nodes.push(node('Reshape', [last, 'flat_shape'], ['h_flat']));
  nodes.push(node('Gemm', ['h_flat', weight('dense_w', [lastDirs * lastHidden, m.classes], lastDirs * lastHidden),
                           weight('dense_b', [m.classes], lastDirs * lastHidden)], ['logits']));
  nodes.push(node('Softmax', ['logits'], [ONNX_OUTPUT], [{ name: 'axis', int: -1 }]));
  const graph = msg(7, [...nodes, str(2, m.id), ...inits, valueInfo(11, ONNX_INPUT, [m.batch, m.time, m.features]),
                        valueInfo(12, ONNX_OUTPUT, [m.batch, m.classes])]);
  return concat([int(1, 8), str(2, 'rnnc-bench'), graph, msg(8, [str(1, ''), int(2, 17)])]);
}
