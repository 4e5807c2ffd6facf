// Every diagnostic rnnc reports, one factory each (ohm's errors.js, esbuild's logger).
// Codes: E01 syntax · E02 names · E03 layers, options and arguments · E04 shapes and types
// · E05 model structure · E06 training · W warnings. Messages start lowercase and quote code in backticks.
import type { Span } from '../check/model.ts';
import type { Diagnostic, Note } from './diagnostic.ts';
import { didYouMean } from './suggest.ts';

const error = (code: string, span: Span, message: string, hint?: string, notes?: Note[]): Diagnostic =>
  ({ code, severity: 'error', message, span, ...(hint === undefined ? {} : { hint }), ...(notes === undefined ? {} : { notes }) });
const warning = (code: string, span: Span, message: string, hint?: string): Diagnostic =>
  ({ code, severity: 'warning', message, span, ...(hint === undefined ? {} : { hint }) });

// E01 syntax
export const syntaxError = (span: Span, message: string, hint?: string) => error('E0101', span, message, hint);
export const tooDeeplyNested = (span: Span, limit: number) =>
  error('E0102', span, `nesting is too deep (more than ${limit} levels)`, 'split the expression into named steps');

// E02 names
export const unknownName = (span: Span, name: string, candidates: Iterable<string>) =>
  error('E0201', span, `unknown name \`${name}\``, didYouMean(name, candidates));
export const duplicateName = (span: Span, name: string, first: Span) =>
  error('E0202', span, `\`${name}\` is already defined`, 'every input, layer and value needs its own name',
    [{ message: `\`${name}\` is first defined here`, span: first }]);
export const usedBeforeDefinition = (span: Span, name: string, definition: Span, cycle?: readonly string[]) =>
  error('E0203', span, cycle === undefined ? `\`${name}\` is used before it is defined`
    : `\`${name}\` is used before it is defined, and its definition depends on this statement (cycle: ${cycle.join(' → ')})`,
  cycle === undefined ? 'statements run top to bottom: move the definition above this use'
    : 'a model is a feed-forward graph; recurrence lives inside recurrent layers',
  [{ message: `\`${name}\` is defined here`, span: definition }]);
export const unknownCallee = (span: Span, name: string, candidates: Iterable<string>) =>
  error('E0204', span, `unknown layer or function \`${name}\``, didYouMean(name, candidates));
export const undeclaredLayerKind = (span: Span, kind: string) =>
  error('E0205', span, `\`${kind}\` is a layer kind, not a function`,
    `declare a layer first: \`layer my_${kind} = ${kind}(...)\`, then apply it: \`my_${kind}(x)\``);
export const layerIsNotAValue = (span: Span, name: string) =>
  error('E0206', span, `\`${name}\` is a layer, not a value`, `apply it to a value: \`${name}(x)\``);
export const valueIsNotCallable = (span: Span, name: string) =>
  error('E0207', span, `\`${name}\` is a value, not a layer or function`);
export const duplicateModel = (span: Span, name: string, first: Span) =>
  error('E0208', span, `model \`${name}\` is already defined`, undefined, [{ message: 'first defined here', span: first }]);
export const unknownDim = (span: Span, name: string, candidates: readonly string[]) =>
  error('E0209', span, `unknown dimension \`${name}\``,
    didYouMean(name, candidates) ?? (candidates.length ? `the model's dimensions are ${candidates.map((c) => `\`${c}\``).join(', ')}` : 'no input declares a symbolic dimension'));
export const layerAppliedTwice = (span: Span, name: string, kind: string, first: Span) =>
  error('E0210', span, `layer \`${name}\` (${kind}) is already applied; layers of kind ${kind} can be applied only once`,
    'declare a second layer for a second use (dense, conv1d, conv2d, embedding and layer_norm layers may be shared)',
    [{ message: 'first applied here', span: first }]);
export const unknownDtype = (span: Span, name: string) =>
  error('E0211', span, `unknown element type \`${name}\``, 'use `f32` (real numbers) or `i32` (ids and lengths)');
export const badDimension = (span: Span, text: string) =>
  error('E0212', span, `dimension ${text} must be a positive integer or a name`);

// E03 layers, options, arguments
export const unknownLayerKind = (span: Span, kind: string, candidates: Iterable<string>) =>
  error('E0301', span, `unknown layer kind \`${kind}\``, didYouMean(kind, candidates));
export const unknownOption = (span: Span, option: string, owner: string, candidates: Iterable<string>) =>
  error('E0302', span, `unknown option \`${option}\` for \`${owner}\``, didYouMean(option, candidates));
export const missingOption = (span: Span, option: string, owner: string, example: string) =>
  error('E0303', span, `\`${owner}\` needs the option \`${option}\``, `for example \`${example}\``);
export const duplicateArgument = (span: Span, name: string, first: Span) =>
  error('E0304', span, `\`${name}\` is given twice`, undefined, [{ message: 'first given here', span: first }]);
export const badOptionValue = (span: Span, option: string, expected: string, got: string, hint?: string) =>
  error('E0305', span, `\`${option}\` must be ${expected}, got ${got}`, hint);
export const optionNotApplicable = (span: Span, option: string, reason: string) =>
  error('E0306', span, `\`${option}\` ${reason}`);
export const positionalLayerOption = (span: Span, kind: string) =>
  error('E0307', span, `options of a \`${kind}\` layer are named`, 'write `name=value`, e.g. `hidden=64`');
