/** Layers that act only in training: dropout and noise. At inference they return the input. */
import { mul, add, sub } from '../../ops/elementwise.js';
import { cast, greaterEqual } from '../../ops/elementwise.js';
import { dropoutMask, randomNormal, randomUniform } from '../../ops/random.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type CallOptions, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { SeedStream } from '../base/seed-stream.js';
import type { SymbolicShape } from '../base/symbolic.js';
import { checkRank, checkRate, singleInput } from '../base/args.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

/** Identity in shape: shared by every layer here. */
abstract class NoiseLayer extends Layer {
  override readonly supportsMasking: boolean = true;
  protected readonly seeds: SeedStream;
  constructor(args: LayerArgs & { seed?: number }) {
    super(args);
    this.seeds = new SeedStream(args.seed ?? undefined, this);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return singleInput(inputShape, `${this.className} '${this.name}'`);
  }
  call(inputs: LayerTensors, options: CallOptions): Tensor {
    const x = singleInput(inputs, `${this.className} '${this.name}'`);
    return options.training === true ? this.noisy(x) : x;
  }
  protected abstract noisy(x: Tensor): Tensor;
  override getConfig(): JsonObject {
    return { ...super.getConfig(), seed: this.seeds.seed ?? null };
  }
}

export interface DropoutArgs extends LayerArgs {
  rate: number;
  /** Shape of the mask, broadcast against the input; null entries take the input's size. */
  noiseShape?: readonly (number | null)[];
  seed?: number;
}

