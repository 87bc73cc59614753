/**
 * The smaller TensorFlow.js namespaces over Lamina's registries and factories: `regularizers`,
 * `initializers`, `constraints`, `train` (with TensorFlow.js's defaults where they differ from
 * Keras's), `serialization`, `models` and `util`.
 */
import {
  constraintFactories as laminaConstraints,
  Constraint,
  registerConstraint,
} from '../constraints/index.js';
import {
  initializerFactories as laminaInitializers,
  Initializer,
  registerInitializer,
} from '../initializers/index.js';
import { camelizeKeys, registerLayer } from '../layers/base/config.js';
import { Layer } from '../layers/base/layer.js';
import type { LearningRateSchedule } from '../optimizers/index.js';
import { train as laminaTrain } from '../optimizers/index.js';
import { L1L2, l1, l2, Regularizer, registerRegularizer } from '../regularizers/index.js';
import {
  loadModel,
  modelFromJSON as laminaModelFromJSON,
  type LoadHandler,
  type ModelArtifacts,
} from '../saving/index.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { asLayersModel, type LayersModel } from './models.js';
import { checkOptions, isOptionsObject } from '../validation/options.js';
import { LaminaTypeError } from '../errors.js';

export const regularizers = {
  l1,
  l2,
  /** Both factors default to 0.01 in TensorFlow.js (0 in Keras 3). */
  l1l2: (config: { l1?: number; l2?: number } = {}): L1L2 =>
    new L1L2(config.l1 ?? 0.01, config.l2 ?? 0.01),
};

export const initializers = {
  ...laminaInitializers,
  leCunNormal: laminaInitializers.lecunNormal,
  leCunUniform: laminaInitializers.lecunUniform,
};

export const constraints = laminaConstraints;

type LR = number | LearningRateSchedule;

export const train = {
  ...laminaTrain,
  /** TensorFlow.js's Adamax starts at a learning rate of 0.002 (Keras: 0.001). */
  adamax: (learningRate: LR = 0.002, beta1?: number, beta2?: number, epsilon?: number) =>
    laminaTrain.adamax(learningRate, beta1, beta2, epsilon),
};

type Serializable = {
  readonly className: string;
  fromConfig?: (cls: never, config: JsonObject) => unknown;
  prototype: object;
  new (config: never): object;
};

/**
 * Registers a custom class (a layer, regularizer, initializer or constraint) under its static
 * `className`, so that saved models naming it load. The class is built from its config as
 * TensorFlow.js does: `cls.fromConfig(cls, config)` if defined, else `new cls(config)`, with the
 * config's keys in camelCase.
 */
export function registerClass<T extends Serializable>(cls: T): T {
  const name = cls.className;
  if (typeof name !== 'string' || name.length === 0)
    throw new LaminaTypeError(
      'invalid-argument',
      `serialization.registerClass: the class must have a static className (a non-empty string), received ${String(name)}`,
    );
  const make = (config: JsonObject): unknown => {
    const args = camelizeKeys(config) as never;
    return typeof cls.fromConfig === 'function'
      ? cls.fromConfig(cls as never, args)
      : new cls(args);
  };
  const proto = cls.prototype;
  if (proto instanceof Layer)
    registerLayer(
      cls as unknown as { className: string; new (args: never): Layer },
      (c) => make(c) as Layer,
    );
  else if (proto instanceof Regularizer) registerRegularizer(name, (c) => make(c) as Regularizer);
  else if (proto instanceof Initializer) registerInitializer(name, (c) => make(c) as Initializer);
  else if (proto instanceof Constraint) registerConstraint(name, (c) => make(c) as Constraint);
  else
    throw new LaminaTypeError(
      'invalid-argument',
      `serialization.registerClass: ${name} is not a Layer, Regularizer, Initializer or Constraint subclass`,
    );
  return cls;
}

export const serialization = { registerClass };

/** A model from Keras JSON (TensorFlow.js resolves it asynchronously; so does this). */
export async function modelFromJSON(json: string | JsonObject): Promise<LayersModel> {
  return asLayersModel(laminaModelFromJSON(json)) as LayersModel;
}

export const models = { modelFromJSON };

/** TensorFlow.js's `io.LoadOptions`: Lamina's load and http options and two of its own. */
export type TfjsLoadOptions = NonNullable<Parameters<typeof loadModel>[1]> & {
  /** A TensorFlow Hub URL: model.json?tfjs-format=file is appended, as TensorFlow.js does. */
  fromTFHub?: boolean;
  /** A no-op: TensorFlow.js streams weights to the GPU; Lamina reads each shard whole. */
  streamWeights?: boolean;
};

/** Loads a model saved by TensorFlow.js or Lamina (a path, artifacts or a `{ load }` handler). */
export async function loadLayersModel(
  source: string | ModelArtifacts | LoadHandler,
  options: TfjsLoadOptions = {},
): Promise<LayersModel> {
  if (!isOptionsObject(options)) checkOptions(options, [], 'loadLayersModel');
  const { fromTFHub, streamWeights: _streamWeights, ...rest } = options;
  const url =
    fromTFHub === true && typeof source === 'string'
      ? `${source.endsWith('/') ? source : `${source}/`}model.json?tfjs-format=file`
      : source;
  return asLayersModel(await loadModel(url, rest)) as LayersModel;
}
