import { noGrad } from '../../autograd/grad.js';
import { stopGradient } from '../../engine/engine.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
} from '../../initializers/index.js';
import { add, mul, rsqrt, sub } from '../../ops/elementwise.js';
import { reshape } from '../../ops/movement.js';
import { moments } from '../../ops/reduction.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { initializerConfig, registerLayer } from '../base/config.js';
import { Layer, type CallOptions, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { checkBoolean, singleInput } from '../base/args.js';
import { AFFINE_ARG_KEYS, Affine, checkInteger, checkNumber, type AffineArgs } from './util.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';

export interface BatchNormalizationArgs extends LayerArgs, AffineArgs {
  /** The features axis (normalized per feature). Defaults to -1. */
  axis?: number;
  /** Momentum of the moving statistics. Defaults to 0.99. */
  momentum?: number;
  /** Added to the variance before the square root. Defaults to 1e-3. */
  epsilon?: number;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  /** Keras's cross-replica flag; lamina runs on one device, so it has no effect. */
  synchronized?: boolean;
}

/**
 * Normalizes each feature (along `axis`) to zero mean and unit variance, then scales by gamma and
 * offsets by beta. In training (`training: true`) it uses the batch's mean and biased variance
 * over every other axis and updates `moving = moving * momentum + batch * (1 - momentum)`; at
 * inference it uses the moving statistics. A frozen layer (`trainable = false`) always runs in
 * inference mode, as in Keras 3.
 */
export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';
  static override readonly argKeys: readonly string[] = [
    ...AFFINE_ARG_KEYS,
    ...layerArgKeys<Omit<BatchNormalizationArgs, keyof AffineArgs>>({
      axis: true,
      momentum: true,
      epsilon: true,
      movingMeanInitializer: true,
      movingVarianceInitializer: true,
      synchronized: true,
    }),
  ];
  override readonly supportsMasking: boolean = true;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly synchronized: boolean;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  private readonly affine: Affine;
  movingMean: LayerWeight | null = null;
  movingVariance: LayerWeight | null = null;
  /** Input rank and normalized axis (non-negative), set by build. */
  private builtRank = -1;
  private builtAxis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const where = this.where;
    this.axis = checkInteger(args.axis ?? -1, 'axis', where);
    this.momentum = checkNumber(args.momentum, 'momentum', where, 0.99, 0, 1);
    this.epsilon = checkNumber(args.epsilon, 'epsilon', where, 1e-3, 0);
    this.synchronized = checkBoolean(args.synchronized, 'synchronized', where, false);
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer ?? 'zeros', where);
    this.movingVarianceInitializer = getInitializer(
      args.movingVarianceInitializer ?? 'ones',
      where,
    );
    this.affine = new Affine(args, where);
  }

  private get where(): string {
    return `BatchNormalization '${this.name}'`;
  }

  get center(): boolean {
    return this.affine.center;
  }
  get scale(): boolean {
    return this.affine.scale;
  }
  get gamma(): LayerWeight | null {
    return this.affine.gamma;
  }
  get beta(): LayerWeight | null {
    return this.affine.beta;
  }

  private resolveAxis(shape: SymbolicShape): number {
    const rank = shape.length;
    if (this.axis < -rank || this.axis >= rank) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: Invalid axis ${this.axis} for an input of rank ${rank} (shape ${formatSymbolicShape(shape)})`,
      );
    }
    return this.axis < 0 ? this.axis + rank : this.axis;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = this.where;
    const shape = singleInput(inputShape, where);
    const axis = this.resolveAxis(shape);
    const dim = shape[axis];
    if (dim === null || dim === undefined) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: Axis ${this.axis} of the input should have a defined dimension, but the layer received an input with shape ${formatSymbolicShape(shape)}`,
      );
    }
    if (this.scale) this.affine.addGamma(this, [dim]);
    if (this.center) this.affine.addBeta(this, [dim]);
    this.movingMean = this.addWeight({
      name: 'moving_mean',
      shape: [dim],
      initializer: this.movingMeanInitializer,
      trainable: false,
    });
    this.movingVariance = this.addWeight({
      name: 'moving_variance',
      shape: [dim],
      initializer: this.movingVarianceInitializer,
      trainable: false,
    });
    this.builtRank = shape.length;
    this.builtAxis = axis;
  }

  call(inputs: LayerTensors, options: CallOptions): Tensor {
    const x = singleInput(inputs, this.where);
    const movingMean = this.movingMean as LayerWeight;
    const movingVariance = this.movingVariance as LayerWeight;
    const dim = movingMean.shape[0] as number;
    if (x.rank !== this.builtRank || x.shape[this.builtAxis] !== dim) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: expected an input of rank ${this.builtRank} with ${dim} features on axis ${this.axis}, received shape ${formatShape(x.shape)}`,
      );
    }
    const axis = this.builtAxis;
    const last = axis === x.rank - 1;
    const paramShape = x.shape.map((d, i) => (i === axis ? d : 1));
    const bcast = (t: Tensor): Tensor => (last ? t : reshape(t, paramShape));
    let mean: Tensor;
    let variance: Tensor;
    if (options.training === true && this.trainable) {
      const reduction = x.shape.map((_, i) => i).filter((i) => i !== axis);
      ({ mean, variance } = moments(x, reduction, !last));
      const batchMean = stopGradient(mean);
      const batchVariance = stopGradient(variance);
      noGrad(() => {
        const m = this.momentum;
        const update = (w: LayerWeight, batch: Tensor): void =>
          w.assign(add(mul(w, m), mul(reshape(batch, [dim]), 1 - m)));
        update(movingMean, batchMean);
        update(movingVariance, batchVariance);
      });
    } else {
      mean = bcast(movingMean);
      variance = bcast(movingVariance);
    }
    let inv = rsqrt(add(variance, this.epsilon));
    if (this.gamma !== null) inv = mul(inv, bcast(this.gamma));
    let y = mul(sub(x, mean), inv);
    if (this.beta !== null) y = add(y, bcast(this.beta));
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleInput(inputShape, this.where);
    this.resolveAxis(shape);
    return shape;
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      ...this.affine.config(),
      moving_mean_initializer: initializerConfig(this.movingMeanInitializer),
      moving_variance_initializer: initializerConfig(this.movingVarianceInitializer),
      synchronized: this.synchronized,
    };
  }
}
registerLayer(BatchNormalization);
