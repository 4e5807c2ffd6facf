// Readback buffers (MAP_READ | COPY_DST), pooled: a run copies what it reads into one staging buffer
// in its own command encoder, maps it after the submit, and gives it back for the next run.
import { GpuError } from './errors.ts';
import { MAP_MODE_READ, USAGE } from './gpu-consts.ts';

const MAX_FREE = 8;

export class StagingPool {
  private readonly free: GPUBuffer[] = [];
  /** Buffers created over the pool's life (tests check that runs reuse them). */
  created = 0;

  constructor(private readonly device: GPUDevice, private readonly label: string) {}

  acquire(bytes: number): GPUBuffer {
    let best = -1;
    this.free.forEach((b, i) => { if (b.size >= bytes && (best < 0 || b.size < this.free[best]!.size)) best = i; });
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    this.created++;
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
    return this.device.createBuffer({ label: `${this.label}:staging-${this.created}`, size, usage: USAGE.MAP_READ | USAGE.COPY_DST });
  }

  /** Maps the buffer after its copy was submitted, copies `bytes` out and returns the buffer to the pool. */
  async read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    try {
      await buffer.mapAsync(MAP_MODE_READ, 0, bytes);
    } catch (e) {
      buffer.destroy();
      throw new GpuError(`reading results back failed: ${e instanceof Error ? e.message : String(e)}`, 'lost');
    }
    const copy = buffer.getMappedRange(0, bytes).slice(0);
    buffer.unmap();
    if (this.free.length < MAX_FREE) this.free.push(buffer);
    else buffer.destroy();
    return copy;
  }

  destroy(): void {
    for (const b of this.free.splice(0)) b.destroy();
  }
}
