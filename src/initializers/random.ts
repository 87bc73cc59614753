import { canonicalName, type JsonObject } from '../serialization/keras-object.js';
import { randomNormal, randomUniform, truncatedNormal } from '../ops/random.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  checkFinite,
  checkFloatDType,
  checkNonNegative,
  checkSeed,
  checkShape,
  Initializer,
} from './initializer.js';
import { invalidArgument } from '../serialization/keras-object.js';
import { LaminaRangeError } from '../errors.js';

/**
 * Seeds, as in Keras: an initializer given a seed makes the same values on every call; one
 * without a seed draws a new generator from the global stream on each call (`setSeed` makes a
 * run reproducible).
 */
export interface SeedOptions {
  seed?: number;
}

export interface RandomNormalOptions extends SeedOptions {
  /** 0 by default. */
  mean?: number;
  /** 0.05 by default. */
  stddev?: number;
}

/** Normal values with `mean` and `stddev`. */
export class RandomNormal extends Initializer {
  readonly className = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed: number | undefined;
  constructor({ mean = 0, stddev = 0.05, seed }: RandomNormalOptions = {}) {
    super();
    this.mean = checkFinite(mean, 'mean', 'RandomNormal');
    this.stddev = checkNonNegative(stddev, 'stddev', 'RandomNormal');
    this.seed = checkSeed(seed, 'RandomNormal');
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(dtype, 'RandomNormal');
    return randomNormal(checkShape(shape, 'RandomNormal'), this.mean, this.stddev, this.seed);
  }
  getConfig(): { mean: number; stddev: number; seed: number | null } {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null };
  }
}

/** Normal values with `mean` and `stddev`, redrawn where beyond two `stddev` of the mean. */
export class TruncatedNormal extends Initializer {
  readonly className = 'TruncatedNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed: number | undefined;
  constructor({ mean = 0, stddev = 0.05, seed }: RandomNormalOptions = {}) {
    super();
    this.mean = checkFinite(mean, 'mean', 'TruncatedNormal');
    this.stddev = checkNonNegative(stddev, 'stddev', 'TruncatedNormal');
    this.seed = checkSeed(seed, 'TruncatedNormal');
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(dtype, 'TruncatedNormal');
    return truncatedNormal(checkShape(shape, 'TruncatedNormal'), this.mean, this.stddev, this.seed);
  }
  getConfig(): { mean: number; stddev: number; seed: number | null } {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null };
  }
}

export interface RandomUniformOptions extends SeedOptions {
  /** -0.05 by default. */
  minval?: number;
  /** 0.05 by default. */
  maxval?: number;
}

/** Uniform values in [minval, maxval). */
export class RandomUniform extends Initializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  readonly seed: number | undefined;
  constructor({ minval = -0.05, maxval = 0.05, seed }: RandomUniformOptions = {}) {
    super();
    this.minval = checkFinite(minval, 'minval', 'RandomUniform');
    this.maxval = checkFinite(maxval, 'maxval', 'RandomUniform');
    if (this.minval > this.maxval) {
      throw new LaminaRangeError(
        'invalid-argument',
        `RandomUniform: Invalid value for argument minval: expected minval <= maxval. Received: minval=${minval}, maxval=${maxval}`,
      );
    }
    this.seed = checkSeed(seed, 'RandomUniform');
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(dtype, 'RandomUniform');
    return randomUniform(checkShape(shape, 'RandomUniform'), this.minval, this.maxval, this.seed);
  }
  getConfig(): { minval: number; maxval: number; seed: number | null } {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed ?? null };
  }
}

/**
 * Keras's fan-in and fan-out of a weight shape: rank 0 gives (1, 1); rank 1 gives (n, n);
 * rank 2 gives (rows, cols); a convolution kernel `[...spatial, in, out]` gives
 * (in * receptive field, out * receptive field), the receptive field being the product of the
 * spatial dimensions.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const rank = shape.length;
  if (rank === 0) return { fanIn: 1, fanOut: 1 };
  if (rank === 1) return { fanIn: shape[0] as number, fanOut: shape[0] as number };
  if (rank === 2) return { fanIn: shape[0] as number, fanOut: shape[1] as number };
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return {
    fanIn: (shape[rank - 2] as number) * receptiveField,
    fanOut: (shape[rank - 1] as number) * receptiveField,
  };
}

export type VarianceScalingMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VarianceScalingDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

export interface VarianceScalingOptions extends SeedOptions {
  /** Positive; 1 by default. */
  scale?: number;
  /**
   * 'fan_in' (default), 'fan_out' or 'fan_avg'; TensorFlow.js's 'fanIn', 'fanOut' and 'fanAvg'
   * are read as these.
   */
  mode?: VarianceScalingMode | 'fanIn' | 'fanOut' | 'fanAvg';
  /**
   * 'truncated_normal' (default), 'untruncated_normal' or 'uniform'; 'normal' means
   * 'truncated_normal', as in Keras, and camelCase spellings are accepted.
   */
  distribution?: VarianceScalingDistribution | 'normal' | 'truncatedNormal' | 'untruncatedNormal';
}

