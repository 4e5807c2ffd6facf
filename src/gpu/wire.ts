// How values cross between Node and a browser page (page.evaluate carries JSON-like values only).
// Platform neutral: the page harness and the Node side both use it.
//
//   typed arrays   -> { $typed: 'Float32Array', base64 }  (bit-exact: NaN payloads, -0, denormals survive)
//   NaN, ±Infinity -> { $num: 'NaN' | 'Infinity' | '-Infinity' }
//   everything else JSON-able passes through (objects, arrays, strings, finite numbers, booleans, null).

export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

const TYPED = {
  Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;

const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK)));
  }
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function typedName(v: ArrayBufferView): TypedName | null {
  for (const name of Object.keys(TYPED) as TypedName[]) if (v instanceof TYPED[name]) return name;
  return null;
}

/** Turns a value into something page.evaluate can carry. Throws on functions, bigints, cycles. */
export function encodeWire(v: unknown, seen: Set<object> = new Set()): Wire {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (typeof v !== 'object') throw new Error(`cannot send a ${typeof v} between Node and the page`);
  if (ArrayBuffer.isView(v)) {
    const name = typedName(v);
    if (!name) throw new Error(`cannot send a ${v.constructor.name} between Node and the page`);
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { $typed: name, base64: bytesToBase64(bytes) };
  }
  if (seen.has(v)) throw new Error('cannot send a cyclic value between Node and the page');
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.map((x) => encodeWire(x, seen));
    const out: { [key: string]: Wire } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeWire(x, seen);
    return out;
  } finally {
    seen.delete(v);
  }
}

/** The inverse of encodeWire. */
export function decodeWire(w: Wire): unknown {
  if (w === null || typeof w !== 'object') return w;
  if (Array.isArray(w)) return w.map(decodeWire);
  const typed = w.$typed;
  if (typeof typed === 'string' && typeof w.base64 === 'string' && typed in TYPED) {
    const bytes = base64ToBytes(w.base64);
    const Ctor = TYPED[typed as TypedName];
    return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
  }
  if (typeof w.$num === 'string' && Object.keys(w).length === 1) return Number(w.$num);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(w)) out[k] = decodeWire(x);
  return out;
}
