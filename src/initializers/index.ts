/**
 * Initializers: Keras 3's classes, `getInitializer` for every identifier Keras accepts,
 * (de)serialization in the Keras 3 and older forms, and camelCase factories on `initializers`
 * (`initializers.glorotUniform({ seed: 1 })`), kept off the top level where `zeros`, `ones` and
 * `randomNormal` are tensor ops.
 */
import {
  configNumber,
  configString,
  isKerasObject,
  optionalSeed,
  Registry,
  type JsonObject,
  type KerasObject,
} from '../serialization/keras-object.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import {
  Constant,
  Identity,
  Ones,
  Zeros,
  type ConstantOptions,
  type IdentityOptions,
} from './constant.js';
import { Initializer } from './initializer.js';
import { optionKeys, withCheckedOptions } from '../validation/options.js';
import { show } from '../serialization/keras-object.js';
import { Orthogonal, type OrthogonalOptions } from './orthogonal.js';
import {
  computeFans,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  type RandomNormalOptions,
  type RandomUniformOptions,
  type SeedOptions,
  type VarianceScalingDistribution,
  type VarianceScalingMode,
  type VarianceScalingOptions,
} from './random.js';
import { LaminaTypeError } from '../errors.js';

export {
  Initializer,
  Zeros,
  Ones,
  Constant,
  Identity,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  GlorotUniform,
  GlorotNormal,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  Orthogonal,
  computeFans,
  type ConstantOptions,
  type IdentityOptions,
  type OrthogonalOptions,
  type RandomNormalOptions,
  type RandomUniformOptions,
  type SeedOptions,
  type VarianceScalingDistribution,
  type VarianceScalingMode,
  type VarianceScalingOptions,
};

const registry = new Registry<Initializer>('initializer', 'keras.initializers');
registry.register('Zeros', () => new Zeros(), ['zero']);
registry.register('Ones', () => new Ones(), ['one']);
registry.register(
  'Constant',
  (c) => new Constant({ value: configNumber(c, 'value', 'Constant', 0) }),
);
registry.register(
  'Identity',
  (c) => new Identity({ gain: configNumber(c, 'gain', 'Identity', 1) }),
  ['IdentityInitializer'],
);
registry.register(
  'RandomNormal',
  (c) =>
    new RandomNormal({
      mean: configNumber(c, 'mean', 'RandomNormal', 0),
      stddev: configNumber(c, 'stddev', 'RandomNormal', 0.05),
      seed: optionalSeed(c, 'RandomNormal'),
    }),
  ['normal'],
);
registry.register(
  'RandomUniform',
  (c) =>
    new RandomUniform({
      minval: configNumber(c, 'minval', 'RandomUniform', -0.05),
      maxval: configNumber(c, 'maxval', 'RandomUniform', 0.05),
      seed: optionalSeed(c, 'RandomUniform'),
    }),
  ['uniform'],
);
registry.register(
  'TruncatedNormal',
  (c) =>
    new TruncatedNormal({
      mean: configNumber(c, 'mean', 'TruncatedNormal', 0),
      stddev: configNumber(c, 'stddev', 'TruncatedNormal', 0.05),
      seed: optionalSeed(c, 'TruncatedNormal'),
    }),
);
registry.register(
  'VarianceScaling',
  (c) =>
    new VarianceScaling({
      scale: configNumber(c, 'scale', 'VarianceScaling', 1),
      mode: configString(c, 'mode', 'VarianceScaling', 'fan_in') as VarianceScalingMode,
      distribution: configString(
        c,
        'distribution',
        'VarianceScaling',
        'truncated_normal',
      ) as VarianceScalingDistribution,
      seed: optionalSeed(c, 'VarianceScaling'),
    }),
);
const presets: [string, new (options?: SeedOptions) => VarianceScaling][] = [
  ['GlorotUniform', GlorotUniform],
  ['GlorotNormal', GlorotNormal],
  ['HeNormal', HeNormal],
  ['HeUniform', HeUniform],
  ['LecunNormal', LecunNormal],
  ['LecunUniform', LecunUniform],
];
for (const [name, Preset] of presets) {
  registry.register(name, (c) => new Preset({ seed: optionalSeed(c, name) }));
}
registry.register(
  'Orthogonal',
  (c) =>
    new Orthogonal({
      gain: configNumber(c, 'gain', 'Orthogonal', 1),
      seed: optionalSeed(c, 'Orthogonal'),
    }),
  ['OrthogonalInitializer'],
);

/**
 * Makes a custom initializer class loadable by name: `fromConfig` rebuilds an instance from the
 * object its `getConfig` returned. The instance's `className` must be `name`.
 */
export function registerInitializer(
  name: string,
  fromConfig: (config: JsonObject) => Initializer,
): void {
  registry.registerCustom(name, fromConfig, 'registerInitializer');
}

/** A function `(shape, dtype) => tensor`, as Keras accepts. It cannot be serialized. */
export type InitializerFunction = (shape: readonly number[], dtype?: DType) => Tensor;