const MODES: Record<string, VarianceScalingMode> = {
  fanin: 'fan_in',
  fanout: 'fan_out',
  fanavg: 'fan_avg',
};
const DISTRIBUTIONS: Record<string, VarianceScalingDistribution> = {
  truncatednormal: 'truncated_normal',
  normal: 'truncated_normal',
  untruncatednormal: 'untruncated_normal',
  uniform: 'uniform',
};

/** The stddev of a truncated standard normal cut at two standard deviations. */
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * Values whose variance is `scale / n`, n being fan_in, fan_out or their mean (at least 1):
 * truncated normal with stddev sqrt(scale / n) / 0.8796 (so sqrt(scale / n) after truncation),
 * untruncated normal with stddev sqrt(scale / n), or uniform in [-limit, limit) with
 * limit = sqrt(3 * scale / n).
 */
export class VarianceScaling extends Initializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: VarianceScalingMode;
  readonly distribution: VarianceScalingDistribution;
  readonly seed: number | undefined;
  constructor(
    {
      scale = 1,
      mode = 'fan_in',
      distribution = 'truncated_normal',
      seed,
    }: VarianceScalingOptions = {},
    /** The class named in error messages (the presets pass their own). */
    where = 'VarianceScaling',
  ) {
    super();
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
      throw invalidArgument(where, 'scale', 'a positive number', scale);
    }
    this.scale = scale;
    const m =
      typeof mode === 'string' && Object.hasOwn(MODES, canonicalName(mode))
        ? MODES[canonicalName(mode)]
        : undefined;
    if (m === undefined)
      throw invalidArgument(where, 'mode', "one of 'fan_in', 'fan_out', 'fan_avg'", mode);
    this.mode = m;
    const d =
      typeof distribution === 'string' && Object.hasOwn(DISTRIBUTIONS, canonicalName(distribution))
        ? DISTRIBUTIONS[canonicalName(distribution)]
        : undefined;
    if (d === undefined) {
      throw invalidArgument(
        where,
        'distribution',
        "one of 'truncated_normal', 'untruncated_normal', 'uniform'",
        distribution,
      );
    }
    this.distribution = d;
    this.seed = checkSeed(seed, where);
  }

  /** The variance the values have for `shape`: scale / max(1, n). */
  varianceFor(shape: readonly number[]): number {
    const { fanIn, fanOut } = computeFans(shape);
    const n =
      this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    return this.scale / Math.max(1, n);
  }

  generate(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(dtype, this.className);
    const s = checkShape(shape, this.className);
    const variance = this.varianceFor(s);
    switch (this.distribution) {
      case 'truncated_normal':
        return truncatedNormal(s, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, this.seed);
      case 'untruncated_normal':
        return randomNormal(s, 0, Math.sqrt(variance), this.seed);
      case 'uniform': {
        const limit = Math.sqrt(3 * variance);
        return randomUniform(s, -limit, limit, this.seed);
      }
    }
  }

  getConfig(): JsonObject {
    return {
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
      seed: this.seed ?? null,
    };
  }
}

/** A VarianceScaling preset: serialized under its own name with only its seed. */
abstract class VarianceScalingPreset extends VarianceScaling {
  override getConfig(): JsonObject {
    return { seed: this.seed ?? null };
  }
}

/** Uniform in [-limit, limit), limit = sqrt(6 / (fan_in + fan_out)) (Xavier uniform). */
export class GlorotUniform extends VarianceScalingPreset {
  override readonly className = 'GlorotUniform';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed }, 'GlorotUniform');
  }
}

/** Truncated normal with stddev sqrt(2 / (fan_in + fan_out)) after truncation (Xavier normal). */
export class GlorotNormal extends VarianceScalingPreset {
  override readonly className = 'GlorotNormal';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed }, 'GlorotNormal');
  }
}

/** Truncated normal with stddev sqrt(2 / fan_in) after truncation. */
export class HeNormal extends VarianceScalingPreset {
  override readonly className = 'HeNormal';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed }, 'HeNormal');
  }
}

/** Uniform in [-limit, limit), limit = sqrt(6 / fan_in). */
export class HeUniform extends VarianceScalingPreset {
  override readonly className = 'HeUniform';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed }, 'HeUniform');
  }
}

/** Truncated normal with stddev sqrt(1 / fan_in) after truncation. */
export class LecunNormal extends VarianceScalingPreset {
  override readonly className = 'LecunNormal';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed }, 'LecunNormal');
  }
}

/** Uniform in [-limit, limit), limit = sqrt(3 / fan_in). */
export class LecunUniform extends VarianceScalingPreset {
  override readonly className = 'LecunUniform';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_in', distribution: 'uniform', seed }, 'LecunUniform');
  }
}
