/**
 * Activation layers with parameters (Keras 3's ReLU, LeakyReLU, ELU, Softmax, PReLU, and
 * TensorFlow.js's ThresholdedReLU, which Keras 3 dropped): what `Activation` cannot express
 * because the function needs arguments or weights.
 */
import { elu, leakyRelu, relu, relu6, softmax } from '../../ops/activations.js';
import { add, cast, greater, minimum, mul, neg, sub, where } from '../../ops/elementwise.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import type { SymbolicShape } from '../base/symbolic.js';
import { WeightParams } from '../base/weight-params.js';
import { singleInput } from '../base/args.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue, showJson } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

function checkNumber(value: unknown, arg: string, where: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected a finite number${min > -Infinity ? ` >= ${min}` : ''}. Received: ${arg}=${showValue(value)}`,
    );
  return value;
}

/** Shape-preserving elementwise layers share their shape rule and masking. */
abstract class ElementwiseActivation extends Layer {
  override readonly supportsMasking: boolean = true;
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return singleInput(inputShape, `${this.className} '${this.name}'`);
  }
  protected single(inputs: LayerTensors): Tensor {
    return singleInput(inputs, `${this.className} '${this.name}'`);
  }
}

export interface ReLUArgs extends LayerArgs {
  /** Upper bound of the output (none by default). */
  maxValue?: number | null;
  /** Slope below the threshold (0 by default). */
  negativeSlope?: number;
  /** Inputs below it are damped (0 by default). */
  threshold?: number;
}

/** Keras's ReLU: f(x) = max_value if x >= max_value; x if threshold <= x; slope * (x - threshold) else. */
export class ReLU extends ElementwiseActivation {
  static override className = 'ReLU';
  static override readonly argKeys: readonly string[] = layerArgKeys<ReLUArgs>({
    maxValue: true,
    negativeSlope: true,
    threshold: true,
  });
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;
  constructor(args: ReLUArgs = {}) {
    super(args);
    const where = `ReLU '${this.name}'`;
    this.maxValue =
      args.maxValue === undefined || args.maxValue === null
        ? null
        : checkNumber(args.maxValue, 'maxValue', where, 0);
    this.negativeSlope = checkNumber(args.negativeSlope ?? 0, 'negativeSlope', where, 0);
    this.threshold = checkNumber(args.threshold ?? 0, 'threshold', where);
  }
  call(inputs: LayerTensors): Tensor {
    const x = this.single(inputs);
    const { maxValue, negativeSlope: slope, threshold } = this;
    if (slope !== 0 && maxValue === null && threshold === 0) return leakyRelu(x, slope);
    let y: Tensor;
    if (threshold !== 0) y = mul(x, cast(greater(x, threshold), 'float32'));
    else if (maxValue === 6) y = relu6(x);
    else y = relu(x);
    if (maxValue !== null) y = minimum(y, maxValue);
    if (slope !== 0) y = sub(y, mul(slope, relu(sub(threshold, x))));
    return y;
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      max_value: this.maxValue,
      negative_slope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}
registerLayer(ReLU);

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0: 0.3 by default (Keras 3 and TensorFlow.js). */
  negativeSlope?: number;
  /** TensorFlow.js's and Keras 2's name for negativeSlope. */
  alpha?: number;
}

export class LeakyReLU extends ElementwiseActivation {
  static override className = 'LeakyReLU';
  static override readonly argKeys: readonly string[] = layerArgKeys<LeakyReLUArgs>({
    negativeSlope: true,
    alpha: true,
  });
  readonly negativeSlope: number;
  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    const where = `LeakyReLU '${this.name}'`;
    if (args.alpha !== undefined && args.negativeSlope !== undefined)
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: pass negativeSlope or its older name alpha, not both`,
      );
    this.negativeSlope = checkNumber(
      args.negativeSlope ?? args.alpha ?? 0.3,
      'negativeSlope',
      where,
      0,
    );
  }
  call(inputs: LayerTensors): Tensor {
    return leakyRelu(this.single(inputs), this.negativeSlope);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }
}
registerLayer(LeakyReLU);

export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part: alpha * (exp(x) - 1) for x < 0. Default 1. */
  alpha?: number;
}