/** Wraps a plain function used as an initializer; checks that it returns a tensor of `shape`. */
export class FunctionInitializer extends Initializer {
  readonly className: string;
  constructor(private readonly fn: InitializerFunction) {
    super();
    this.className = fn.name || 'function';
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    const y = this.fn(shape, dtype);
    if (!(y instanceof Tensor) || !shapesEqual(y.shape, shape)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `initializer function ${this.className}: must return a tensor of shape ${formatShape(shape)}, received ${y instanceof Tensor ? `shape ${formatShape(y.shape)}` : typeof y}`,
      );
    }
    return y;
  }
  getConfig(): JsonObject {
    throw new LaminaTypeError(
      'invalid-argument',
      `initializer function ${this.className}: a plain function cannot be serialized; subclass Initializer and call registerInitializer`,
    );
  }
}

export type InitializerIdentifier = Initializer | InitializerFunction | string | KerasObject;

/**
 * Resolves an initializer identifier: a string gives the default instance of that class (any
 * spelling: 'glorot_uniform', 'glorotUniform', 'GlorotUniform'; also Keras's aliases 'normal',
 * 'uniform', 'zero', 'one'); a config object, in the Keras 3 form
 * `{ module, class_name, config, registered_name }` or the older `{ class_name, config }`, is
 * deserialized; an instance is used as is and a function is wrapped. null/undefined give null.
 */
export function getInitializer(identifier: InitializerIdentifier, where?: string): Initializer;
export function getInitializer(
  identifier: InitializerIdentifier | null | undefined,
  where?: string,
): Initializer | null;
export function getInitializer(
  identifier: InitializerIdentifier | null | undefined,
  where = 'getInitializer',
): Initializer | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'function') return new FunctionInitializer(identifier);
  if (typeof identifier === 'string') return registry.create(identifier, {}, where);
  if (isKerasObject(identifier)) return deserializeInitializer(identifier, where);
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: could not interpret initializer identifier ${show(identifier)}: expected an Initializer, a function, a name or a { class_name, config } object`,
  );
}

/** Keras 3 form: `{ module, class_name, config, registered_name }`. */
export function serializeInitializer(initializer: Initializer): KerasObject {
  return registry.serializeObject(initializer);
}

/** Reads the Keras 3 form and the older `{ class_name, config }` form. */
export function deserializeInitializer(
  object: KerasObject,
  where = 'deserializeInitializer',
): Initializer {
  if (!isKerasObject(object)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected a { class_name, config } object, received ${show(object)}`,
    );
  }
  return registry.deserialize(object, where);
}

const SEED_KEYS = optionKeys<SeedOptions>({ seed: true });
const NORMAL_KEYS = optionKeys<RandomNormalOptions>({ seed: true, mean: true, stddev: true });
/** A seeded initializer factory, its options checked (`initializers.<name>`). */
const seeded = <I>(name: string, make: (o: SeedOptions) => I): ((o?: SeedOptions) => I) =>
  withCheckedOptions(SEED_KEYS, `initializers.${name}`, make);

/** Factories taking options objects, as TensorFlow.js's `tf.initializers`. */
export const initializerFactories = {
  zeros: (): Zeros => new Zeros(),
  ones: (): Ones => new Ones(),
  constant: withCheckedOptions(
    optionKeys<ConstantOptions>({ value: true }),
    'initializers.constant',
    (options: ConstantOptions) => new Constant(options),
  ),
  identity: withCheckedOptions(
    optionKeys<IdentityOptions>({ gain: true }),
    'initializers.identity',
    (options: IdentityOptions) => new Identity(options),
  ),
  randomNormal: withCheckedOptions(
    NORMAL_KEYS,
    'initializers.randomNormal',
    (options: RandomNormalOptions) => new RandomNormal(options),
  ),
  randomUniform: withCheckedOptions(
    optionKeys<RandomUniformOptions>({ seed: true, minval: true, maxval: true }),
    'initializers.randomUniform',
    (options: RandomUniformOptions) => new RandomUniform(options),
  ),
  truncatedNormal: withCheckedOptions(
    NORMAL_KEYS,
    'initializers.truncatedNormal',
    (options: RandomNormalOptions) => new TruncatedNormal(options),
  ),
  varianceScaling: withCheckedOptions(
    optionKeys<VarianceScalingOptions>({ seed: true, scale: true, mode: true, distribution: true }),
    'initializers.varianceScaling',
    (options: VarianceScalingOptions) => new VarianceScaling(options),
  ),
  glorotUniform: seeded('glorotUniform', (o) => new GlorotUniform(o)),
  glorotNormal: seeded('glorotNormal', (o) => new GlorotNormal(o)),
  heNormal: seeded('heNormal', (o) => new HeNormal(o)),
  heUniform: seeded('heUniform', (o) => new HeUniform(o)),
  lecunNormal: seeded('lecunNormal', (o) => new LecunNormal(o)),
  lecunUniform: seeded('lecunUniform', (o) => new LecunUniform(o)),
  orthogonal: withCheckedOptions(
    optionKeys<OrthogonalOptions>({ seed: true, gain: true }),
    'initializers.orthogonal',
    (options: OrthogonalOptions) => new Orthogonal(options),
  ),
} as const;

/**
 * Keras's `initializers` module: the factories and every initializer class
 * (`new initializers.GlorotUniform({ seed: 1 })`, as `keras.initializers.GlorotUniform`).
 */
export const initializers = {
  ...initializerFactories,
  Initializer,
  Zeros,
  Ones,
  Constant,
  Identity,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  GlorotUniform,
  GlorotNormal,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  Orthogonal,
} as const;
