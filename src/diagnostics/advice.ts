/**
 * Plain-language advice per layer, from fixed rules. "Weights" below means the layer's kernel
 * weights (see `LayerDiagnosis.maxAbsWeight`); "magnitude" means mean |z| of the pre-activation
 * where the layer has a separate activation (Dense, Conv, Activation), else mean |a| of the output.
 *
 * Rules, checked in this order (several may apply; 'healthy' only when none does):
 *
 * - 'activity': not a model output, weights not large (max |w| <= LARGE_WEIGHT_MAX_ABS), and
 *   magnitude >= LARGE_MAGNITUDE or saturatedFraction >= HIGH_SATURATION. The size comes from
 *   many inputs adding up, not from large weights: a kernel regularizer will not help, an
 *   activity regularizer (a penalty on the outputs) will.
 * - 'kernel': max |w| > LARGE_WEIGHT_MAX_ABS or mean |w| > LARGE_WEIGHT_MEAN_ABS: a kernel
 *   regularizer (L2) or weight decay shrinks them.
 * - 'dead': a relu/relu6 layer with deadFraction >= HIGH_DEAD (units 0 for every sample).
 * - 'healthy': none of the above.
 *
 * Model outputs are exempt from the magnitude and saturation rule: their scale follows the
 * targets (logits of a confident classifier, regression values).
 */
import type { ActivationStats, MagnitudeStats } from './stats.js';
import { isReluFamily } from './stats.js';

/** Kernel weights with max |w| at or below this are "small". */
export const SMALL_WEIGHT_MAX_ABS = 0.5;
/** Kernel weights with max |w| above this are "large". */
export const LARGE_WEIGHT_MAX_ABS = 3;
/** Kernel weights with mean |w| above this are "large" too. */
export const LARGE_WEIGHT_MEAN_ABS = 1;
/** Mean |z| (pre-activation) or mean |a| (output) at or above this is "large". */
export const LARGE_MAGNITUDE = 5;
/** At least this fraction of output values saturated is "many". */
export const HIGH_SATURATION = 0.3;
/** At least this fraction of ReLU units dead is "many". */
export const HIGH_DEAD = 0.3;

export type AdviceRule = 'activity' | 'kernel' | 'dead' | 'healthy';

export interface Advice {
  readonly rule: AdviceRule;
  readonly text: string;
}

/** What the rules look at (a subset of `LayerDiagnosis`). */
export interface AdviceInput {
  readonly activation: string | null;
  readonly isOutput: boolean;
  readonly maxAbsWeight: number | null;
  readonly meanAbsWeight: number | null;
  readonly output: ActivationStats | null;
  readonly preActivation: MagnitudeStats | null;
  readonly hasKernelRegularizer: boolean;
  readonly hasActivityRegularizer: boolean;
}

/** A number for a sentence: 0.30, 95.2, 1.2e+4. */
export function fmt(x: number): string {
  const a = Math.abs(x);
  if (!Number.isFinite(x)) return String(x);
  if (a !== 0 && (a >= 1e4 || a < 0.005)) return x.toExponential(1);
  return a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}

export function advise(d: AdviceInput): Advice[] {
  const out: Advice[] = [];
  const w = d.maxAbsWeight;
  const largeWeights =
    (w !== null && w > LARGE_WEIGHT_MAX_ABS) ||
    (d.meanAbsWeight !== null && d.meanAbsWeight > LARGE_WEIGHT_MEAN_ABS);
  const sat = d.output?.saturatedFraction ?? null;
  const saturated = sat !== null && sat >= HIGH_SATURATION;
  const magnitude = d.preActivation ?? d.output;
  const large = magnitude !== null && magnitude.meanAbs >= LARGE_MAGNITUDE;
  const sizeParts: string[] = [];
  if (large && magnitude !== null) {
    sizeParts.push(
      d.preActivation !== null
        ? `pre-activations are large (mean |z| ${fmt(magnitude.meanAbs)})`
        : `outputs are large (mean |a| ${fmt(magnitude.meanAbs)})`,
    );
  }
  if (saturated) sizeParts.push(`${pct(sat)} of outputs are saturated (${d.activation})`);
  const size = sizeParts.join(' and ');

  if (!d.isOutput && !largeWeights && (large || saturated)) {
    const again = d.hasActivityRegularizer ? ' (this layer has one: increase its factor)' : '';
    let text: string;
    if (w === null) {
      text = `${size}, and this layer has no kernel of its own: an activity regularizer here will bring them down${again}`;
    } else if (w <= SMALL_WEIGHT_MAX_ABS) {
      text = `weights are small (max |w| ${fmt(w)}) but ${size}: a kernel regularizer will not help; an activity regularizer will${again}`;
    } else {
      text = `weights are moderate (max |w| ${fmt(w)}) but ${size}: the size comes from many inputs adding up, so a kernel regularizer will help little; an activity regularizer targets it directly${again}`;
    }
    out.push({ rule: 'activity', text });
  }
  if (largeWeights) {
    const parts = [`max |w| ${fmt(w ?? NaN)}`, `mean |w| ${fmt(d.meanAbsWeight ?? NaN)}`];
    const again = d.hasKernelRegularizer ? ' (the kernel has one: increase its factor)' : '';
    const why = size.length > 0 && !d.isOutput ? `; they are why ${size}` : '';
    out.push({
      rule: 'kernel',
      text: `weights are large (${parts.join(', ')}): a kernel regularizer (L2) or weight decay will shrink them${why}${again}`,
    });
  }
  const dead = d.output?.deadFraction ?? null;
  if (isReluFamily(d.activation) && dead !== null && dead >= HIGH_DEAD) {
    const act = d.hasActivityRegularizer
      ? "; this layer's activity regularizer pushes outputs toward zero: lower its factor"
      : '';
    out.push({
      rule: 'dead',
      text: `${pct(dead)} of ReLU units are dead (0 for every sample): lower the learning rate, use leaky_relu or elu, or check the initialization and the input scale${act}`,
    });
  }
  if (out.length === 0) {
    const parts: string[] = [];
    if (w !== null) parts.push(`max |w| ${fmt(w)}`);
    if (d.output !== null) parts.push(`mean |a| ${fmt(d.output.meanAbs)}`);
    if (sat !== null) parts.push(`${pct(sat)} saturated`);
    if (dead !== null) parts.push(`${pct(dead)} dead`);
    const info = [parts.join(', '), d.isOutput ? 'output layer: its scale follows the targets' : '']
      .filter((p) => p.length > 0)
      .join('; ');
    out.push({
      rule: 'healthy',
      text: `healthy${info.length > 0 ? ` (${info})` : ''}: no regularizer is needed for scale`,
    });
  }
  return out;
}
