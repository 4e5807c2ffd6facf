// Packing of the per-run uniform struct `Run` (group 1, binding 0): one 32-bit word per field, in the
// bundle's order, u32 except lr and clip (f32). The buffer is padded to 16 bytes, as uniforms require.
import type { UniformField } from './bundle.ts';
import type { ArenaLayout } from './arena.ts';

export interface RunState {
  readonly dims: Readonly<Record<string, number>>;
  readonly step: number;
  readonly lr: number;
  readonly seed: number;
  readonly training: boolean;
  readonly clip: number;
  readonly streamT: number;
}

export const runUniformBytes = (fields: readonly UniformField[]): number => Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);

export function packRunUniform(fields: readonly UniformField[], layout: ArenaLayout, s: RunState): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(runUniformBytes(fields) / 4);
  const floats = new Float32Array(words.buffer);
  fields.forEach((f, i) => {
    switch (f.kind) {
      case 'dim': words[i] = s.dims[f.name] ?? 0; break;
      case 'offset': words[i] = layout.offsets.get(f.tensor) ?? 0; break;
      case 'step': words[i] = s.step; break;
      case 'lr': floats[i] = s.lr; break;
      case 'seed': words[i] = s.seed; break;
      case 'training': words[i] = s.training ? 1 : 0; break;
      case 'clip': floats[i] = s.clip; break;
      case 'stream_t': words[i] = s.streamT; break;
    }
  });
  return words;
}
