// The CPU reference: the float64 ground truth every other back end is tested against.
export { evaluate, type EvalOptions, type Evaluation } from './evaluate.ts';
export { backward, gradients, type Gradients } from './backward.ts';
export { trainSteps, type TrainResult } from './train.ts';
export { optimizerStep, clipGlobalNorm, newOptimizerState, type OptimizerState } from './optimizer.ts';
export { learningRate } from './schedule.ts';
export { randomInputs, randomDims } from './random-inputs.ts';
export { initModelParams } from './params.ts';
export { bindDims } from './dims.ts';
export { checkInputs, checkParams } from './validate.ts';
export type { FTensor, ITensor, RTensor } from './tensor.ts';
