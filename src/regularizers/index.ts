/**
 * Regularizers: classes, factories (`l2(0.01)` or `l2({ l2: 0.01 })`), `getRegularizer` for
 * every identifier Keras accepts, and (de)serialization in the Keras 3 and older forms.
 */
import {
  configNumber,
  configString,
  isKerasObject,
  Registry,
  type JsonObject,
  type KerasObject,
} from '../serialization/keras-object.js';
import { Tensor } from '../tensor/tensor.js';
import { L1, L1L2, L2 } from './l1l2.js';
import { OrthogonalRegularizer, type OrthogonalMode } from './orthogonal.js';
import { Regularizer } from './regularizer.js';
import { checkOptions } from '../validation/options.js';
import { LaminaTypeError } from '../errors.js';

export { Regularizer, L1, L2, L1L2, OrthogonalRegularizer, type OrthogonalMode };

const registry = new Registry<Regularizer>('regularizer', 'keras.regularizers');
registry.register('L1', (c) => new L1(configNumber(c, 'l1', 'L1', 0.01)), ['l1']);
registry.register('L2', (c) => new L2(configNumber(c, 'l2', 'L2', 0.01)), ['l2']);
// 'l1_l2' (tf.keras's name, rejected by Keras 3) is accepted: it can only mean L1L2.
registry.register(
  'L1L2',
  (c) => new L1L2(configNumber(c, 'l1', 'L1L2', 0), configNumber(c, 'l2', 'L1L2', 0)),
  ['l1l2', 'l1_l2'],
);
registry.register(
  'OrthogonalRegularizer',
  (c) =>
    new OrthogonalRegularizer(
      configNumber(c, 'factor', 'OrthogonalRegularizer', 0.01),
      configString(c, 'mode', 'OrthogonalRegularizer', 'rows') as OrthogonalMode,
    ),
  ['orthogonal_regularizer'],
);

/**
 * Makes a custom regularizer class loadable by name: `fromConfig` rebuilds an instance from the
 * object its `getConfig` returned. The instance's `className` must be `name`.
 */
export function registerRegularizer(
  name: string,
  fromConfig: (config: JsonObject) => Regularizer,
): void {
  registry.registerCustom(name, fromConfig, 'registerRegularizer');
}

/** A plain function `(x) => scalar` used as a regularizer. It cannot be serialized. */
export class FunctionRegularizer extends Regularizer {
  readonly className: string;
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
    this.className = fn.name || 'function';
  }
  apply(x: Tensor): Tensor {
    const y = this.fn(x);
    if (!(y instanceof Tensor) || y.rank !== 0) {
      throw new LaminaTypeError(
        'invalid-argument',
        `regularizer function ${this.className}: must return a scalar tensor, received ${y instanceof Tensor ? `shape [${y.shape.join(',')}]` : typeof y}`,
      );
    }
    return y;
  }
  getConfig(): JsonObject {
    throw new LaminaTypeError(
      'invalid-argument',
      `regularizer function ${this.className}: a plain function cannot be serialized; subclass Regularizer and call registerRegularizer`,
    );
  }
}

export type RegularizerIdentifier =
  Regularizer | ((x: Tensor) => Tensor) | string | KerasObject | null | undefined;

/**
 * Resolves a regularizer identifier: null/undefined give null; a string gives the default
 * instance ('l1', 'l2', 'l1l2', 'orthogonal_regularizer' or a class name); a config object
 * `{ class_name, config }` is deserialized; an instance or function is used as is.
 */
