/** Precision, Recall and AUC: confusion-matrix counts accumulated in float64. */
import { asFloat, shapeStr, squeezeOrExpand } from '../losses/loss.js';
import type { TensorLike } from '../ops/convert.js';
import { broadcastTo, reshape } from '../ops/movement.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';
import { Metric, type MetricArgs } from './metric.js';
import { LaminaError, LaminaRangeError } from '../errors.js';

/** Flat labels (nonzero = positive), scores and weights (broadcast to the scores' shape). */
function flatten(
  yTrue: TensorLike,
  yPred: TensorLike,
  sampleWeight: TensorLike | undefined,
  where: string,
  classId?: number,
): { labels: Float32Array; scores: Float32Array; weights: ArrayLike<number> | null } {
  const [t, p] = squeezeOrExpand(asFloat(yTrue, where, 'yTrue'), asFloat(yPred, where, 'yPred'));
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: yTrue and yPred must have the same shape, received yTrue ${shapeStr(t.shape)} and yPred ${shapeStr(p.shape)}`,
    );
  }
  if (classId !== undefined) {
    const classes = p.shape[p.rank - 1] ?? 0;
    if (!Number.isInteger(classId) || classId < 0 || classId >= classes)
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: classId ${classId} is out of range for ${classes} classes`,
      );
    const pick = (x: Tensor): Float32Array => {
      const d = x.dataSync();
      return Float32Array.from({ length: d.length / classes }, (_, i) => d[i * classes + classId]!);
    };
    const labels = pick(t);
    const scores = pick(p);
    let weights: ArrayLike<number> | null = null;
    if (sampleWeight !== undefined) {
      const w = asFloat(sampleWeight, where, 'sampleWeight');
      weights = pick(broadcastWeights(w, p.shape, where));
    }
    return { labels, scores, weights };
  }
  const weights =
    sampleWeight === undefined
      ? null
      : broadcastWeights(asFloat(sampleWeight, where, 'sampleWeight'), p.shape, where).dataSync();
  return { labels: t.dataSync() as Float32Array, scores: p.dataSync() as Float32Array, weights };
}

function broadcastWeights(w: Tensor, shape: readonly number[], where: string): Tensor {
  let sw = w;
  while (sw.rank > shape.length && sw.shape[sw.rank - 1] === 1)
    sw = reshape(sw, sw.shape.slice(0, -1));
  if (sw.rank > 0 && sw.rank < shape.length)
    sw = reshape(sw, [...sw.shape, ...new Array<number>(shape.length - sw.rank).fill(1)]);
  try {
    return broadcastTo(sw, shape);
  } catch {
    throw new LaminaError(
      'invalid-argument',
      `${where}: sampleWeight of shape ${shapeStr(w.shape)} cannot be broadcast to yPred's shape ${shapeStr(shape)}`,
    );
  }
}

export interface ThresholdArgs extends MetricArgs {
  /** A prediction above it counts as positive; default 0.5. */
  thresholds?: number;
  /** Only this class (last axis) is scored. */
  classId?: number;
}

abstract class ThresholdMetric extends Metric {
  protected tp = 0;
  protected fp = 0;
  protected fn = 0;
  readonly thresholds: number;
  readonly classId: number | undefined;

  constructor(defaultName: string, args: ThresholdArgs) {
    super(defaultName, args);
    this.thresholds = args.thresholds ?? 0.5;
    if (typeof this.thresholds !== 'number' || !(this.thresholds >= 0 && this.thresholds <= 1))
      throw new LaminaRangeError(
        'invalid-argument',
        `${defaultName}: thresholds must be a number in [0, 1]`,
      );
    this.classId = args.classId;
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    const { labels, scores, weights } = flatten(
      yTrue,
      yPred,
      sampleWeight,
      this.className,
      this.classId,
    );
    for (let i = 0; i < scores.length; i++) {
      const w = weights === null ? 1 : (weights[i] as number);
      const positive = labels[i] !== 0;
      if ((scores[i] as number) > this.thresholds) {
        if (positive) this.tp += w;
        else this.fp += w;
      } else if (positive) this.fn += w;
    }
  }

