// const: a scalar (shape []). Nothing to differentiate.
import type { ConstNode } from '../../../compiler/check/model.ts';
import type { OpImpl } from '../op.ts';
import { ften } from '../tensor.ts';

export const constOp: OpImpl<ConstNode> = (node) => ({
  outputs: [[node.y, ften([], Float64Array.of(node.value))]],
});