export const tooManyArguments = (span: Span, callee: string, max: number) =>
  error('E0308', span, `\`${callee}\` takes ${max} positional argument${max === 1 ? '' : 's'}`, 'pass the others by name: `key=value`');
export const missingArgument = (span: Span, callee: string, arg: string, usage: string) =>
  error('E0309', span, `\`${callee}\` needs \`${arg}\``, `usage: \`${usage}\``);
export const unknownArgument = (span: Span, arg: string, callee: string, candidates: Iterable<string>) =>
  error('E0310', span, `\`${callee}\` has no argument \`${arg}\``, didYouMean(arg, candidates));
export const positionalAfterNamed = (span: Span) =>
  error('E0311', span, 'a positional argument follows a named one', 'put positional arguments first');
export const invalidOptionCombination = (span: Span, message: string, hint?: string) => error('E0312', span, message, hint);

// E04 shapes and types
export const rankMismatch = (span: Span, what: string, expected: string, got: string) =>
  error('E0401', span, `${what} expects ${expected} but got ${got}`);
export const shapeMismatch = (span: Span, message: string, hint?: string) => error('E0402', span, message, hint);
export const dtypeMismatch = (span: Span, what: string, expected: string, got: string, hint?: string) =>
  error('E0403', span, `${what} expects ${expected} but got ${got}`, hint);
export const lossNotScalar = (span: Span, shape: string) =>
  error('E0404', span, `the loss must be a scalar, but this has shape ${shape}`,
    'reduce it, e.g. `mean(...)`, or use a loss with `reduction=mean`');
export const needsConstantDim = (span: Span, what: string, got: string, hint?: string) =>
  error('E0405', span, `${what} must be a constant size, but it is \`${got}\``, hint);
export const tooManyTargets = (span: Span, callee: string, available: readonly string[], got: number) =>
  error('E0406', span, `\`${callee}\` gives ${available.length} value${available.length === 1 ? '' : 's'} (${available.join(', ')}), not ${got}`);
export const sharedLayerMismatch = (span: Span, layer: string, first: string, got: string, firstSpan: Span) =>
  error('E0407', span, `shared layer \`${layer}\` was built for ${first} but is applied to ${got}`, undefined,
    [{ message: 'first applied here', span: firstSpan }]);
/** Weights one WebGPU storage buffer can hold: no device binds more than 4 GiB, and the parameters live in one. */
export const MAX_WEIGHTS = (2 ** 32 - 4) / 4;
export const tooManyWeights = (span: Span, count: number) =>
  error('E0408', span, `the model now has ${count.toLocaleString('en-US')} weights, more than the ${MAX_WEIGHTS.toLocaleString('en-US')} one WebGPU buffer can hold`,
    'use smaller layers (WebGPU guarantees buffers of 128 MiB, 33,554,432 weights; larger ones load only where the device allows)');

// E05 model structure
export const duplicateLoss = (span: Span, first: Span) =>
  error('E0501', span, 'the model already has a loss', 'add terms into one loss: `loss = a + 0.5 * b`', [{ message: 'first loss here', span: first }]);
export const trainingWithoutLoss = (span: Span) =>
  error('E0502', span, 'a `train` block needs a loss', 'add `loss = ...` to the model');
export const duplicateOutput = (span: Span, name: string, first: Span) =>
  error('E0503', span, `\`${name}\` is already an output`, undefined, [{ message: 'first declared here', span: first }]);
export const conflictingRole = (span: Span, input: string, was: string, now: string, first: Span) =>
  error('E0504', span, `integer input \`${input}\` is used as ${now} here but as ${was} elsewhere`,
    'declare one input per meaning', [{ message: `used as ${was} here`, span: first }]);
export const integerInputUnused = (span: Span, input: string) =>
  error('E0505', span, `cannot tell what integer input \`${input}\` holds: it is never used`,
    'use it as token ids (embedding), class ids (cross_entropy) or sequence lengths (`lengths=`), or remove it');
export const duplicateTrain = (span: Span, first: Span) =>
  error('E0506', span, 'the model already has a `train` block', undefined, [{ message: 'first one here', span: first }]);
export const notAValueExpression = (span: Span, what: string) => error('E0507', span, `${what} is not a tensor`);

// E06 training
export const unknownSetting = (span: Span, key: string, candidates: Iterable<string>) =>
  error('E0601', span, `unknown training setting \`${key}\``, didYouMean(key, candidates));
export const duplicateSetting = (span: Span, key: string, first: Span) =>
  error('E0602', span, `\`${key}\` is already set`, undefined, [{ message: 'first set here', span: first }]);
export const unknownOptimizer = (span: Span, name: string, candidates: Iterable<string>) =>
  error('E0603', span, `unknown optimizer \`${name}\``, didYouMean(name, candidates) ?? 'use `adam`, `adamw` or `sgd`');
export const unknownSchedule = (span: Span, name: string, candidates: Iterable<string>) =>
  error('E0604', span, `unknown learning-rate schedule \`${name}\``, didYouMean(name, candidates) ?? 'use `constant`, `cosine` or `linear`');

// W warnings
export const unusedLayer = (span: Span, name: string) => warning('W0001', span, `layer \`${name}\` is never applied`);
export const noEffect = (span: Span, what: string, why: string) => warning('W0002', span, `${what} has no effect: ${why}`);
