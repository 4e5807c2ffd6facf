// safetensors read/write (https://github.com/huggingface/safetensors, "Format"):
//   8 bytes    N, the header length, unsigned little-endian 64-bit
//   N bytes    a UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}
//              (may end in spaces; we pad it to a multiple of 8 so the data stays aligned)
//   the rest   the data buffer; offsets are relative to its start, little-endian, row-major
// Files are untrusted input: every field is validated and every failure is a SafetensorsError with a
// message naming the tensor and the problem, never a RangeError from a typed-array view.
import { sizeOf, type Tensor } from './tensor.ts';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const BYTES = { F64: 8, F32: 4, I32: 4, I64: 8 } as const;
type FileDType = keyof typeof BYTES;
/** Refuse headers above this size before decoding them (the reference implementation uses 100 MB). */
const MAX_HEADER = 100_000_000;

export interface SafetensorsFile {
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Record<string, string>;
}

export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  const fail = (msg: string): never => { throw new SafetensorsError(`safetensors: ${msg}`); };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) fail(`header length ${n} exceeds the file (${bytes.length - 8} bytes after the length)`);
  const headerLen = Number(n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number }[] = [];
  const tensors = new Map<string, Tensor>();

  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const where = `tensor "${name}"`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`${where}: entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype)) fail(`${where}: unsupported dtype ${JSON.stringify(dtype)} (F64, F32, I32, I64)`);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${where}: shape must be an array of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) fail(`${where}: data_offsets must be [begin, end], non-negative integers`);
    const dims = shape as number[];
    const [begin, end] = offsets as [number, number];
    const count = sizeOf(dims);
    const width = BYTES[dtype as FileDType];
    if (!Number.isSafeInteger(count * width)) fail(`${where}: shape [${dims.join(', ')}] is too large`);
    if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataLen) fail(`${where}: data_offsets [${begin}, ${end}] run past the data buffer (${dataLen} bytes)`);
    if (end - begin !== count * width) {
      fail(`${where}: ${end - begin} bytes of data but dtype ${dtype} and shape [${dims.join(', ')}] need ${count * width}`);
    }
    spans.push({ name, begin, end });
    tensors.set(name, decode(name, dtype as FileDType, dims, bytes.subarray(dataStart + begin, dataStart + end)));
  }

  // The format requires the data buffer to be covered exactly: no overlaps, no holes.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of spans) {
    if (s.begin < at) fail(`tensor "${s.name}" overlaps the previous tensor's data (starts at ${s.begin}, previous ends at ${at})`);
    if (s.begin > at) fail(`bytes ${at}..${s.begin} of the data buffer belong to no tensor`);
    at = s.end;
  }
  if (at !== dataLen) fail(`bytes ${at}..${dataLen} at the end of the data buffer belong to no tensor`);
  return { tensors, metadata };
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function decode(name: string, dtype: FileDType, shape: number[], raw: Uint8Array): Tensor {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = sizeOf(shape);
  switch (dtype) {
    case 'F64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      return { dtype: 'f64', shape, data: out };
    }
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return { dtype: 'f32', shape, data: out };
    }
    case 'I32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
      return { dtype: 'i32', shape, data: out };
    }
    case 'I64': {
      // PyTorch writes class ids and lengths as int64; we hold them as int32 when every value fits.
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(8 * i, true);
        if (v < -2147483648n || v > 2147483647n) {
          throw new SafetensorsError(`safetensors: tensor "${name}": I64 value ${v} at element ${i} does not fit in int32`);
        }
        out[i] = Number(v);
      }
      return { dtype: 'i32', shape, data: out };
    }
  }
}

/** What writeSafetensors stores each host dtype as. */
const FILE_DTYPE = { f64: 'F64', f32: 'F32', i32: 'I32' } as const;

/** Tensors are stored in the order given; the header is padded with spaces to a multiple of 8 bytes. */
export function writeSafetensors(tensors: Iterable<[string, Tensor]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const entries: [string, Tensor][] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new SafetensorsError('safetensors: "__metadata__" is reserved and cannot name a tensor');
    if (name in header) throw new SafetensorsError(`safetensors: tensor "${name}" is written twice`);
    if (t.data.length !== sizeOf(t.shape)) {
      throw new SafetensorsError(`safetensors: tensor "${name}" has ${t.data.length} elements for shape [${t.shape.join(', ')}]`);
    }
    const size = t.data.length * t.data.BYTES_PER_ELEMENT;
    header[name] = { dtype: FILE_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + size] };
    entries.push([name, t]);
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    const d = t.data;
    for (let i = 0; i < d.length; i++, at += d.BYTES_PER_ELEMENT) {
      if (t.dtype === 'f64') view.setFloat64(at, d[i]!, true);
      else if (t.dtype === 'f32') view.setFloat32(at, d[i]!, true);
      else view.setInt32(at, d[i]!, true);
    }
  }
  return out;
}
