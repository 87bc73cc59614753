import {
  fusableActivation,
  getActivation,
  serializeActivation,
  type Activation,
  type ActivationIdentifier,
} from '../../activations/index.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import { matMulBiasActivation } from '../../ops/fused.js';
import { matMul } from '../../ops/linalg.js';
import { reshape } from '../../ops/movement.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { mapLegacyArgs } from '../base/legacy.js';
import type { SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { WeightParams } from '../base/weight-params.js';
import { singleInput, checkPositiveInt } from '../base/args.js';
import { addBiasAndActivate } from './bias-activation.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

/** What `preActivation` applies in place of the layer's activation. */
const LINEAR = getActivation('linear');

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
  static override readonly argKeys: readonly string[] = layerArgKeys<DenseArgs>({
    units: true,
    activation: true,
    useBias: true,
    kernelInitializer: true,
    biasInitializer: true,
    kernelRegularizer: true,
    biasRegularizer: true,
    kernelConstraint: true,
    biasConstraint: true,
    inputDim: true,
    weightRegularizer: true,
    W_regularizer: true,
    b_regularizer: true,
  });
  override readonly supportsMasking: boolean = true;
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  private readonly kernelParams: WeightParams;
  private readonly biasParams: WeightParams;

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
    this.kernelParams = new WeightParams(
      {
        initializer: args.kernelInitializer,
        regularizer: args.kernelRegularizer,
        constraint: args.kernelConstraint,
      },
      'glorotUniform',
      where,
    );
    this.biasParams = new WeightParams(
      {
        initializer: args.biasInitializer,
        regularizer: args.biasRegularizer,
        constraint: args.biasConstraint,
      },
      'zeros',
      where,
    );
  }

  get kernel(): LayerWeight | null {
    return this.kernelParams.weight;
  }

  get bias(): LayerWeight | null {
    return this.biasParams.weight;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = `Dense '${this.name}'`;
    const shape = singleInput(inputShape, where);
    const inputDim = shape[shape.length - 1];
    if (shape.length < 1 || inputDim === null || inputDim === undefined) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: the last dimension of the input must be known, received ${showJson(shape)}`,
      );
    }
    this.kernelParams.create(this, 'kernel', [inputDim, this.units]);
    if (this.useBias) this.biasParams.create(this, 'bias', [this.units]);
  }

  call(inputs: LayerTensors): Tensor {
    return this.withActivation(inputs, this.activation);
  }

  override preActivation(inputs: LayerTensors): Tensor {
    return this.withActivation(inputs, LINEAR);
  }

  private withActivation(inputs: LayerTensors, activation: Activation): Tensor {
    const x = singleInput(inputs, `Dense '${this.name}'`);
    const kernel = this.kernel as LayerWeight;
    const inputDim = kernel.shape[0] as number;
    if (x.shape[x.rank - 1] !== inputDim) {
      throw new LaminaRangeError(
        'invalid-argument',
        `Dense '${this.name}': expected the input's last dimension to be ${inputDim}, received shape [${x.shape.join(',')}]`,
      );
    }
    const flat = x.rank === 2 ? x : reshape(x, [-1, inputDim]);
    const kind = this.bias === null ? null : fusableActivation(activation);
    // Product, bias and a linear/relu activation as one kernel; anything else as separate ops.
    const y =
      kind !== null
        ? matMulBiasActivation(flat, kernel, this.bias as LayerWeight, kind)
        : addBiasAndActivate(matMul(flat, kernel), this.bias, activation);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
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
      ...this.kernelParams.config('kernel'),
      ...this.biasParams.config('bias'),
    };
  }
}
registerLayer(Dense);
