/**
 * The numbers behind `diagnose`: statistics of weights and of layer outputs, computed in
 * float64 from the tensors' values.
 *
 * Definitions (a "unit" is one position of a sample's output: every index but the batch one,
 * so a Dense layer has `units` units and a Conv2D output [N, H, W, C] has H * W * C):
 *
 * - `saturatedFraction`: the fraction of output values (samples x units) in the flat region of
 *   a bounded activation, where its slope is below about 2% of its maximum:
 *   tanh and softsign |a| > 0.99; sigmoid and hard_sigmoid a < 0.01 or a > 0.99; relu6 a >= 6
 *   (the upper clamp); elu a < -0.99 and selu a < -0.99 * scale * alpha (the negative plateau).
 *   `null` for activations without such a region (linear, relu, leaky_relu, gelu, softmax, ...).
 * - `deadFraction`: the fraction of units whose activation passes no gradient for any sample of
 *   x: for relu and relu6, units that are exactly 0 for every sample (the classic dead ReLU);
 *   for the saturating activations above, units saturated for every sample. `null` otherwise.
 * - `sparsity`: the fraction of output values that are exactly 0 (what L1 activity penalties
 *   produce with ReLUs).
 */
import type { LayerWeight } from '../layers/base/weight.js';
import type { Tensor } from '../tensor/tensor.js';

/** |w| below this counts as near zero unless `diagnose` is given another `nearZero`. */
export const DEFAULT_NEAR_ZERO = 1e-3;
/** tanh, softsign: saturated where |a| exceeds this. */
export const TANH_SATURATION = 0.99;
/** sigmoid, hard_sigmoid: saturated outside [SIGMOID_LOW, SIGMOID_HIGH]. */
export const SIGMOID_LOW = 0.01;
export const SIGMOID_HIGH = 0.99;
/** elu / selu: saturated below this fraction of the negative plateau (-alpha, -scale*alpha). */
export const ELU_SATURATION = 0.99;
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export interface WeightStats {
  /** Full name, 'dense_1/kernel'. */
  readonly name: string;
  /** Name within the layer, 'kernel'. */
  readonly shortName: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
  readonly regularized: boolean;
  readonly meanAbs: number;
  readonly maxAbs: number;
  /** sqrt(sum w^2). */
  readonly l2Norm: number;
  /** Fraction of entries with |w| < nearZero. */
  readonly nearZeroFraction: number;
}

export interface ActivationStats {
  readonly shape: readonly number[];
  /** Output positions per sample. */
  readonly units: number;
  readonly meanAbs: number;
  readonly maxAbs: number;
  /** See the module comment; null where the activation has no flat region. */
  readonly saturatedFraction: number | null;
  /** See the module comment; null where the activation has no dead region. */
  readonly deadFraction: number | null;
  /** Fraction of output values exactly 0. */
  readonly sparsity: number;
}

/** Magnitude statistics of any tensor (used for pre-activations). */
export interface MagnitudeStats {
  readonly meanAbs: number;
  readonly maxAbs: number;
}

type Test = (a: number) => boolean;

/** The activation's name without case or underscores ('hard_sigmoid' -> 'hardsigmoid'). */
function canonical(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

/** The flat (saturated) region of an activation, by its name; null if it has none. */
export function saturationTest(activation: string | null): Test | null {
  switch (canonical(activation ?? 'linear')) {
    case 'tanh':
    case 'softsign':
      return (a) => Math.abs(a) > TANH_SATURATION;
    case 'sigmoid':
    case 'hardsigmoid':
      return (a) => a < SIGMOID_LOW || a > SIGMOID_HIGH;
    case 'relu6':
      return (a) => a >= 6;
    case 'elu':
      return (a) => a < -ELU_SATURATION;
    case 'selu':
      return (a) => a < -ELU_SATURATION * SELU_SCALE * SELU_ALPHA;
    default:
      return null;
  }
}

/** Whether a unit is dead for one sample's value; null where dead units are not defined. */
export function deadTest(activation: string | null): Test | null {
  const name = canonical(activation ?? 'linear');
  if (name === 'relu' || name === 'relu6') return (a) => a <= 0;
  return saturationTest(activation);
}

/** True for the ReLU family, whose dead units the advice names as such. */
export function isReluFamily(activation: string | null): boolean {
  const name = canonical(activation ?? '');
  return name === 'relu' || name === 'relu6';
}

export function magnitudeStats(values: ArrayLike<number>): MagnitudeStats {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i] as number);
    sum += a;
    if (a > max || Number.isNaN(a)) max = a;
  }
  return { meanAbs: values.length === 0 ? 0 : sum / values.length, maxAbs: max };
}

export function weightStats(weight: LayerWeight, nearZero: number): WeightStats {
  const values = weight.dataSync();
  const { meanAbs, maxAbs } = magnitudeStats(values);
  let squares = 0;
  let near = 0;
  for (let i = 0; i < values.length; i++) {
    const w = values[i] as number;
    squares += w * w;
    if (Math.abs(w) < nearZero) near++;
  }
  return {
    name: weight.name,
    shortName: weight.shortName,
    shape: [...weight.shape],
    trainable: weight.trainable,
    regularized: weight.regularizer !== null,
    meanAbs,
    maxAbs,
    l2Norm: Math.sqrt(squares),
    nearZeroFraction: values.length === 0 ? 0 : near / values.length,
  };
}

/** Statistics of a layer output [batch, ...] for the named activation. */
export function activationStats(output: Tensor, activation: string | null): ActivationStats {
  const values = output.dataSync();
  const samples = output.rank === 0 ? 1 : (output.shape[0] as number);
  const units = samples === 0 ? 0 : values.length / samples;
  const { meanAbs, maxAbs } = magnitudeStats(values);
  const saturated = saturationTest(activation);
  const dead = deadTest(activation);
  let zeros = 0;
  let nSaturated = 0;
  for (let i = 0; i < values.length; i++) {
    const a = values[i] as number;
    if (a === 0) zeros++;
    if (saturated !== null && saturated(a)) nSaturated++;
  }
  let nDead = 0;
  if (dead !== null) {
    for (let u = 0; u < units; u++) {
      let all = samples > 0;
      for (let s = 0; s < samples && all; s++) all = dead(values[s * units + u] as number);
      if (all) nDead++;
    }
  }
  const n = values.length;
  return {
    shape: [...output.shape],
    units,
    meanAbs,
    maxAbs,
    saturatedFraction: saturated === null ? null : n === 0 ? 0 : nSaturated / n,
    deadFraction: dead === null ? null : units === 0 ? 0 : nDead / units,
    sparsity: n === 0 ? 0 : zeros / n,
  };
}
