// Arena layout at concrete dims: each slot is as large as its largest tensor, slots are laid out
// persistent first (so streaming state keeps its place when other slots change size), then by slot id,
// each at a 256-byte boundary (the strictest storage offset alignment WebGPU allows an adapter to ask).
import type { BundleDType, BundleTensor } from './bundle.ts';
import { InputError } from './errors.ts';
import { MAX_SIZE, sizeAt } from './size-expr.ts';

export const SLOT_ALIGN = 256;

export interface ArenaLayout {
  /** Element offset of each tensor in its arena (`arena` for f32, `ints` for i32). */
  readonly offsets: ReadonlyMap<string, number>;
  /** Elements of each tensor at these dims. */
  readonly counts: ReadonlyMap<string, number>;
  /** Bytes each arena needs at these dims. */
  readonly bytes: Readonly<Record<BundleDType, number>>;
  /** Bytes at the start of each arena that hold the persistent slots. */
  readonly persistentBytes: Readonly<Record<BundleDType, number>>;
}

export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function layoutArena(tensors: readonly BundleTensor[], dims: Readonly<Record<string, number>>): ArenaLayout {
  const counts = new Map<string, number>();
  const slots = new Map<number, { bytes: number; dtype: BundleDType; persistent: boolean }>();
  for (const t of tensors) {
    let count = 1;
    t.shape.forEach((d, i) => { count *= sizeAt(d, dims, `tensor '${t.name}' shape[${i}]`); });
    if (count > MAX_SIZE) throw new InputError(`tensor '${t.name}' has ${count} elements at these dims, more than ${MAX_SIZE}`);
    counts.set(t.name, count);
    const s = slots.get(t.slot);
    const bytes = Math.max(s?.bytes ?? 0, count * 4);
    slots.set(t.slot, { bytes, dtype: t.dtype, persistent: (s?.persistent ?? false) || t.persistent === true });
  }
  const order = [...slots.entries()].sort(([a, x], [b, y]) => Number(y.persistent) - Number(x.persistent) || a - b);
  const cursor: Record<BundleDType, number> = { f32: 0, i32: 0 };
  const persistentBytes: Record<BundleDType, number> = { f32: 0, i32: 0 };
  const slotOffset = new Map<number, number>();
  for (const [id, s] of order) {
    slotOffset.set(id, cursor[s.dtype]);
    cursor[s.dtype] = alignUp(cursor[s.dtype] + s.bytes, SLOT_ALIGN);
    if (s.persistent) persistentBytes[s.dtype] = cursor[s.dtype];
  }
  const offsets = new Map<string, number>();
  for (const t of tensors) offsets.set(t.name, (slotOffset.get(t.slot) ?? 0) / 4);
  return { offsets, counts, bytes: cursor, persistentBytes };
}
