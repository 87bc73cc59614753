/**
 * Stateful metrics. State is kept in float64 JS numbers, so an epoch's result is exact: a mean
 * metric is sum(weighted values) / sum(weights) over every sample seen, never a mean of batch
 * means.
 */
import { asFloat, squeezeOrExpand, shapeStr, type LossFn } from '../losses/loss.js';
import type { TensorLike } from '../ops/convert.js';
import { broadcastTo } from '../ops/movement.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { Tensor } from '../tensor/tensor.js';
import { LaminaError, LaminaTypeError } from '../errors.js';

export interface MetricArgs {
  name?: string;
}

/**
 * A metric: `updateState` accumulates over batches, `result` reads the value so far, and
 * `resetState` starts over (at each epoch). Subclass it with `className` and the three methods.
 */
export abstract class Metric {
  abstract readonly className: string;
  readonly name: string;
  readonly dtype = 'float32';

  constructor(defaultName: string, args: MetricArgs = {}) {
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name.length === 0))
      throw new LaminaTypeError(
        'invalid-argument',
        `${defaultName}: name must be a non-empty string`,
      );
    this.name = args.name ?? defaultName;
  }

  abstract updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void;
  abstract result(): number;
  abstract resetState(): void;

  /**
   * The accumulated state as numbers, so that a checkpoint saved in the middle of an epoch
   * resumes the epoch's metric values exactly; null when the metric cannot give it (the
   * default, so a custom metric resumes counting from the resumed batch, with a warning).
   */
  getState(): number[] | null {
    return null;
  }

  /** Puts back what `getState` returned. */
  setState(state: readonly number[]): void {
    throw new LaminaError(
      'unsupported',
      `${this.className} '${this.name}': this metric cannot restore a saved state (received ${state.length} numbers)`,
    );
  }

  /** `state`, checked to hold `length` numbers, for setState. */
  protected checkState(state: readonly number[], length: number): readonly number[] {
    if (state.length !== length || state.some((v) => typeof v !== 'number'))
      throw new LaminaError(
        'invalid-config',
        `${this.className} '${this.name}': a saved metric state must be ${length} numbers, received ${state.length} values`,
      );
    return state;
  }

  getConfig(): JsonObject {
    return { name: this.name, dtype: this.dtype };
  }
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Means over the axes from `rank` on, in float64: shape becomes shape.slice(0, rank). */
function meanTrailing(data: ArrayLike<number>, shape: readonly number[], rank: number): number[] {
  const inner = product(shape.slice(rank));
  const outer = product(shape.slice(0, rank));
  const out = new Array<number>(outer).fill(0);
  if (inner === 0) return out.fill(NaN);
  for (let i = 0; i < outer; i++) {
    let s = 0;
    for (let j = 0; j < inner; j++) s += data[i * inner + j] as number;
    out[i] = s / inner;
  }
  return out;
}

/**
 * Keras's `Mean.update_state` with `reduce_to_samplewise_values`: values are averaged down to the
 * weights' rank, weighted, then averaged to one value per sample; the count grows by the number
 * of samples, or by the sum of the (per-sample averaged) weights.
 */
export function samplewiseTotals(
  values: Tensor,
  sampleWeight: Tensor | null,
  where: string,
): { total: number; count: number } {
  let v = values;
  if (sampleWeight === null) {
    if (v.rank === 0) return { total: v.dataSync()[0] as number, count: 1 };
    const perSample = meanTrailing(v.dataSync(), v.shape, 1);
    return { total: perSample.reduce((a, b) => a + b, 0), count: v.shape[0] as number };
  }
  let w = sampleWeight;
  [v, w] = squeezeOrExpand(v, w);
  const wRank = w.rank;
  const reduced = v.rank > wRank ? meanTrailing(v.dataSync(), v.shape, wRank) : [...v.dataSync()];
  const rShape = v.rank > wRank ? v.shape.slice(0, wRank) : v.shape;
  let wb: Float32Array | Int32Array | Uint8Array;
  try {
    wb = broadcastTo(w, rShape).dataSync();
  } catch {
    throw new LaminaError(
      'invalid-argument',
      `${where}: sampleWeight of shape ${shapeStr(sampleWeight.shape)} cannot be applied to values of shape ${shapeStr(values.shape)}`,
    );
  }
  const weighted = reduced.map((x, i) => x * (wb[i] as number));
  if (rShape.length <= 1) {
    return {
      total: weighted.reduce((a, b) => a + b, 0),
      count: Array.from(wb).reduce((a, b) => a + b, 0),
    };
  }
  const tot = meanTrailing(weighted, rShape, 1).reduce((a, b) => a + b, 0);
  const cnt = meanTrailing(Array.from(wb), rShape, 1).reduce((a, b) => a + b, 0);
  return { total: tot, count: cnt };
}

/** A weighted running mean: the base of Mean and MeanMetricWrapper. */
export abstract class MeanState extends Metric {
  protected total = 0;
  protected count = 0;

  protected accumulate(values: Tensor, sampleWeight?: TensorLike): void {
    const sw =
      sampleWeight === undefined ? null : asFloat(sampleWeight, this.className, 'sampleWeight');
    const { total, count } = samplewiseTotals(values, sw, this.className);
    this.total += total;
    this.count += count;
  }

  /** total / count, or 0 before any sample (Keras's divide_no_nan). */
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }

  override getState(): number[] {
    return [this.total, this.count];
  }

  override setState(state: readonly number[]): void {
    [this.total, this.count] = this.checkState(state, 2) as [number, number];
  }
}

/**
 * The weighted mean of the values given: `updateState(values, sampleWeight?)` (not
 * `(yTrue, yPred)`: use MeanMetricWrapper to average a function of the targets).
 */
export class Mean extends MeanState {
  readonly className: string = 'Mean';
  constructor(args: MetricArgs = {}) {
    super('mean', args);
  }
  updateState(values: TensorLike, sampleWeight?: TensorLike): void {
    this.accumulate(asFloat(values, this.className, 'values'), sampleWeight);
  }
}

/** The weighted mean of a per-sample function of (yTrue, yPred), e.g. a loss. */
export class MeanMetricWrapper extends MeanState {
  readonly className: string = 'MeanMetricWrapper';
  readonly fn: LossFn;
  constructor(fn: LossFn, args: MetricArgs = {}) {
    if (typeof fn !== 'function')
      throw new LaminaTypeError(
        'invalid-argument',
        `MeanMetricWrapper: fn must be a function, received ${typeof fn}`,
      );
    super(fn.name || 'mean_metric_wrapper', args);
    this.fn = fn;
  }
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    const values = this.fn(yTrue, yPred);
    if (!(values instanceof Tensor)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `metric ${this.name}: the function must return a Tensor of per-sample values, received ${typeof values}`,
      );
    }
    this.accumulate(asFloat(values, this.className, 'values'), sampleWeight);
  }
  override getConfig(): JsonObject {
    const config = super.getConfig();
    return this.className === 'MeanMetricWrapper' ? { ...config, fn: this.fn.name } : config;
  }
}
