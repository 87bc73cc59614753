import { add, mul, neg, rsqrt } from '../../ops/elementwise.js';
import { reshape } from '../../ops/movement.js';
import { moments, variance } from '../../ops/reduction.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { checkBoolean, singleInput } from '../base/args.js';
import { AFFINE_ARG_KEYS, Affine, checkInteger, checkNumber, type AffineArgs } from './util.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';

export interface LayerNormalizationArgs extends LayerArgs, AffineArgs {
  /** The axis or axes normalized together (per sample). Defaults to -1. */
  axis?: number | readonly number[];
  /** Added to the variance before the square root. Defaults to 1e-3. */
  epsilon?: number;
  /**
   * Scale by gamma and the inverse standard deviation only (no offset; `center` is ignored).
   * As Keras 3 computes it, the denominator is the variance over `axis` (not the mean of
   * squares), and the numerator is the uncentered input.
   */
  rmsScaling?: boolean;
}

/**
 * Normalizes each sample over `axis` to zero mean and unit variance, then scales by gamma and
 * offsets by beta (weights shaped like the normalized dimensions). Unlike BatchNormalization it
 * behaves the same in training and at inference.
 */
export class LayerNormalization extends Layer {
  static override className = 'LayerNormalization';
  static override readonly argKeys: readonly string[] = [
    ...AFFINE_ARG_KEYS,
    ...layerArgKeys<Omit<LayerNormalizationArgs, keyof AffineArgs>>({
      axis: true,
      epsilon: true,
      rmsScaling: true,
    }),
  ];
  override readonly supportsMasking: boolean = true;
  /** As given: a number or a list (the config keeps the form). */
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly rmsScaling: boolean;
  private readonly affine: Affine;
  /** Normalized axes (sorted, non-negative) and input rank, set by build. */
  private axes: number[] = [];
  private builtRank = -1;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const where = this.where;
    const axis = args.axis ?? -1;
    if (Array.isArray(axis)) {
      if (axis.length === 0) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: Invalid value for argument axis: expected an integer or a non-empty list of integers. Received: axis=[]`,
        );
      }
      this.axis = axis.map((a: unknown) => checkInteger(a, 'axis', where));
    } else {
      this.axis = checkInteger(axis, 'axis', where);
    }
    this.epsilon = checkNumber(args.epsilon, 'epsilon', where, 1e-3, 0);
    this.rmsScaling = checkBoolean(args.rmsScaling, 'rmsScaling', where, false);
    this.affine = new Affine(args, where);
  }

  private get where(): string {
    return `LayerNormalization '${this.name}'`;
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

  private resolveAxes(shape: SymbolicShape): number[] {
    const rank = shape.length;
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const out = new Set<number>();
    for (const a of list) {
      if (a < -rank || a >= rank) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${this.where}: Invalid axis ${a} for an input of rank ${rank} (shape ${formatSymbolicShape(shape)})`,
        );
      }
      const n = a < 0 ? a + rank : a;
      if (out.has(n))
        throw new LaminaRangeError('invalid-argument', `${this.where}: axis ${a} is given twice`);
      out.add(n);
    }
    return [...out].sort((p, q) => p - q);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = this.where;
    const shape = singleInput(inputShape, where);
    const axes = this.resolveAxes(shape);
    const paramShape = axes.map((a) => {
      const d = shape[a];
      if (d === null || d === undefined) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: axis ${a} of the input should have a defined dimension, but the layer received an input with shape ${formatSymbolicShape(shape)}`,
        );
      }
      return d;
    });
    if (this.scale || this.rmsScaling) this.affine.addGamma(this, paramShape);
    if (this.center && !this.rmsScaling) this.affine.addBeta(this, paramShape);
    this.axes = axes;
    this.builtRank = shape.length;
  }

  call(inputs: LayerTensors): Tensor {
    const x = singleInput(inputs, this.where);
    const axes = this.axes;
    const mismatch =
      x.rank !== this.builtRank ||
      (this.gamma ?? this.beta)?.shape.some((d, i) => x.shape[axes[i] as number] !== d);
    if (mismatch === true) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: expected an input of rank ${this.builtRank} matching the normalized dimensions [${(this.gamma ?? this.beta)?.shape.join(',') ?? ''}] on axes [${axes.join(',')}], received shape ${formatShape(x.shape)}`,
      );
    }
    const onlyLast = axes.length === 1 && axes[0] === x.rank - 1;
    const paramShape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const bcast = (w: Tensor): Tensor => (onlyLast ? w : reshape(w, paramShape));
    if (this.rmsScaling) {
      const inv = rsqrt(add(variance(x, axes, true), this.epsilon));
      return mul(mul(x, inv), bcast(this.gamma as LayerWeight));
    }
    const { mean, variance: v } = moments(x, axes, true);
    let inv = rsqrt(add(v, this.epsilon));
    if (this.gamma !== null) inv = mul(inv, bcast(this.gamma));
    let offset = neg(mul(mean, inv));
    if (this.beta !== null) offset = add(offset, bcast(this.beta));
    return add(mul(x, inv), offset);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleInput(inputShape, this.where);
    this.resolveAxes(shape);
    return shape;
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      axis: typeof this.axis === 'number' ? this.axis : [...this.axis],
      epsilon: this.epsilon,
      ...this.affine.config(),
      rms_scaling: this.rmsScaling,
    };
  }
}
registerLayer(LayerNormalization);
