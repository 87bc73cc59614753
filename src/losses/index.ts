/**
 * Losses: Keras 3's classes, the `losses` object of Keras's per-sample functions (what `compile`
 * takes; TensorFlow.js's layers API uses the same ones), TensorFlow.js's weighted, reduced losses
 * of `tf.losses` (weighted.ts), `getLoss` for every identifier Keras accepts, and
 * (de)serialization.
 */
import {
  configNumber,
  isKerasObject,
  Registry,
  type JsonObject,
  type KerasObject,
} from '../serialization/keras-object.js';
import * as C from './classes.js';
import * as F from './functions.js';
import { Loss, LossFunctionWrapper, checkReduction, type LossArgs, type LossFn } from './loss.js';
import { LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export {
  Loss,
  LossFunctionWrapper,
  EPSILON,
  type LossArgs,
  type LossFn,
  type Reduction,
} from './loss.js';
export {
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Huber,
  LogCosh,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  KLDivergence,
  Poisson,
  CosineSimilarity,
  type CrossentropyArgs,
} from './classes.js';
export type { CrossentropyOptions, SparseCrossentropyOptions } from './functions.js';
export {
  absoluteDifference,
  computeWeightedLoss,
  cosineDistance,
  hingeLoss,
  huberLoss,
  logLoss,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  weightedMeanSquaredError,
  type WeightedReduction,
} from './weighted.js';

function baseArgs(c: JsonObject, where: string): LossArgs {
  const args: LossArgs = {};
  if (typeof c.name === 'string') args.name = c.name;
  if (c.reduction !== undefined) args.reduction = checkReduction(c.reduction, where);
  return args;
}

function bool(c: JsonObject, key: string, where: string): boolean {
  const v = c[key] ?? false;
  if (typeof v !== 'boolean')
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: config '${key}' must be a boolean, received ${showJson(v)}`,
    );
  return v;
}

function crossentropyArgs(c: JsonObject, where: string): C.CrossentropyArgs {
  return {
    ...baseArgs(c, where),
    fromLogits: bool(c, 'from_logits', where),
    labelSmoothing: configNumber(c, 'label_smoothing', where, 0),
    axis: configNumber(c, 'axis', where, -1),
  };
}

const registry = new Registry<Loss>('loss', 'keras.losses');
type Simple = new (args?: LossArgs) => Loss;
const simple: [Simple, string, string[]][] = [
  [C.MeanSquaredError, 'MeanSquaredError', ['mse']],
  [C.MeanAbsoluteError, 'MeanAbsoluteError', ['mae']],
  [C.MeanAbsolutePercentageError, 'MeanAbsolutePercentageError', ['mape']],
  [C.MeanSquaredLogarithmicError, 'MeanSquaredLogarithmicError', ['msle']],
  [C.LogCosh, 'LogCosh', ['log_cosh']],
  [C.Hinge, 'Hinge', []],
  [C.SquaredHinge, 'SquaredHinge', []],
  [C.CategoricalHinge, 'CategoricalHinge', []],
  [C.KLDivergence, 'KLDivergence', ['kld', 'kullback_leibler_divergence']],
  [C.Poisson, 'Poisson', []],
];
for (const [Cls, name, aliases] of simple)
  registry.register(name, (c) => new Cls(baseArgs(c, name)), aliases);
registry.register(
  'Huber',
  (c) => new C.Huber({ ...baseArgs(c, 'Huber'), delta: configNumber(c, 'delta', 'Huber', 1) }),
  ['huber_loss'],
);
registry.register(
  'BinaryCrossentropy',
  (c) => new C.BinaryCrossentropy(crossentropyArgs(c, 'BinaryCrossentropy')),
  ['bce'],
);
registry.register(
  'CategoricalCrossentropy',
  (c) => new C.CategoricalCrossentropy(crossentropyArgs(c, 'CategoricalCrossentropy')),
  ['cce'],
);
registry.register('SparseCategoricalCrossentropy', (c) => {
  const where = 'SparseCategoricalCrossentropy';
  const ignore = c.ignore_class;
  if (ignore !== undefined && ignore !== null && typeof ignore !== 'number')
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: config 'ignore_class' must be an integer or null`,
    );
  return new C.SparseCategoricalCrossentropy({
    ...baseArgs(c, where),
    fromLogits: bool(c, 'from_logits', where),
    ignoreClass: ignore ?? null,
  });
});
registry.register(
  'CosineSimilarity',
  (c) =>
    new C.CosineSimilarity({
      ...baseArgs(c, 'CosineSimilarity'),
      axis: configNumber(c, 'axis', 'CosineSimilarity', -1),
    }),
  ['cosine_proximity'],
);

/**
 * Makes a custom loss class loadable by name: `fromConfig` rebuilds an instance from the object
 * its `getConfig` returned. The instance's `className` must be `name`.
 */
export function registerLoss(name: string, fromConfig: (config: JsonObject) => Loss): void {
  registry.registerCustom(name, fromConfig, 'registerLoss');
}

/** True when `name` (any spelling) is a known loss. */
export function isLossName(name: string): boolean {
  return registry.has(name);
}

export type LossIdentifier = Loss | LossFn | string | KerasObject;

/**
 * Resolves a loss identifier: an instance is used as is, a function is wrapped, a name in any
 * spelling ('mse', 'binary_crossentropy', 'BinaryCrossentropy', 'categoricalCrossentropy')
 * gives the default instance, a `{ class_name, config }` object is deserialized.
 */
export function getLoss(identifier: LossIdentifier, where = 'getLoss'): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'function') return new LossFunctionWrapper(identifier);
  if (typeof identifier === 'string') return registry.create(identifier, {}, where);
  if (isKerasObject(identifier)) return deserializeLoss(identifier, where);
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: could not interpret loss identifier ${JSON.stringify(identifier)}: expected a Loss, a function, a name or a { class_name, config } object`,
  );
}

/** Keras 3 form: `{ module, class_name, config, registered_name }`. */
export function serializeLoss(loss: Loss): KerasObject {
  return registry.serializeObject(loss);
}

/** Reads the Keras 3 form and the older `{ class_name, config }` form. */
export function deserializeLoss(object: KerasObject, where = 'deserializeLoss'): Loss {
  return registry.deserialize(object, where);
}

/** Per-sample loss functions, as TensorFlow.js's `tf.losses` / `tf.metrics` functions. */
export const losses = {
  meanSquaredError: F.meanSquaredError,
  mse: F.meanSquaredError,
  meanAbsoluteError: F.meanAbsoluteError,
  mae: F.meanAbsoluteError,
  meanAbsolutePercentageError: F.meanAbsolutePercentageError,
  mape: F.meanAbsolutePercentageError,
  meanSquaredLogarithmicError: F.meanSquaredLogarithmicError,
  msle: F.meanSquaredLogarithmicError,
  huber: F.huber,
  logCosh: F.logCosh,
  logcosh: F.logCosh,
  binaryCrossentropy: F.binaryCrossentropy,
  categoricalCrossentropy: F.categoricalCrossentropy,
  sparseCategoricalCrossentropy: F.sparseCategoricalCrossentropy,
  hinge: F.hinge,
  squaredHinge: F.squaredHinge,
  categoricalHinge: F.categoricalHinge,
  klDivergence: F.klDivergence,
  kld: F.klDivergence,
  kullbackLeiblerDivergence: F.klDivergence,
  poisson: F.poisson,
  cosineSimilarity: F.cosineSimilarity,
  l2Normalize: F.l2Normalize,
} as const;