/** Zeroes each element with probability `rate` in training and scales the rest by 1/(1-rate). */
export class Dropout extends NoiseLayer {
  static override className = 'Dropout';
  static override readonly argKeys: readonly string[] = layerArgKeys<DropoutArgs>({
    rate: true,
    noiseShape: true,
    seed: true,
  });
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  constructor(args: DropoutArgs) {
    super(args);
    this.rate = checkRate(args.rate, 'rate', `${this.className} '${this.name}'`);
    this.noiseShape = checkNoiseShape(args.noiseShape, `${this.className} '${this.name}'`);
  }
  protected maskShape(x: Tensor): number[] {
    if (this.noiseShape === null) return [...x.shape];
    if (this.noiseShape.length !== x.rank) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.className} '${this.name}': noiseShape has rank ${this.noiseShape.length}, the input has rank ${x.rank}`,
      );
    }
    return this.noiseShape.map((d, i) => d ?? (x.shape[i] as number));
  }
  protected noisy(x: Tensor): Tensor {
    if (this.rate === 0) return x;
    return mul(x, dropoutMask(this.maskShape(x), this.rate, this.seeds.next()));
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      rate: this.rate,
      noise_shape: this.noiseShape === null ? null : [...this.noiseShape],
    };
  }
}
registerLayer(Dropout);

/** Drops whole feature maps: the mask is [batch, 1, channels] (channels last). */
export class SpatialDropout1D extends Dropout {
  static override className = 'SpatialDropout1D';
  static override readonly argKeys: readonly string[] = layerArgKeys<RateArgs>({
    rate: true,
    seed: true,
  });
  constructor(args: Omit<DropoutArgs, 'noiseShape'>) {
    super(args);
  }
  protected override maskShape(x: Tensor): number[] {
    checkRank(x, 3, `${this.className} '${this.name}'`);
    return [x.shape[0] as number, 1, x.shape[2] as number];
  }
}
registerLayer(SpatialDropout1D);

/** Drops whole feature maps: the mask is [batch, 1, 1, channels] (channels last). */
export class SpatialDropout2D extends Dropout {
  static override className = 'SpatialDropout2D';
  static override readonly argKeys: readonly string[] = layerArgKeys<RateArgs>({
    rate: true,
    seed: true,
  });
  constructor(args: Omit<DropoutArgs, 'noiseShape'>) {
    super(args);
  }
  protected override maskShape(x: Tensor): number[] {
    checkRank(x, 4, `${this.className} '${this.name}'`);
    return [x.shape[0] as number, 1, 1, x.shape[3] as number];
  }
}
registerLayer(SpatialDropout2D);

export interface GaussianNoiseArgs extends LayerArgs {
  stddev: number;
  seed?: number;
}

/** Adds zero-mean Gaussian noise of standard deviation `stddev` in training. */
export class GaussianNoise extends NoiseLayer {
  static override className = 'GaussianNoise';
  static override readonly argKeys: readonly string[] = layerArgKeys<GaussianNoiseArgs>({
    stddev: true,
    seed: true,
  });
  readonly stddev: number;
  constructor(args: GaussianNoiseArgs) {
    super(args);
    if (typeof args.stddev !== 'number' || !(args.stddev >= 0) || !Number.isFinite(args.stddev)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `GaussianNoise '${this.name}': Invalid value for argument stddev: expected a non-negative float. Received: stddev=${showValue(args.stddev)}`,
      );
    }
    this.stddev = args.stddev;
  }
  protected noisy(x: Tensor): Tensor {
    return add(x, randomNormal(x.shape, 0, this.stddev, this.seeds.next()));
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}
registerLayer(GaussianNoise);

export interface RateArgs extends LayerArgs {
  rate: number;
  seed?: number;
}

/** Multiplies by Gaussian noise of mean 1 and standard deviation sqrt(rate / (1 - rate)). */
export class GaussianDropout extends NoiseLayer {
  static override className = 'GaussianDropout';
  static override readonly argKeys: readonly string[] = layerArgKeys<RateArgs>({
    rate: true,
    seed: true,
  });
  readonly rate: number;
  constructor(args: RateArgs) {
    super(args);
    this.rate = checkRate(args.rate, 'rate', `GaussianDropout '${this.name}'`);
  }
  protected noisy(x: Tensor): Tensor {
    if (this.rate === 0) return x;
    return mul(
      x,
      randomNormal(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate)), this.seeds.next()),
    );
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate };
  }
}
registerLayer(GaussianDropout);

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Dropout for self-normalizing (SELU) networks: dropped units are set to SELU's negative
 * saturation value, then an affine correction keeps mean and variance (Keras's formula).
 */
export class AlphaDropout extends NoiseLayer {
  static override className = 'AlphaDropout';
  static override readonly argKeys: readonly string[] = layerArgKeys<DropoutArgs>({
    rate: true,
    noiseShape: true,
    seed: true,
  });
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  constructor(args: RateArgs & { noiseShape?: readonly (number | null)[] }) {
    super(args);
    this.rate = checkRate(args.rate, 'rate', `AlphaDropout '${this.name}'`);
    this.noiseShape = checkNoiseShape(args.noiseShape, `AlphaDropout '${this.name}'`);
  }
  protected noisy(x: Tensor): Tensor {
    if (this.rate === 0) return x;
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const shape =
      this.noiseShape === null
        ? x.shape
        : this.noiseShape.map((d, i) => d ?? (x.shape[i] as number));
    const kept = cast(
      greaterEqual(randomUniform(shape, 0, 1, this.seeds.next()), this.rate),
      'float32',
    );
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    const dropped = add(mul(x, kept), mul(sub(1, kept), alphaP));
    return add(mul(dropped, a), b);
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      rate: this.rate,
      noise_shape: this.noiseShape === null ? null : [...this.noiseShape],
    };
  }
}
registerLayer(AlphaDropout);

/** noiseShape: absent, or one entry per input axis, each a positive integer or null (the input's). */
function checkNoiseShape(
  value: readonly (number | null)[] | null | undefined,
  where: string,
): readonly (number | null)[] | null {
  if (value === undefined || value === null) return null;
  if (
    !Array.isArray(value) ||
    !value.every((d: unknown) => d === null || (Number.isInteger(d) && (d as number) > 0))
  )
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: noiseShape must be a list of positive integers or nulls (one per input axis), received ${showValue(value)}`,
    );
  return [...value];
}
