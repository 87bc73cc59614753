/**
 * The Loss base class: `call` gives per-sample losses, `apply` weights and reduces them exactly as
 * Keras 3's `Loss.__call__` does (`reduce_weighted_values`).
 */
import { add, cast, div, equal, mul, where } from '../ops/elementwise.js';
import { asTensor, type TensorLike } from '../ops/convert.js';
import { broadcastTo, expandDims, reshape, squeeze } from '../ops/movement.js';
import { sum } from '../ops/reduction.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { Tensor } from '../tensor/tensor.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export type Reduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'none';
const REDUCTIONS: readonly string[] = ['sum_over_batch_size', 'sum', 'mean', 'none'];

/** Keras's `backend.epsilon()`. */
export const EPSILON = 1e-7;

/** A function `(yTrue, yPred) => per-sample losses`, as `losses.meanSquaredError`. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface LossArgs {
  /** How `apply` reduces the per-sample losses; default 'sum_over_batch_size'. */
  reduction?: Reduction;
  /** Defaults to the Keras name, e.g. 'mean_squared_error'. */
  name?: string;
}

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(',')}]`;

export function checkReduction(reduction: unknown, where: string): Reduction {
  if (reduction === null) return 'none';
  if (typeof reduction !== 'string' || !REDUCTIONS.includes(reduction)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument reduction: expected one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}. Received: reduction=${showJson(reduction)}`,
    );
  }
  return reduction as Reduction;
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by one and the longer has a
 * trailing 1, a rank-1 partner gains a trailing axis, otherwise the trailing 1 is squeezed.
 */
export function squeezeOrExpand(x1: Tensor, x2: Tensor): [Tensor, Tensor] {
  if (x1.rank === x2.rank + 1 && x1.shape[x1.rank - 1] === 1) {
    return x2.rank === 1 ? [x1, expandDims(x2, -1)] : [squeeze(x1, -1), x2];
  }
  if (x2.rank === x1.rank + 1 && x2.shape[x2.rank - 1] === 1) {
    return x1.rank === 1 ? [expandDims(x1, -1), x2] : [x1, squeeze(x2, -1)];
  }
  return [x1, x2];
}

