/**
 * Optimizers (Keras 3 `keras.optimizers`): SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax
 * and Nadam with Keras 3's update formulas and defaults; learning-rate schedules; `getOptimizer`
 * for instances, names in any spelling and configs; (de)serialization; the `optimizers` factory
 * (`optimizers.adam({ learningRate: 1e-3 })`) and TensorFlow.js-style `train` (`train.sgd(0.1)`).
 *
 * ## L2 penalty or weight decay?
 *
 * An L2 penalty (`kernelRegularizer: l2(lambda)`) adds lambda * sum(w^2) to the loss, so its
 * gradient lambda * 2w is added to the data gradient and then goes through the optimizer like any
 * other gradient. Keras's L2 has no factor 1/2, so for plain SGD (no momentum)
 *
 *     PyTorch-style coupled weight decay wd  (g + wd * w)  ==  Keras L2(wd / 2).
 *
 * With adaptive optimizers (Adam, RMSprop...) the two are not equivalent: the penalty gradient
 * is rescaled by the per-coordinate denominators, so heavily updated weights are decayed less.
 * Decoupled weight decay (Loshchilov & Hutter, "AdamW") shrinks the weights directly,
 * before each update: w -= learningRate * weightDecay * w. That is what AdamW does and what
 * the `weightDecay` option of every Keras 3 (and Lamina) optimizer does; AdamW is Adam with
 * `weightDecay` defaulting to 0.004.
 *
 * Lamina's choice: by default, weight decay skips biases and normalization weights (LayerWeights
 * whose short name is bias, beta, gamma, moving_mean or moving_variance, and every rank-1
 * variable), the usual practice; `decayAllVariables: true` decays everything, as Keras does.
 * `optimizer.excludeFromWeightDecay({ variables, varNames })` excludes more.
 */
import {
  camelCase,
  isKerasObject,
  Registry,
  type JsonObject,
  type JsonValue,
  type KerasObject,
} from '../serialization/keras-object.js';
import { Adam, Adamax, AdamW, Nadam, type AdamOptions } from './adam.js';
import {
  Adadelta,
  Adagrad,
  RMSprop,
  type AdadeltaOptions,
  type AdagradOptions,
  type RMSpropOptions,
} from './adaptive.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';
import {
  CosineDecay,
  CosineDecayRestarts,
  deserializeSchedule,
  ExponentialDecay,
  InverseTimeDecay,
  LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
  serializeSchedule,
} from './schedules.js';
import { SGD, type SGDOptions } from './sgd.js';
import { LaminaError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export { Optimizer, NO_DECAY_SHORT_NAMES, type OptimizerOptions } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, Adamax, Nadam, type AdamOptions } from './adam.js';
export {
  RMSprop,
  Adagrad,
  Adadelta,
  type RMSpropOptions,
  type AdagradOptions,
  type AdadeltaOptions,
} from './adaptive.js';
export {
  LearningRateSchedule,
  ExponentialDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  CosineDecayRestarts,
  InverseTimeDecay,
  PolynomialDecay,
  serializeSchedule,
  deserializeSchedule,
  registerLearningRateSchedule,
} from './schedules.js';

const BASE_KEYS = ['name', 'learning_rate', 'weight_decay', 'clipnorm', 'clipvalue'];
/** Keras keys Lamina reads but whose only supported value is the default. */
const DEFAULT_ONLY: Record<string, (v: JsonValue) => boolean> = {
  use_ema: (v) => v === false || v === null,
  ema_momentum: () => true,
  ema_overwrite_frequency: (v) => v === null,
  loss_scale_factor: (v) => v === null,
  gradient_accumulation_steps: (v) => v === null,
  decay: (v) => v === 0 || v === null, // tf.keras 2
  jit_compile: () => true,
  is_legacy_optimizer: () => true,
};

type OwnKeys = Record<string, 'number' | 'boolean'>;