export function getRegularizer(
  identifier: RegularizerIdentifier,
  where = 'getRegularizer',
): Regularizer | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === 'function') return new FunctionRegularizer(identifier);
  if (typeof identifier === 'string') return registry.create(identifier, {}, where);
  if (isKerasObject(identifier)) return deserializeRegularizer(identifier, where);
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: could not interpret regularizer identifier ${JSON.stringify(identifier)}: expected a Regularizer, a function, a name or a { class_name, config } object`,
  );
}

/** Keras 3 form: `{ module, class_name, config, registered_name }`. */
export function serializeRegularizer(regularizer: Regularizer): KerasObject {
  return registry.serializeObject(regularizer);
}

/** Reads the Keras 3 form and the older `{ class_name, config }` form. */
export function deserializeRegularizer(
  object: KerasObject,
  where = 'deserializeRegularizer',
): Regularizer {
  return registry.deserialize(object, where);
}

export type FactorArg<K extends string> = number | { [P in K]?: number };

function factorOf<K extends string>(
  arg: FactorArg<K> | undefined,
  key: K,
  where: string,
): number | undefined {
  if (arg === undefined || typeof arg === 'number') return arg;
  if (typeof arg !== 'object' || arg === null) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected a number or { ${key} }, received ${String(arg)}`,
    );
  }
  checkOptions(arg, [key], where);
  return arg[key];
}

/**
 * `l1(0.01)` or `l1({ l1: 0.01 })`.
 * @example
 * ```ts
 * const layer = layers.dense({ units: 4, kernelRegularizer: l1(0.01) });
 * l1(0.5).apply(tensor([1, -2])); // 1.5
 * ```
 */
export function l1(arg?: FactorArg<'l1'>): L1 {
  return new L1(factorOf(arg, 'l1', 'l1'));
}

/**
 * `l2(0.01)` or `l2({ l2: 0.01 })`.
 * @example
 * ```ts
 * const layer = layers.dense({ units: 4, activityRegularizer: l2(1e-4) });
 * l2({ l2: 0.5 }).apply(tensor([1, -2])); // 2.5
 * ```
 */
export function l2(arg?: FactorArg<'l2'>): L2 {
  return new L2(factorOf(arg, 'l2', 'l2'));
}

/**
 * `l1l2({ l1, l2 })`; factors default to 0 (Keras 3; TensorFlow.js's factory defaulted to 0.01).
 * @example
 * ```ts
 * l1l2({ l1: 0.5, l2: 0.5 }).apply(tensor([1, -2])); // 4
 * ```
 */
export function l1l2(arg: { l1?: number; l2?: number } = {}): L1L2 {
  checkOptions(arg, ['l1', 'l2'], 'l1l2');
  return new L1L2(arg.l1, arg.l2);
}

/**
 * Keras 3's orthogonal regularizer: penalizes the overlap (mean absolute cosine similarity) between
 * the rows, or with `mode: 'columns'` the columns, of a kernel (`factor` default 0.01).
 * @example
 * ```ts
 * const layer = layers.dense({ units: 4, kernelRegularizer: orthogonalRegularizer({ factor: 0.01 }) });
 * orthogonalRegularizer({ factor: 1, mode: 'rows' }).apply(eye(2)); // 0
 * ```
 */
export function orthogonalRegularizer(
  arg: { factor?: number; mode?: OrthogonalMode } = {},
): OrthogonalRegularizer {
  checkOptions(arg, ['factor', 'mode'], 'orthogonalRegularizer');
  return new OrthogonalRegularizer(arg.factor, arg.mode);
}

/**
 * Keras's `regularizers` module: `regularizers.l2(0.01)`, `regularizers.get('l1')`, and the classes
 * (`new regularizers.L1L2(0.01, 0.01)`).
 * @example
 * ```ts
 * layers.dense({ units: 4, kernelRegularizer: regularizers.l2(0.01) });
 * regularizers.get('l1').apply(tensor([1, -2])); // 0.03
 * ```
 */
export const regularizers = {
  l1,
  l2,
  l1l2,
  orthogonalRegularizer,
  get: getRegularizer,
  serialize: serializeRegularizer,
  deserialize: deserializeRegularizer,
  Regularizer,
  L1,
  L2,
  L1L2,
  OrthogonalRegularizer,
};
