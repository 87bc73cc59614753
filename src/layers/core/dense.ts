import {
  getActivation,
  serializeActivation,
  type Activation,
  type ActivationIdentifier,
} from '../../activations/index.js';
import { getConstraint, type ConstraintIdentifier } from '../../constraints/index.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
} from '../../initializers/index.js';
import { add } from '../../ops/elementwise.js';
import { matMul } from '../../ops/linalg.js';
import { reshape } from '../../ops/movement.js';
import { getRegularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  constraintConfig,
  initializerConfig,
  regularizerConfig,
  registerLayer,
} from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { mapLegacyArgs } from '../base/legacy.js';
import type { SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { singleInput, checkPositiveInt } from './util.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
  /** Size of the input's last dimension (TensorFlow.js): the same as inputShape: [inputDim]. */
  inputDim?: number;
  /** @deprecated Keras 1 name of kernelRegularizer. */
  weightRegularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of kernelRegularizer. */
  W_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of biasRegularizer. */
  b_regularizer?: RegularizerIdentifier;
}

/** Keras 1 names, mapped with a one-time warning. */
export const LEGACY_WEIGHT_ARGS: Readonly<Record<string, string>> = {
  weightRegularizer: 'kernelRegularizer',
  W_regularizer: 'kernelRegularizer',
  b_regularizer: 'biasRegularizer',
  W_constraint: 'kernelConstraint',
  b_constraint: 'biasConstraint',
};

/** activation(inputs . kernel + bias) over the last axis of the input. */
export class Dense extends Layer {
  static override className = 'Dense';
  override readonly supportsMasking: boolean = true;
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  private readonly pending: Pick<
    DenseArgs,
    'kernelRegularizer' | 'biasRegularizer' | 'kernelConstraint' | 'biasConstraint'
  >;
  kernel: LayerWeight | null = null;
  bias: LayerWeight | null = null;

  constructor(rawArgs: DenseArgs) {
    const args = mapLegacyArgs(rawArgs, LEGACY_WEIGHT_ARGS, 'Dense');
    super(
      args.inputDim !== undefined && args.inputShape === undefined
        ? { ...args, inputShape: [args.inputDim] }
        : args,
    );
    const where = `Dense '${this.name}'`;
    this.units = checkPositiveInt(args.units, 'units', where);
    this.activation = getActivation(args.activation, where);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', where);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', where);
    // Resolve now so that bad identifiers fail at construction, before any data is seen.
    getRegularizer(args.kernelRegularizer, where);
    getRegularizer(args.biasRegularizer, where);
    getConstraint(args.kernelConstraint ?? null, where);
    getConstraint(args.biasConstraint ?? null, where);
    this.pending = args;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = `Dense '${this.name}'`;
    const shape = singleInput(inputShape, where);
    const inputDim = shape[shape.length - 1];
    if (shape.length < 1 || inputDim === null || inputDim === undefined) {
      throw new RangeError(
        `${where}: the last dimension of the input must be known, received ${JSON.stringify(shape)}`,
      );
    }
    this.kernel = this.addWeight({
      name: 'kernel',
      shape: [inputDim, this.units],
      initializer: this.kernelInitializer,
      regularizer: getRegularizer(this.pending.kernelRegularizer, where),
      constraint: getConstraint(this.pending.kernelConstraint ?? null, where),
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: 'bias',
        shape: [this.units],
        initializer: this.biasInitializer,
        regularizer: getRegularizer(this.pending.biasRegularizer, where),
        constraint: getConstraint(this.pending.biasConstraint ?? null, where),
      });
    }
  }

  call(inputs: LayerTensors): Tensor {
    const x = singleInput(inputs, `Dense '${this.name}'`);
    const kernel = this.kernel as LayerWeight;
    const inputDim = kernel.shape[0] as number;
    if (x.shape[x.rank - 1] !== inputDim) {
      throw new RangeError(
        `Dense '${this.name}': expected the input's last dimension to be ${inputDim}, received shape [${x.shape.join(',')}]`,
      );
    }
    const flat = x.rank === 2 ? x : reshape(x, [-1, inputDim]);
    let y = matMul(flat, kernel);
    if (this.bias !== null) y = add(y, this.bias);
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return this.activation.apply(y);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleInput(inputShape, `Dense '${this.name}'`);
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      kernel_initializer: initializerConfig(this.kernelInitializer),
      bias_initializer: initializerConfig(this.biasInitializer),
      kernel_regularizer: regularizerConfig(
        this.kernel?.regularizer ?? getRegularizer(this.pending.kernelRegularizer),
      ),
      bias_regularizer: regularizerConfig(
        this.bias?.regularizer ?? getRegularizer(this.pending.biasRegularizer),
      ),
      kernel_constraint: constraintConfig(
        this.kernel?.constraint ?? getConstraint(this.pending.kernelConstraint ?? null),
      ),
      bias_constraint: constraintConfig(
        this.bias?.constraint ?? getConstraint(this.pending.biasConstraint ?? null),
      ),
    };
  }
}
registerLayer(Dense);
