/**
 * `tf.layers` as TensorFlow.js spells it: its factory names and aliases, its defaults where they
 * differ from Keras's (Dense, convolution and recurrent kernels start glorotNormal), and a
 * `Layer` base for custom layers written against TensorFlow.js (positional `addWeight`,
 * `getClassName`, `invokeCallHook`).
 */
import { getInitializer, type InitializerIdentifier } from '../initializers/index.js';
import {
  input,
  layerFactories as laminaLayers,
  Layer as LaminaLayer,
  type LayerWeight,
} from '../layers/index.js';
import type { AddWeightOptions } from '../layers/base/layer.js';
import type { WeightConstraint } from '../layers/base/weight.js';
import { getConstraint, type ConstraintIdentifier } from '../constraints/index.js';
import { getRegularizer, type RegularizerIdentifier } from '../regularizers/index.js';
import type { DType } from '../tensor/dtype.js';
import { Variable, type Tensor } from '../tensor/tensor.js';
import { tfjsLayerArgs } from './layer-options.js';
import { LaminaTypeError } from '../errors.js';

/**
 * Base class for custom layers written for TensorFlow.js. Override `call`, and `build`,
 * `computeOutputShape`, `getConfig` as there; give the class a static `className` and register
 * it with `serialization.registerClass` to load it from saved models.
 */
export abstract class Layer extends LaminaLayer {
  /** TensorFlow.js's `addWeight(name, shape, dtype, initializer, regularizer, trainable, constraint)`. */
  override addWeight(options: AddWeightOptions): LayerWeight;
  override addWeight(
    name: string,
    shape: readonly number[],
    dtype?: DType,
    initializer?: InitializerIdentifier,
    regularizer?: RegularizerIdentifier,
    trainable?: boolean,
    constraint?: ConstraintIdentifier,
  ): LayerWeight;
  override addWeight(
    nameOrOptions: string | AddWeightOptions,
    shape?: readonly number[],
    dtype?: DType,
    initializer?: InitializerIdentifier,
    regularizer?: RegularizerIdentifier,
    trainable?: boolean,
    constraint?: ConstraintIdentifier,
  ): LayerWeight {
    if (typeof nameOrOptions !== 'string') return super.addWeight(nameOrOptions);
    const where = `${this.className} '${this.name}'.addWeight('${nameOrOptions}')`;
    if (!Array.isArray(shape))
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: shape must be an array of integers, received ${String(shape)}`,
      );
    if (initializer === undefined || initializer === null)
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: an initializer is required (e.g. tf.initializers.glorotUniform() or 'zeros')`,
      );
    return super.addWeight({
      name: nameOrOptions,
      shape,
      dtype: dtype ?? undefined,
      initializer: getInitializer(initializer, where),
      regularizer: getRegularizer(regularizer ?? null, where),
      constraint: (getConstraint(constraint ?? null, where) as WeightConstraint | null) ?? null,
      trainable: trainable ?? true,
    });
  }

  /** TensorFlow.js's hook for layers that inspect their call; nothing is hooked here. */
  invokeCallHook(_inputs: Tensor | Tensor[], _kwargs?: object): void {}
}

/** TensorFlow.js's `getClassName()`, on every layer: the name it is serialized under. */
declare module '../layers/base/layer.js' {
  interface Layer {
    getClassName(): string;
  }
}
Object.defineProperty(LaminaLayer.prototype, 'getClassName', {
  value: function (this: LaminaLayer): string {
    return this.className;
  },
  writable: true,
  configurable: true,
});

/** TensorFlow.js's LayerVariable reads: `kernel.read()` is the weight itself (a tensor). */
declare module '../tensor/tensor.js' {
  interface Variable {
    read(): Tensor;
    write(value: Tensor): Variable;
  }
}
Object.defineProperty(Variable.prototype, 'read', {
  value: function (this: Variable): Tensor {
    return this;
  },
  writable: true,
  configurable: true,
});
Object.defineProperty(Variable.prototype, 'write', {
  value: function (this: Variable, value: Tensor): Variable {
    this.assign(value);
    return this;
  },
  writable: true,
  configurable: true,
});

/** TensorFlow.js starts these kernels glorotNormal where Keras starts them glorotUniform. */
function glorotNormalKernel<A extends { kernelInitializer?: InitializerIdentifier }, L>(
  make: (args: A) => L,
): (args: A) => L {
  return (args: A) =>
    make(
      args?.kernelInitializer === undefined ? { ...args, kernelInitializer: 'glorotNormal' } : args,
    );
}

const L = laminaLayers;

/**
 * The factory `make` taking TensorFlow.js's options where they differ from Lamina's: keys that
 * only tune TensorFlow.js internals are dropped (documented in tfjs-options.ts), the others
 * renamed; every other key goes on to the layer, which refuses the ones it does not know.
 */
function tfjsFactory<A, R>(name: string, make: (args: A) => R): (args: A) => R {
  return (args: A) => make(tfjsLayerArgs(name, args) as A);
}

const tfjsFactories = Object.fromEntries(
  Object.entries(L).map(([name, make]) => [
    name,
    tfjsFactory(name, make as (args: unknown) => unknown),
  ]),
) as unknown as typeof L;
const T = tfjsFactories;

/** `tf.input`, taking TensorFlow.js's `sparse` (see layer-options.ts). */
export const tfjsInput = tfjsFactory('input', input);

export const layers = {
  ...T,
  dense: glorotNormalKernel(T.dense),
  conv1d: glorotNormalKernel(T.conv1d),
  conv2d: glorotNormalKernel(T.conv2d),
  conv2dTranspose: glorotNormalKernel(T.conv2dTranspose),
  simpleRNN: glorotNormalKernel(T.simpleRNN),
  lstm: glorotNormalKernel(T.lstm),
  gru: glorotNormalKernel(T.gru),
  // TensorFlow.js's other names for the pooling layers.
  maxPool1d: T.maxPooling1d,
  maxPool2d: T.maxPooling2d,
  avgPool1d: T.averagePooling1d,
  avgPool2d: T.averagePooling2d,
  avgPooling1d: T.averagePooling1d,
  avgPooling2d: T.averagePooling2d,
  globalMaxPool1d: T.globalMaxPooling1d,
  globalMaxPool2d: T.globalMaxPooling2d,
  Layer,
  input: tfjsInput,
};
