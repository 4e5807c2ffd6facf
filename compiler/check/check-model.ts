// Checks one `model` block top to bottom and freezes the result into a CheckedModel.
import * as E from '../diagnostics/catalogue.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ModelSyntax, TrainStmt } from '../syntax/ast.ts';
import { ModelContext } from './context.ts';
import { collectDefinitions } from './definitions.ts';
import type { CheckedModel, Training } from './model.ts';
import { finishInputs } from './roles.ts';
import { checkAssign, checkInput, checkLayer, checkLoss, checkOutput } from './statements.ts';
import { checkTraining } from './training.ts';

/** Undefined when the model has errors (they are added to `diagnostics`). */
export function checkModel(model: ModelSyntax, diagnostics: Diagnostic[]): CheckedModel | undefined {
  const errorsBefore = diagnostics.filter((d) => d.severity === 'error').length;
  const ctx = new ModelContext(diagnostics, collectDefinitions(model));
  let train: { stmt: TrainStmt; training: Training | undefined } | undefined;
  model.stmts.forEach((s, i) => {
    ctx.statement = i;
    switch (s.kind) {
      case 'input': return checkInput(ctx, s);
      case 'layer': return checkLayer(ctx, s);
      case 'assign': return checkAssign(ctx, s);
      case 'output': return checkOutput(ctx, s);
      case 'loss': return checkLoss(ctx, s);
      case 'train':
        if (train !== undefined) { ctx.report(E.duplicateTrain(s.keyword, train.stmt.keyword)); return; }
        train = { stmt: s, training: checkTraining(ctx, s) };
        return;
    }
  });
  if (train !== undefined && ctx.loss === undefined) ctx.report(E.trainingWithoutLoss(train.stmt.keyword));
  // With errors already reported, a layer or an integer input may only look unused because its use failed.
  const failed = () => diagnostics.filter((d) => d.severity === 'error').length > errorsBefore;
  if (failed()) return undefined;
  for (const b of ctx.scope.values()) {
    if (b.kind === 'layer' && b.layer.impl !== null && b.layer.uses.length === 0) ctx.report(E.unusedLayer(b.span, b.name));
  }
  const inputs = finishInputs(ctx);
  if (failed()) return undefined;
  return {
    name: model.name.name,
    span: model.span,
    dims: [...ctx.dims],
    values: ctx.values.map((v) => ({ ...v })),
    inputs,
    params: ctx.params,
    nodes: ctx.nodes,
    outputs: ctx.outputs,
    ...(ctx.loss === undefined ? {} : { loss: ctx.loss.value }),
    ...(train?.training === undefined ? {} : { training: train.training }),
  };
}