  resetState(): void {
    this.tp = this.fp = this.fn = 0;
  }

  override getState(): number[] {
    return [this.tp, this.fp, this.fn];
  }

  override setState(state: readonly number[]): void {
    [this.tp, this.fp, this.fn] = this.checkState(state, 3) as [number, number, number];
  }

  override getConfig(): JsonObject {
    const config: JsonObject = { ...super.getConfig(), thresholds: this.thresholds };
    if (this.classId !== undefined) config.class_id = this.classId;
    return config;
  }
}

/** tp / (tp + fp): of the predicted positives, how many are positive. 0 before any. */
export class Precision extends ThresholdMetric {
  readonly className = 'Precision';
  constructor(args: ThresholdArgs = {}) {
    super('precision', args);
  }
  result(): number {
    const d = this.tp + this.fp;
    return d === 0 ? 0 : this.tp / d;
  }
}

/** tp / (tp + fn): of the positives, how many were found. 0 before any. */
export class Recall extends ThresholdMetric {
  readonly className = 'Recall';
  constructor(args: ThresholdArgs = {}) {
    super('recall', args);
  }
  result(): number {
    const d = this.tp + this.fn;
    return d === 0 ? 0 : this.tp / d;
  }
}

export type AUCCurve = 'ROC' | 'PR';
export type AUCSummation = 'interpolation' | 'minoring' | 'majoring';

export interface AUCArgs extends MetricArgs {
  numThresholds?: number;
  curve?: AUCCurve;
  summationMethod?: AUCSummation;
  /** Apply a sigmoid to yPred first. */
  fromLogits?: boolean;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Area under the ROC or precision-recall curve, from confusion counts at `numThresholds`
 * thresholds spread evenly over [0, 1] (plus -eps and 1 + eps at the ends), as Keras 3: ROC by
 * the trapezoidal rule, PR by Davis & Goadrich's interpolation ('careful_interpolation').
 */
export class AUC extends Metric {
  readonly className = 'AUC';
  readonly numThresholds: number;
  readonly curve: AUCCurve;
  readonly summationMethod: AUCSummation;
  readonly fromLogits: boolean;
  private tp: Float64Array;
  private fp: Float64Array;
  private tn: Float64Array;
  private fn: Float64Array;

