/**
 * The study on a user's own model (`lamina study --model FILE`): each variant is a copy of that
 * model, from its config and with its weights (so every variant starts from the same weights),
 * with the variant's kernel penalty on the kernels of its weighted layers and its activity
 * penalty on their outputs. The last weighted layer (the classifier) is left as it is, as the
 * study leaves its own output layer.
 */
import type { Layer } from '../layers/base/layer.js';
import type { Model } from '../models/model.js';
import { modelFromJSON } from '../saving/index.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { formatSymbolicShape } from '../layers/base/symbolic.js';
import type { StudyData } from './data.js';
import type { VariantSpec } from './variants.js';
import { LaminaError } from '../errors.js';

/** Weights that the kernel penalty goes on: a layer's kernels (Dense, convolutions, RNNs). */
const KERNELS = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel', 'embeddings']);

function weighted(model: Model): Layer[] {
  return model.layers.filter((l) => l.weights.some((w) => KERNELS.has(w.shortName)));
}

/** The layers a variant regularizes: every weighted layer but the last. */
export function regularizedLayers(model: Model): Layer[] {
  return weighted(model).slice(0, -1);
}

/** Refuses, before any training, a model whose input or output does not fit the data. */
export function checkModelFitsData(model: Model, data: StudyData, where: string): void {
  const inputs = model.inputs;
  const outputs = model.outputs;
  if (inputs.length !== 1 || outputs.length !== 1)
    throw new LaminaError(
      'invalid-argument',
      `${where}: the study trains models with one input and one output; this one has ${inputs.length} and ${outputs.length}`,
    );
  const input = (inputs[0] as { shape: readonly (number | null)[] }).shape;
  if (input.length !== 2 || (input[1] !== null && input[1] !== data.features))
    throw new LaminaError(
      'invalid-argument',
      `${where}: the model takes inputs of shape ${formatSymbolicShape(input)}, the data has ${data.features} features per sample: (None, ${data.features})`,
    );
  const output = (outputs[0] as { shape: readonly (number | null)[] }).shape;
  if (output[output.length - 1] !== data.classes)
    throw new LaminaError(
      'invalid-argument',
      `${where}: the model's output has shape ${formatSymbolicShape(output)}, the data has ${data.classes} classes (a softmax over ${data.classes} units is expected)`,
    );
  if (regularizedLayers(model).length === 0)
    throw new LaminaError(
      'invalid-argument',
      `${where}: the model has no weighted layer before its output layer, so there is nothing for the variants to regularize`,
    );
}

/** A copy of `base` (same config, same weights) carrying the variant's penalties. */
export function userModelVariant(base: Model, spec: VariantSpec): Model {
  const copy = modelFromJSON(base.toJSON(undefined, false) as JsonObject);
  copy.setWeights(base.getWeights());
  for (const layer of regularizedLayers(copy)) {
    for (const w of layer.weights)
      if (KERNELS.has(w.shortName)) w.regularizer = spec.kernel?.() ?? null;
    layer.activityRegularizer = spec.activity?.() ?? null;
  }
  return copy;
}
