// A handle on a model's streaming state: step() runs `stream_step` on one time step's inputs, with the
// persistent tensors carried over from the previous step; reset() zeroes them (at the next step).
import type { Dims, Inputs } from './inputs.ts';
import type { Outputs } from './model.ts';

type StepFn = (s: ModelStream, inputs: Inputs, dims?: Dims) => Promise<{ t: number; outputs: Outputs }>;

export class ModelStream {
  private steps = 0;

  /** @internal use model.stream() */
  constructor(private readonly stepFn: StepFn, private readonly resetFn: (s: ModelStream) => void) {}

  /** Steps taken since the stream started or was reset (the next step's `stream_t`). */
  get t(): number {
    return this.steps;
  }

  /** Inputs have the program's shapes; axes it fixes to 1 (e.g. time) may be left out. */
  async step(inputs: Inputs, options: { readonly dims?: Dims } = {}): Promise<Outputs> {
    const { t, outputs } = await this.stepFn(this, inputs, options.dims);
    this.steps = t + 1;
    return outputs;
  }

  reset(): void {
    this.steps = 0;
    this.resetFn(this);
  }
}