  constructor(args: AUCArgs = {}) {
    super('auc', args);
    this.numThresholds = args.numThresholds ?? 200;
    if (!Number.isInteger(this.numThresholds) || this.numThresholds <= 1)
      throw new LaminaRangeError(
        'invalid-argument',
        `AUC: numThresholds must be an integer > 1, received ${this.numThresholds}`,
      );
    this.curve = args.curve ?? 'ROC';
    if (this.curve !== 'ROC' && this.curve !== 'PR')
      throw new LaminaRangeError(
        'invalid-argument',
        `AUC: curve must be 'ROC' or 'PR', received ${String(this.curve)}`,
      );
    this.summationMethod = args.summationMethod ?? 'interpolation';
    if (!['interpolation', 'minoring', 'majoring'].includes(this.summationMethod))
      throw new LaminaRangeError(
        'invalid-argument',
        `AUC: summationMethod must be 'interpolation', 'minoring' or 'majoring'`,
      );
    this.fromLogits = args.fromLogits ?? false;
    const n = this.numThresholds;
    [this.tp, this.fp, this.tn, this.fn] = [0, 0, 0, 0].map(() => new Float64Array(n)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    const n = this.numThresholds;
    const { labels, scores, weights } = flatten(yTrue, yPred, sampleWeight, this.className);
    // Per bucket counts; bucket b holds scores above thresholds 0..b and not above b + 1.
    const pos = new Float64Array(n);
    const neg = new Float64Array(n);
    for (let i = 0; i < scores.length; i++) {
      let s = scores[i] as number;
      if (this.fromLogits) s = Math.fround(1 / (1 + Math.exp(-s)));
      if (!(s >= 0 && s <= 1)) {
        throw new LaminaRangeError(
          'invalid-argument',
          `AUC: predictions must be probabilities in [0, 1], received ${s} (pass fromLogits: true for logits)`,
        );
      }
      const b = Math.max(Math.ceil(Math.fround(s * (n - 1))) - 1, 0);
      const w = weights === null ? 1 : (weights[i] as number);
      if (labels[i] !== 0) pos[b] = (pos[b] as number) + w;
      else neg[b] = (neg[b] as number) + w;
    }
    let cp = 0;
    let cn = 0;
    const totalPos = pos.reduce((a, b) => a + b, 0);
    const totalNeg = neg.reduce((a, b) => a + b, 0);
    for (let t = n - 1; t >= 0; t--) {
      cp += pos[t] as number;
      cn += neg[t] as number;
      this.tp[t] = (this.tp[t] as number) + cp;
      this.fp[t] = (this.fp[t] as number) + cn;
      this.fn[t] = (this.fn[t] as number) + totalPos - cp;
      this.tn[t] = (this.tn[t] as number) + totalNeg - cn;
    }
  }

  /** Keras's `interpolate_pr_auc`: precision interpolated between thresholds. */
  private interpolatePrAuc(): number {
    const { tp, fp, fn } = this;
    let total = 0;
    for (let i = 0; i < this.numThresholds - 1; i++) {
      const dtp = tp[i]! - tp[i + 1]!;
      const p0 = tp[i]! + fp[i]!;
      const p1 = tp[i + 1]! + fp[i + 1]!;
      const slope = safeDiv(dtp, Math.max(p0 - p1, 0));
      const intercept = tp[i + 1]! - slope * p1;
      const ratio = p0 > 0 && p1 > 0 ? safeDiv(p0, Math.max(p1, 0)) : 1;
      total += safeDiv(
        slope * (dtp + intercept * Math.log(ratio)),
        Math.max(tp[i + 1]! + fn[i + 1]!, 0),
      );
    }
    return total;
  }

  result(): number {
    if (this.curve === 'PR' && this.summationMethod === 'interpolation')
      return this.interpolatePrAuc();
    const n = this.numThresholds;
    const { tp, fp, tn, fn } = this;
    const recall = Array.from({ length: n }, (_, i) => safeDiv(tp[i]!, tp[i]! + fn[i]!));
    let x: number[];
    let y: number[];
    if (this.curve === 'ROC') {
      x = Array.from({ length: n }, (_, i) => safeDiv(fp[i]!, fp[i]! + tn[i]!));
      y = recall;
    } else {
      x = recall;
      y = Array.from({ length: n }, (_, i) => safeDiv(tp[i]!, tp[i]! + fp[i]!));
    }
    let total = 0;
    for (let i = 0; i < n - 1; i++) {
      const [a, b] = [y[i]!, y[i + 1]!];
      const h =
        this.summationMethod === 'interpolation'
          ? (a + b) / 2
          : this.summationMethod === 'minoring'
            ? Math.min(a, b)
            : Math.max(a, b);
      total += (x[i]! - x[i + 1]!) * h;
    }
    return total;
  }

  resetState(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }

  override getState(): number[] {
    return [this.tp, this.fp, this.tn, this.fn].flatMap((a) => [...a]);
  }

  override setState(state: readonly number[]): void {
    const n = this.numThresholds;
    const values = this.checkState(state, 4 * n);
    [this.tp, this.fp, this.tn, this.fn].forEach((a, i) => a.set(values.slice(i * n, (i + 1) * n)));
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      num_thresholds: this.numThresholds,
      curve: this.curve,
      summation_method: this.summationMethod,
      from_logits: this.fromLogits,
    };
  }
}