export class ELU extends ElementwiseActivation {
  static override className = 'ELU';
  static override readonly argKeys: readonly string[] = layerArgKeys<ELUArgs>({ alpha: true });
  readonly alpha: number;
  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = checkNumber(args.alpha ?? 1, 'alpha', `ELU '${this.name}'`);
  }
  call(inputs: LayerTensors): Tensor {
    const x = this.single(inputs);
    if (this.alpha === 1) return elu(x);
    return where(greater(x, 0), x, mul(this.alpha, elu(x)));
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
registerLayer(ELU);

export interface ThresholdedReLUArgs extends LayerArgs {
  /** f(x) = x for x > theta, else 0. Default 1. */
  theta?: number;
}

export class ThresholdedReLU extends ElementwiseActivation {
  static override className = 'ThresholdedReLU';
  static override readonly argKeys: readonly string[] = layerArgKeys<ThresholdedReLUArgs>({
    theta: true,
  });
  readonly theta: number;
  constructor(args: ThresholdedReLUArgs = {}) {
    super(args);
    this.theta = checkNumber(args.theta ?? 1, 'theta', `ThresholdedReLU '${this.name}'`, 0);
  }
  call(inputs: LayerTensors): Tensor {
    const x = this.single(inputs);
    return mul(x, cast(greater(x, this.theta), 'float32'));
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), theta: this.theta };
  }
}
registerLayer(ThresholdedReLU);

export interface SoftmaxArgs extends LayerArgs {
  /** The axis normalized over. Default -1. */
  axis?: number;
}

/** Softmax over `axis` (a mask on the input passes through; it does not enter the softmax). */
export class Softmax extends ElementwiseActivation {
  static override className = 'Softmax';
  static override readonly argKeys: readonly string[] = layerArgKeys<SoftmaxArgs>({ axis: true });
  readonly axis: number;
  constructor(args: SoftmaxArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis))
      throw new LaminaRangeError(
        'invalid-argument',
        `Softmax '${this.name}': Invalid value for argument axis: expected an integer. Received: axis=${showValue(axis)}`,
      );
    this.axis = axis;
  }
  call(inputs: LayerTensors): Tensor {
    return softmax(this.single(inputs), this.axis);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerLayer(Softmax);

export interface PReLUArgs extends LayerArgs {
  alphaInitializer?: InitializerIdentifier;
  alphaRegularizer?: RegularizerIdentifier;
  alphaConstraint?: ConstraintIdentifier | null;
  /** Axes along which alpha is shared (e.g. the spatial axes of a feature map), 1-based. */
  sharedAxes?: number | readonly number[] | null;
}

/** Parametric ReLU: max(x, 0) + alpha * min(x, 0), alpha learned per unit. */
export class PReLU extends ElementwiseActivation {
  static override className = 'PReLU';
  static override readonly argKeys: readonly string[] = layerArgKeys<PReLUArgs>({
    alphaInitializer: true,
    alphaRegularizer: true,
    alphaConstraint: true,
    sharedAxes: true,
  });
  readonly sharedAxes: readonly number[];
  private readonly alphaParams: WeightParams;
  constructor(args: PReLUArgs = {}) {
    super(args);
    const where = `PReLU '${this.name}'`;
    this.alphaParams = new WeightParams(
      {
        initializer: args.alphaInitializer,
        regularizer: args.alphaRegularizer,
        constraint: args.alphaConstraint,
      },
      'zeros',
      where,
    );
    const shared = args.sharedAxes ?? [];
    this.sharedAxes = typeof shared === 'number' ? [shared] : [...shared];
    for (const a of this.sharedAxes)
      if (!Number.isInteger(a) || a < 1)
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: Invalid value for argument sharedAxes: expected axes >= 1 (axis 0 is the batch). Received: sharedAxes=${showJson(args.sharedAxes)}`,
        );
  }
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = `PReLU '${this.name}'`;
    const shape = singleInput(inputShape, where);
    const alphaShape = shape.slice(1).map((d, i) => {
      if (this.sharedAxes.includes(i + 1)) return 1;
      if (d === null)
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: dimension ${i + 1} of the input is unknown: share it (sharedAxes) or give the input shape`,
        );
      return d;
    });
    this.alphaParams.create(this, 'alpha', alphaShape);
  }
  call(inputs: LayerTensors): Tensor {
    const x = this.single(inputs);
    const alpha = this.alphaParams.weight as Tensor;
    return add(relu(x), mul(neg(alpha), relu(neg(x))));
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      ...this.alphaParams.config('alpha'),
      shared_axes: this.sharedAxes.length === 0 ? null : [...this.sharedAxes],
    };
  }
}
registerLayer(PReLU);
