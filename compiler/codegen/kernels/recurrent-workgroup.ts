// How a persistent forward recurrence (recurrent.ts) lays out its vectors in workgroup memory: the
// states of its slice of sequences as f32 words or, with subgroups, as vec4 that quads read and write
// whole, and the fused input projection's rows staged beside them. Pieces of WGSL the kernel splices in.
import type { RecurrentSeqOp } from '../../ir/graph.ts';
import type { KernelWriter } from '../wgsl.ts';

/** The length of sequence `b` (T without lengths), clamped to [0, T]. */
export const lengthOf = (w: KernelWriter, op: RecurrentSeqOp, b: string) =>
  (op.lengths === undefined ? 'T' : `u32(clamp(${w.load(op.lengths, b)}, 0, i32(T)))`);

/**
 * The time index of step `s` of a sequence `len` steps long in direction d: s forward, len - 1 - s backward
 * (steps past the length keep s, and are masked). Every recurrence kernel indexes time through it.
 */
export const timeIndex = (s: string, len: string) => `select(${s}, ${len} - 1u - (${s}), d == 1u && ${s} < ${len})`;

/**
 * How a persistent forward workgroup keeps its vectors in workgroup memory. By default hsh, one f32 per
 * state word, with the fused input read from storage. `vecState` (subgroups, H a multiple of 4, a slice of
 * whole quads of sequences): hsh4, the states as vec4, so that in the dot products each quad lane loads 4
 * words of one sequence and quadBroadcast hands them round (a quarter of the scalar loads); each thread
 * keeps its units' new states in registers (hreg) for packStates. `stageInput` (the fused input a multiple
 * of 4 wide, and fitting beside the states): xsh4, the slice's input rows of the step, staged the same way
 * (each x word was a storage load per quad and sequence). On SwiftShader: M1 inference 44.9 → 43.1 ms, M3
 * 107.1 → 100.1 (medians of 40 alternating single calls in one page, 2026-12-07; states alone: M1 44.4),
 * before packStates' transposed writes took another 3.8%. An upper bound (loads from unwritten arrays) was
 * 15% and 11%: the exchange, the writes and the copy take about half of it back.
 */
export interface ForwardLayout { readonly vecState: boolean; readonly stageInput: boolean }

export function forwardLayout(op: RecurrentSeqOp, slice: number, subgroups: boolean, maxWorkgroupBytes: number): ForwardLayout {
  const vecState = subgroups && op.hidden % 4 === 0 && slice % 4 === 0;
  const I = op.input?.width ?? 0;
  return { vecState, stageInput: vecState && I > 0 && I % 4 === 0 && 4 * slice * (op.hidden + I) <= maxWorkgroupBytes };
}

/**
 * `qa`: whether this thread's quad is the 4 threads lid.x & ~3 .. + 3, in quad-lane order. Then quad lane l
 * owns units (lid.x & ~3) + l + u·P, and the quad's states of one sequence are one vec4 (packStates).
 * SwiftShader numbers its lanes so (its subgroup is its 4-wide SIMD row), but WGSL does not promise it.
 */
export function quadAlignment(P: number, U: number): string {
  return `let qa = ${[0, 1, 2, 3].map((l) => `quadBroadcast(lid.x, ${l}u) == (lid.x & ~3u) + ${l}u`).join(' && ')};
${[...Array(U).keys()].map((u) => `let jb${u} = ((lid.x & ~3u) + ${u * P}u) / 4u;`).join(' ')}`;
}

/**
 * Writes the threads' new states (hreg) into hsh4 whole vectors at a time, since a write to one component
 * of a shared vector may touch the whole vector (WGSL) and so race with the other lanes' writes: the quad
 * transposes its 4 × 4 blocks (quad lane l holds unit l of sequences 4k .. 4k + 3; lane ql writes sequence
 * 4k + ql's 4 units), so every lane stores at once (one store per quad and sequence, taken by one lane
 * after the other, ran M1's inference 3.8% slower, M3's too: 40 alternating single calls). Where a quad
 * is not aligned (qa false, never seen) each thread writes its own components, which WGSL does not promise
 * race-free either; the GPU tests pass with it forced on SwiftShader.
 */
export function packStates(H: number, P: number, units: readonly number[], seqs: readonly number[]): string {
  const groups = [...Array(seqs.length / 4).keys()];
  // Component l of lane ql's vector: quad lane l's state of sequence 4k + ql.
  const component = (u: number, k: number, l: number) => {
    const from = (i: number) => `quadBroadcast(hreg${u}_${4 * k + i}, ${l}u)`;
    return `select(select(${from(0)}, ${from(1)}, ql == 1u), select(${from(2)}, ${from(3)}, ql == 3u), ql >= 2u)`;
  };
  return `if (qa) {
  ${units.map((u) => `if (jb${u} < ${H / 4}u) {
    ${groups.map((k) => `hsh4[(${4 * k}u + ql) * ${H / 4}u + jb${u}] = vec4<f32>(${[0, 1, 2, 3].map((l) => component(u, k, l)).join(',\n      ')});`).join('\n    ')}
  }`).join('\n  ')}
} else {
  ${units.map((u) => `{
    let j = lid.x + ${u * P}u;
    if (j < H) {
      ${seqs.map((m) => `hsh4[${m * H / 4}u + j / 4u][j % 4u] = hreg${u}_${m};`).join(' ')}
    }
  }`).join('\n  ')}
}`;
}

/**
 * Copies the slice's input rows of step `s` (each sequence's time index, timeIndex) into
 * xsh4, spread over the threads a vec4 at a time. Step s + 1's rows are copied while step s updates its
 * states, so the barrier that ends the step covers them.
 */
export function stageInputRows(w: KernelWriter, op: RecurrentSeqOp, slice: number, P: number, s: string): string {
  const I = op.input!.width, I4 = I / 4;
  return `for (var i = lid.x; i < ${slice * I4}u; i += ${P}u) {
  let m = i / ${I4}u; let b = min(b0 + m, B - 1u);
  let len = select(0u, ${lengthOf(w, op, 'b')}, b0 + m < B);
  let x = (b * T + ${timeIndex(s, 'len')}) * ${I}u + (i % ${I4}u) * 4u;
  xsh4[i] = vec4<f32>(${[0, 1, 2, 3].map((k) => w.load(op.input!.x, k === 0 ? 'x' : `x + ${k}u`)).join(', ')});
}`;
}