/** Reads a Keras config into options (snake_case to camelCase), rejecting unknown keys. */
function optionsFromConfig(c: JsonObject, where: string, own: OwnKeys): OptimizerOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) {
    const check = DEFAULT_ONLY[key];
    if (check !== undefined) {
      if (!check(value))
        throw new LaminaError(
          'unsupported',
          `${where}: ${key}=${JSON.stringify(value)} is not supported by Lamina`,
        );
      continue;
    }
    if (value === null) continue;
    const type = own[key];
    if (type !== undefined) {
      if (typeof value !== type)
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: config '${key}' must be a ${type}, received ${showJson(value)}`,
        );
      out[camelCase(key)] = value;
    } else if (key === 'learning_rate' || key === 'lr') {
      out.learningRate =
        typeof value === 'object' ? deserializeSchedule(value as KerasObject, where) : value;
    } else if (key === 'global_clipnorm') out.globalClipNorm = value;
    else if (key === 'clipnorm') out.clipNorm = value;
    else if (key === 'clipvalue') out.clipValue = value;
    else if (key === 'weight_decay') out.weightDecay = value;
    else if (key === 'decay_all_variables') out.decayAllVariables = value;
    else if (key === 'name') out.name = value;
    else {
      const known = [...BASE_KEYS, 'global_clipnorm', ...Object.keys(own)].join(', ');
      throw new LaminaError(
        'invalid-argument',
        `${where}: unknown config key '${key}' (known: ${known})`,
      );
    }
  }
  return out as OptimizerOptions;
}

const ADAM_KEYS: OwnKeys = { beta_1: 'number', beta_2: 'number', epsilon: 'number' };
const registry = new Registry<Optimizer>('optimizer', 'keras.optimizers');
registry.register(
  'SGD',
  (c) => new SGD(optionsFromConfig(c, 'SGD', { momentum: 'number', nesterov: 'boolean' })),
);
const adamKeys: OwnKeys = { ...ADAM_KEYS, amsgrad: 'boolean' };
registry.register('Adam', (c) => new Adam(optionsFromConfig(c, 'Adam', adamKeys)));
registry.register('AdamW', (c) => new AdamW(optionsFromConfig(c, 'AdamW', adamKeys)));
registry.register('Adamax', (c) => new Adamax(optionsFromConfig(c, 'Adamax', ADAM_KEYS)));
registry.register('Nadam', (c) => new Nadam(optionsFromConfig(c, 'Nadam', ADAM_KEYS)));
registry.register('RMSprop', (c) => {
  const own: OwnKeys = {
    rho: 'number',
    momentum: 'number',
    epsilon: 'number',
    centered: 'boolean',
  };
  return new RMSprop(optionsFromConfig(c, 'RMSprop', own));
});
registry.register('Adagrad', (c) => {
  const own: OwnKeys = { initial_accumulator_value: 'number', epsilon: 'number' };
  return new Adagrad(optionsFromConfig(c, 'Adagrad', own));
});
registry.register(
  'Adadelta',
  (c) => new Adadelta(optionsFromConfig(c, 'Adadelta', { rho: 'number', epsilon: 'number' })),
);

/** Makes a custom optimizer class loadable by name (its `className` must be `name`). */
export function registerOptimizer(
  name: string,
  fromConfig: (config: JsonObject) => Optimizer,
): void {
  registry.registerCustom(name, fromConfig, 'registerOptimizer');
}

/** Keras 3 form: `{ module, class_name, config, registered_name }`. */
export function serializeOptimizer(optimizer: Optimizer): KerasObject {
  return registry.serializeObject(optimizer);
}

/** Reads the Keras 3 form and the older `{ class_name, config }` form. */
export function deserializeOptimizer(
  object: KerasObject,
  where = 'deserializeOptimizer',
): Optimizer {
  return registry.deserialize(object, where);
}

export type OptimizerIdentifier = Optimizer | string | KerasObject;

/**
 * An optimizer from an instance (returned as is), a name in any spelling ('adam', 'Adam',
 * 'rmsprop', 'RMSprop'...: a new instance with Keras defaults) or a `{ class_name, config }`.
 */
export function getOptimizer(identifier: OptimizerIdentifier, where = 'getOptimizer'): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') return registry.create(identifier, {}, where);
  if (isKerasObject(identifier)) return deserializeOptimizer(identifier, where);
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: could not interpret optimizer identifier ${JSON.stringify(identifier) ?? String(identifier)}: expected an Optimizer, a name or a { class_name, config } object`,
  );
}

/** Keras-style factories, `optimizers.adam({ learningRate: 1e-3 })`, and the classes, `new optimizers.Adam()`. */
export const optimizers = {
  sgd: (options?: SGDOptions): SGD => new SGD(options),
  adam: (options?: AdamOptions): Adam => new Adam(options),
  adamw: (options?: AdamOptions): AdamW => new AdamW(options),
  adamax: (options?: Omit<AdamOptions, 'amsgrad'>): Adamax => new Adamax(options),
  nadam: (options?: Omit<AdamOptions, 'amsgrad'>): Nadam => new Nadam(options),
  rmsprop: (options?: RMSpropOptions): RMSprop => new RMSprop(options),
  adagrad: (options?: AdagradOptions): Adagrad => new Adagrad(options),
  adadelta: (options?: AdadeltaOptions): Adadelta => new Adadelta(options),
  get: getOptimizer,
  serialize: serializeOptimizer,
  deserialize: deserializeOptimizer,
  Optimizer,
  SGD,
  Adam,
  AdamW,
  Adamax,
  Nadam,
  RMSprop,
  Adagrad,
  Adadelta,
  /** Keras 3 `keras.optimizers.schedules`: the schedule classes and their (de)serializers. */
  schedules: {
    LearningRateSchedule,
    ExponentialDecay,
    PiecewiseConstantDecay,
    CosineDecay,
    CosineDecayRestarts,
    InverseTimeDecay,
    PolynomialDecay,
    serialize: serializeSchedule,
    deserialize: deserializeSchedule,
  },
};

type LR = number | LearningRateSchedule;

/**
 * TensorFlow.js-style factories with positional arguments (`train.sgd(0.1)`,
 * `train.adam(0.001, 0.9, 0.999)`). Omitted arguments take the Keras 3 defaults (the same as
 * TensorFlow.js's except Adamax's learning rate, 0.001 here). The updates are Keras 3's.
 */
export const train = {
  sgd: (learningRate: LR): SGD => new SGD({ learningRate }),
  momentum: (learningRate: LR, momentum: number, useNesterov = false): SGD =>
    new SGD({ learningRate, momentum, nesterov: useNesterov }),
  adam: (learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number): Adam =>
    new Adam({ learningRate, beta1, beta2, epsilon }),
  adamax: (learningRate?: LR, beta1?: number, beta2?: number, epsilon?: number): Adamax =>
    new Adamax({ learningRate, beta1, beta2, epsilon }),
  rmsprop: (
    learningRate: LR,
    decay?: number,
    momentum?: number,
    epsilon?: number,
    centered = false,
  ): RMSprop => new RMSprop({ learningRate, rho: decay, momentum, epsilon, centered }),
  adagrad: (learningRate: LR, initialAccumulatorValue?: number): Adagrad =>
    new Adagrad({ learningRate, initialAccumulatorValue }),
  adadelta: (learningRate?: LR, rho?: number, epsilon?: number): Adadelta =>
    new Adadelta({ learningRate, rho, epsilon }),
};