/** Converts to float32 tensors (labels may be int32 or bool). */
export function asFloat(x: TensorLike, where: string, arg: string): Tensor {
  const t = asTensor(x, where, arg);
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/**
 * Casts both to float32, brings them to the same rank as Keras does, and requires equal shapes:
 * Keras would silently broadcast e.g. [batch, 1] against [batch, 3], almost always a bug.
 */
export function prepare(yTrue: TensorLike, yPred: TensorLike, where: string): [Tensor, Tensor] {
  const t0 = asFloat(yTrue, where, 'yTrue');
  const p0 = asFloat(yPred, where, 'yPred');
  const [t, p] = squeezeOrExpand(t0, p0);
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: yTrue and yPred have incompatible shapes: yTrue ${shapeStr(t0.shape)} and yPred ${shapeStr(p0.shape)} (expected the same shape, or one with an extra trailing 1)`,
    );
  }
  return [t, p];
}

/** a / b, and 0 where b is 0 (Keras's `divide_no_nan`), with a NaN-free gradient. */
export function divideNoNan(a: Tensor, b: Tensor): Tensor {
  const zero = equal(b, 0);
  return where(zero, 0, div(a, where(zero, 1, b)));
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * Keras's `reduce_weighted_values`: the mask (if any) and the sample weights are merged, the
 * weights are brought to the values' rank (a trailing 1 squeezed, trailing axes added), the
 * values are weighted and then reduced.
 */
export function reduceWeighted(
  values: Tensor,
  sampleWeight: Tensor | null,
  mask: Tensor | null,
  reduction: Reduction,
  where_: string,
): Tensor {
  let sw = sampleWeight;
  if (mask !== null) {
    let m = cast(mask, 'float32');
    if (reduction === 'mean' || reduction === 'sum_over_batch_size') {
      // Valid entries weigh total / valid, so the mean is over the valid entries only.
      const valid = sum(m);
      m = mul(m, div(m.size, add(valid, EPSILON)));
    }
    sw = sw === null ? m : mul(...alignWeight(m, sw, where_));
  }
  let weighted = values;
  if (sw !== null) {
    const [v, w] = alignWeight(values, sw, where_);
    weighted = mul(v, w);
    sw = w;
  }
  if (reduction === 'none' || weighted.rank === 0) return weighted;
  const total = sum(weighted);
  if (reduction === 'sum') return total;
  if (reduction === 'mean' && sw !== null) {
    return divideNoNan(total, sum(broadcastTo(sw, weighted.shape)));
  }
  return divideNoNan(total, asTensor(weighted.size, where_, 'size', 'float32'));
}

/** Brings sample weights to the values' rank; both must then broadcast. */
function alignWeight(values: Tensor, weight: Tensor, where_: string): [Tensor, Tensor] {
  let w = weight.dtype === 'float32' ? weight : cast(weight, 'float32');
  while (w.rank > values.rank && w.shape[w.rank - 1] === 1) w = squeeze(w, -1);
  if (w.rank < values.rank && w.rank > 0) {
    w = reshape(w, [...w.shape, ...new Array<number>(values.rank - w.rank).fill(1)]);
  }
  if (broadcastShape(values.shape, w.shape) === null) {
    throw new LaminaError(
      'invalid-argument',
      `${where_}: sampleWeight of shape ${shapeStr(weight.shape)} cannot be applied to losses of shape ${shapeStr(values.shape)}`,
    );
  }
  return [values, w];
}

/**
 * A loss: `call(yTrue, yPred)` returns per-sample losses (shape [batch], or the inputs' shape
 * less the last axis); `apply(yTrue, yPred, sampleWeight?)` weights and reduces them. Subclass it
 * with `className`, `call` and `getConfig`, and register it (`registerLoss`) to load it by name.
 */
export abstract class Loss {
  abstract readonly className: string;
  readonly name: string;
  readonly reduction: Reduction;

  constructor(defaultName: string, args: LossArgs = {}) {
    this.name = args.name ?? defaultName;
    this.reduction = checkReduction(args.reduction ?? 'sum_over_batch_size', this.constructor.name);
  }

  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /** Entries of `call`'s output that do not count (e.g. an ignored class); null if none. */
  protected computeMask(_yTrue: Tensor, _yPred: Tensor): Tensor | null {
    return null;
  }

  /** Keras's `Loss.__call__`: per-sample losses, weighted by `sampleWeight`, then reduced. */
  apply(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike): Tensor {
    const t = asTensor(yTrue, this.className, 'yTrue');
    const p = asTensor(yPred, this.className, 'yPred');
    const values = this.call(t, p);
    const sw =
      sampleWeight === undefined ? null : asFloat(sampleWeight, this.className, 'sampleWeight');
    return reduceWeighted(values, sw, this.computeMask(t, p), this.reduction, this.className);
  }

  getConfig(): JsonObject {
    return { name: this.name, reduction: this.reduction };
  }
}

/** A plain function `(yTrue, yPred) => per-sample losses` used as a Loss (cannot be serialized). */
export class LossFunctionWrapper extends Loss {
  readonly className = 'LossFunctionWrapper';
  constructor(
    readonly fn: LossFn,
    args: LossArgs = {},
  ) {
    super(fn.name || 'loss', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const y = this.fn(yTrue, yPred);
    if (!(y instanceof Tensor)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `loss function ${this.name}: must return a Tensor of per-sample losses, received ${typeof y}`,
      );
    }
    return y;
  }
  override getConfig(): JsonObject {
    throw new LaminaTypeError(
      'invalid-argument',
      `loss function ${this.name}: a plain function cannot be serialized; subclass Loss and call registerLoss`,
    );
  }
}
