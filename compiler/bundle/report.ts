// What `rnnc compile` prints: kernels, dispatches per program, and the memory plan evaluated at
// chosen dimensions, plus the marginal bytes per batch element and time step.
import type { Bundle, Program, SizeExpr } from '../../runtime/bundle.ts';
import { layoutArena } from '../../runtime/arena.ts';
import { sizeAt } from '../../runtime/size-expr.ts';

const evalSize = (e: SizeExpr, dims: Readonly<Record<string, number>>) => sizeAt(e, dims, 'size');

export interface MemoryFigures { readonly arenaBytes: number; readonly paramBytes: number; readonly optimizerBytes: number }

/** Dispatches one run of a program records (a looped dispatch counts once per step, for each dispatch of its body). */
export function dispatchCount(p: Program, runDims: Readonly<Record<string, number>>): number {
  const dims = { ...runDims, ...p.dims };   // a program's own dims win (stream_step runs one step: time = 1)
  let n = 0;
  for (let i = 0; i < p.dispatches.length; i++) {
    const loop = p.dispatches[i]!.loop;
    if (!loop) { n++; continue; }
    n += (loop.body ?? 1) * evalSize(loop.count, dims);
    i += (loop.body ?? 1) - 1;
  }
  return n;
}

/** The dispatch count as a formula of the looped dimension (e.g. "8 + 4·time"); a dim the program fixes counts as its value. */
export function dispatchFormula(p: Program): string {
  let fixed = 0;
  const loops = new Map<string, number>();
  for (let i = 0; i < p.dispatches.length; i++) {
    const loop = p.dispatches[i]!.loop;
    if (!loop) { fixed++; continue; }
    const body = loop.body ?? 1;
    i += body - 1;
    const steps = typeof loop.count === 'string' ? p.dims?.[loop.count] : undefined;
    if (steps !== undefined) { fixed += body * steps; continue; }
    const key = JSON.stringify(loop.count).replace(/"/g, '');
    loops.set(key, (loops.get(key) ?? 0) + body);
  }
  return [String(fixed), ...[...loops].map(([k, n]) => `${n}·${k}`)].join(' + ');
}

/** Bytes of the two arenas at the given dimensions, laid out as the runtime does (slots, 256-byte aligned). */
export function arenaBytes(b: Bundle, dims: Readonly<Record<string, number>>): number {
  const slots = new Map<string, number>();
  for (const t of b.tensors) {
    const key = `${t.dtype}:${t.slot}`;
    const n = t.shape.reduce<number>((a, s) => a * evalSize(s, dims), 1);
    slots.set(key, Math.max(slots.get(key) ?? 0, n));
  }
  let total = 0;
  for (const n of slots.values()) total += Math.ceil((4 * n) / 256) * 256;
  return total;
}

/** Bytes of the arenas one run of a program lays out: its own tensors and the persistent ones, at its dims. */
export function programArenaBytes(b: Bundle, p: Program, dims: Readonly<Record<string, number>>): number {
  const tensors = p.tensors ? b.tensors.filter((t) => t.persistent || p.tensors!.includes(t.name)) : b.tensors;
  const { bytes } = layoutArena(tensors, { ...dims, ...p.dims });
  return bytes.f32 + bytes.i32;
}

export function memoryFigures(b: Bundle, dims: Readonly<Record<string, number>>): MemoryFigures {
  return {
    arenaBytes: arenaBytes(b, dims),
    paramBytes: 8 * b.paramCount,                                        // params + grads
    optimizerBytes: 4 * b.paramCount * (b.training?.stateSlots ?? 0),
  };
}

/** Marginal arena bytes per batch element and time step: the B·T coefficient of the (bilinear) size. */
export function bytesPerElementStep(b: Bundle, batch: string, time: string, base: Readonly<Record<string, number>>): number {
  const at = (B: number, T: number) => arenaBytes(b, { ...base, [batch]: B, [time]: T });
  // Sizes are sums of products of dims; evaluating at large B, T makes the 256-byte rounding negligible.
  const big = 1024;
  return (at(2 * big, 2 * big) - at(2 * big, big) - at(big, 2 * big) + at(big, big)) / (big * big);
}

export function formatReport(b: Bundle, dims: Readonly<Record<string, number>>, batch?: string, time?: string): string[] {
  const lines = [`kernels: ${b.kernels.length} WGSL modules`];
  const progs = Object.entries(b.programs) as [string, Program | undefined][];
  for (const [name, p] of progs) {
    if (!p) continue;
    lines.push(`${name}: ${p.dispatches.length} dispatch entries, ${dispatchFormula(p)} dispatches per run ` +
               `(${dispatchCount(p, dims)} at ${fmtDims({ ...dims, ...p.dims })})`);
  }
  const m = memoryFigures(b, dims);
  const slots = new Set(b.tensors.map((t) => `${t.dtype}:${t.slot}`)).size;
  lines.push(`memory: ${b.tensors.length} tensors in ${slots} slots; at ${fmtDims(dims)}: activations ${kib(m.arenaBytes)}, ` +
             `parameters+gradients ${kib(m.paramBytes)}, optimizer state ${kib(m.optimizerBytes)}`);
  lines.push(`activations one run lays out: ${progs.flatMap(([name, p]) => (p ? [`${name} ${kib(programArenaBytes(b, p, dims))}`] : [])).join(', ')}`);
  if (batch && time) lines.push(`memory per batch element and time step: ${bytesPerElementStep(b, batch, time, dims).toFixed(0)} bytes`);
  for (const s of b.schedules) lines.push(`schedule: ${s.layer}: ${s.choice} (${s.reason})`);
  return lines;
}

const fmtDims = (d: Readonly<Record<string, number>>) => Object.entries(d).map(([k, v]) => `${k}=${v}`).join(', ');
const kib = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
