/**
 * One step: the forward pass, the data loss per output, the regularization terms, and (when
 * training) the gradient update. The total is Keras's: the weighted data losses plus the plain
 * sum of `model.losses`; the parts are reported apart.
 */
import { variableGradPairs } from '../autograd/grad.js';
import type { Layer, LossTerm } from '../layers/base/layer.js';
import { add, mul } from '../ops/elementwise.js';
import { scalar } from '../ops/convert.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Compiled } from './compiled.js';
import { LaminaError, LaminaRangeError } from '../errors.js';

export interface LossParts {
  total: Tensor;
  /** Sum over outputs of lossWeight * loss. */
  data: Tensor;
  perOutput: Tensor[];
  penalties: LossTerm[];
  regularization: Tensor;
  predictions: Tensor[];
}

/** Runs the model and computes every part of the loss. Differentiable when recorded. */
export function lossParts(
  model: Layer,
  compiled: Compiled,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  sampleWeight: Tensor | undefined,
  training: boolean,
): LossParts {
  const out = model.apply(xs.length === 1 ? (xs[0] as Tensor) : [...xs], { training });
  const predictions = Array.isArray(out) ? out : [out];
  if (predictions.length !== ys.length) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${model.className} '${model.name}': the model has ${predictions.length} outputs but ${ys.length} targets were given`,
    );
  }
  const perOutput = predictions.map((p, i) => {
    const y = ys[i] as Tensor;
    const loss = compiled.losses[i];
    if (loss === undefined)
      throw new LaminaError('invalid-argument', `no loss compiled for output ${i}`);
    if (y.shape[0] !== p.shape[0]) {
      throw new LaminaRangeError(
        'invalid-argument',
        `loss for output '${compiled.outputNames[i]}': targets have shape ${formatShape(y.shape)}, predictions ${formatShape(p.shape)} (different batch sizes)`,
      );
    }
    return loss.apply(y, p, sampleWeight);
  });
  let data: Tensor = scalar(0);
  perOutput.forEach((l, i) => {
    const w = compiled.lossWeights[i] ?? 1;
    data = add(data, w === 1 ? l : mul(l, w));
  });
  const penalties = model.lossTerms();
  let regularization: Tensor = scalar(0);
  for (const t of penalties) regularization = add(regularization, t.value);
  return {
    total: add(data, regularization),
    data,
    perOutput,
    penalties,
    regularization,
    predictions,
  };
}

/** Numbers of one step: total, data loss per output, regularization and its terms. */
export function partsToLogs(parts: LossParts, compiled: Compiled): Record<string, number> {
  const logs: Record<string, number> = {
    loss: parts.total.dataSync()[0] as number,
    regularization_loss: parts.regularization.dataSync()[0] as number,
  };
  if (compiled.outputNames.length > 1) {
    parts.perOutput.forEach(
      (l, i) => (logs[`${compiled.outputNames[i]}_loss`] = l.dataSync()[0] as number),
    );
  }
  for (const t of parts.penalties) {
    const key = `penalty/${t.name}`;
    logs[key] = (logs[key] ?? 0) + (t.value.dataSync()[0] as number);
  }
  return logs;
}

export function updateMetrics(
  compiled: Compiled,
  ys: readonly Tensor[],
  predictions: readonly Tensor[],
  sampleWeight: Tensor | undefined,
): void {
  compiled.metrics.forEach((list, i) => {
    for (const m of list) m.updateState(ys[i] as Tensor, predictions[i] as Tensor, sampleWeight);
  });
}

export function metricLogs(compiled: Compiled): Record<string, number> {
  const logs: Record<string, number> = {};
  const multi = compiled.outputNames.length > 1;
  compiled.metrics.forEach((list, i) => {
    for (const m of list)
      logs[multi ? `${compiled.outputNames[i]}_${m.name}` : m.name] = m.result();
  });
  return logs;
}

export function resetMetrics(compiled: Compiled): void {
  for (const list of compiled.metrics) for (const m of list) m.resetState();
}

/** A training step: gradients of the total with respect to the trainable weights, then the update. */
export function trainStep(
  model: Layer,
  compiled: Compiled,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  sampleWeight: Tensor | undefined,
): LossParts {
  const weights = model.trainableWeights;
  let parts: LossParts | null = null;
  if (weights.length === 0) {
    parts = lossParts(model, compiled, xs, ys, sampleWeight, true);
  } else {
    // Keyed by variable, not by name: nested models may hold layers of the same name.
    const { pairs } = variableGradPairs(
      () => {
        parts = lossParts(model, compiled, xs, ys, sampleWeight, true);
        return parts.total;
      },
      weights,
      'trainStep',
    );
    compiled.optimizer.applyGradients(pairs);
  }
  const done = parts as unknown as LossParts;
  updateMetrics(compiled, ys, done.predictions, sampleWeight);
  return done;
}
