// A gradient-check case: a model, and the options to check it with.
import type { CheckedModel } from '../../compiler/check/model.ts';
import type { Tensor } from '../../runtime/tensor.ts';

export interface GradCase {
  /** The row of the summary table this case counts towards. */
  readonly construct: string;
  readonly model: () => CheckedModel;
  readonly dims?: Record<string, number>;
  readonly opts?: {
    readonly training?: boolean; readonly useLoss?: boolean; readonly seed?: number;
    readonly tweakParams?: (params: Map<string, Tensor>) => void;
  };
}
