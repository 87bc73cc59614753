/**
 * Constraints: Keras 3's classes, `getConstraint` for every identifier Keras accepts,
 * (de)serialization in the Keras 3 and older forms, and camelCase factories on `constraints`
 * (`constraints.maxNorm({ maxValue: 3 })`).
 */
import {
  configNumber,
  isKerasObject,
  Registry,
  type JsonObject,
  type KerasObject,
} from '../serialization/keras-object.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { configAxis, Constraint, type ConstraintAxis } from './constraint.js';
import { optionKeys, withCheckedOptions } from '../validation/options.js';
import { show } from '../serialization/keras-object.js';
import {
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  UnitNorm,
  type MaxNormOptions,
  type MinMaxNormOptions,
  type UnitNormOptions,
} from './norms.js';
import { LaminaTypeError } from '../errors.js';

export {
  Constraint,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  UnitNorm,
  type ConstraintAxis,
  type MaxNormOptions,
  type MinMaxNormOptions,
  type UnitNormOptions,
};

const registry = new Registry<Constraint>('constraint', 'keras.constraints');
registry.register(
  'MaxNorm',
  (c) =>
    new MaxNorm({
      maxValue: configNumber(c, 'max_value', 'MaxNorm', 2),
      axis: configAxis(c, 'MaxNorm', 0),
    }),
);
registry.register('NonNeg', () => new NonNeg());
registry.register('UnitNorm', (c) => new UnitNorm({ axis: configAxis(c, 'UnitNorm', 0) }));
registry.register(
  'MinMaxNorm',
  (c) =>
    new MinMaxNorm({
      minValue: configNumber(c, 'min_value', 'MinMaxNorm', 0),
      maxValue: configNumber(c, 'max_value', 'MinMaxNorm', 1),
      rate: configNumber(c, 'rate', 'MinMaxNorm', 1),
      axis: configAxis(c, 'MinMaxNorm', 0),
    }),
);

/**
 * Makes a custom constraint class loadable by name: `fromConfig` rebuilds an instance from the
 * object its `getConfig` returned. The instance's `className` must be `name`.
 */
export function registerConstraint(
  name: string,
  fromConfig: (config: JsonObject) => Constraint,
): void {
  registry.registerCustom(name, fromConfig, 'registerConstraint');
}

/** A function `(w) => w'`, as Keras accepts. It cannot be serialized. */
export type ConstraintFunction = (w: Tensor) => Tensor;

/** Wraps a plain function used as a constraint; checks that it keeps the shape of `w`. */
export class FunctionConstraint extends Constraint {
  readonly className: string;
  constructor(private readonly fn: ConstraintFunction) {
    super();
    this.className = fn.name || 'function';
  }
  apply(w: Tensor): Tensor {
    const y = this.fn(w);
    if (!(y instanceof Tensor) || !shapesEqual(y.shape, w.shape)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `constraint function ${this.className}: must return a tensor of shape ${formatShape(w.shape)}, received ${y instanceof Tensor ? `shape ${formatShape(y.shape)}` : typeof y}`,
      );
    }
    return y;
  }
  getConfig(): JsonObject {
    throw new LaminaTypeError(
      'invalid-argument',
      `constraint function ${this.className}: a plain function cannot be serialized; subclass Constraint and call registerConstraint`,
    );
  }
}

export type ConstraintIdentifier = Constraint | ConstraintFunction | string | KerasObject;

/**
 * Resolves a constraint identifier: null/undefined give null; a string gives the default
 * instance ('max_norm', 'maxNorm', 'MaxNorm', 'non_neg', 'unit_norm', 'min_max_norm'...); a
 * config object, in the Keras 3 form `{ module, class_name, config, registered_name }` or the
 * older `{ class_name, config }`, is deserialized; an instance is used as is and a function is
 * wrapped.
 */
export function getConstraint(identifier: ConstraintIdentifier, where?: string): Constraint;
export function getConstraint(
  identifier: ConstraintIdentifier | null | undefined,
  where?: string,
): Constraint | null;
export function getConstraint(
  identifier: ConstraintIdentifier | null | undefined,
  where = 'getConstraint',
): Constraint | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Constraint) return identifier;
  if (typeof identifier === 'function') return new FunctionConstraint(identifier);
  if (typeof identifier === 'string') return registry.create(identifier, {}, where);
  if (isKerasObject(identifier)) return deserializeConstraint(identifier, where);
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: could not interpret constraint identifier ${show(identifier)}: expected a Constraint, a function, a name or a { class_name, config } object`,
  );
}

/** Keras 3 form: `{ module, class_name, config, registered_name }`. */
export function serializeConstraint(constraint: Constraint): KerasObject {
  return registry.serializeObject(constraint);
}

/** Reads the Keras 3 form and the older `{ class_name, config }` form. */
export function deserializeConstraint(
  object: KerasObject,
  where = 'deserializeConstraint',
): Constraint {
  return registry.deserialize(object, where);
}

/** Factories taking options objects, as TensorFlow.js's `tf.constraints`. */
export const constraintFactories = {
  maxNorm: withCheckedOptions(
    optionKeys<MaxNormOptions>({ maxValue: true, axis: true }),
    'constraints.maxNorm',
    (options: MaxNormOptions) => new MaxNorm(options),
  ),
  nonNeg: (): NonNeg => new NonNeg(),
  unitNorm: withCheckedOptions(
    optionKeys<UnitNormOptions>({ axis: true }),
    'constraints.unitNorm',
    (options: UnitNormOptions) => new UnitNorm(options),
  ),
  minMaxNorm: withCheckedOptions(
    optionKeys<MinMaxNormOptions>({ minValue: true, maxValue: true, rate: true, axis: true }),
    'constraints.minMaxNorm',
    (options: MinMaxNormOptions) => new MinMaxNorm(options),
  ),
} as const;

/**
 * Keras's `constraints` module: the factories and every constraint class
 * (`new constraints.MaxNorm({ maxValue: 2 })`, as `keras.constraints.MaxNorm`).
 */
export const constraints = {
  ...constraintFactories,
  Constraint,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  UnitNorm,
} as const;
