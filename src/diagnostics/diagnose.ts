/**
 * `diagnose(model, x)`: per layer, the statistics of its weights, of its outputs on x, the
 * current value of each of its penalties, and advice in words (see ./advice.ts for the rules and
 * ./stats.ts for the exact definitions of saturated, dead and sparse).
 *
 * How outputs are collected: the model runs once on x in inference mode (`training: false`,
 * unless a graph node fixes `training`) inside `noGrad`, so nothing is trained: no optimizer
 * state, moving statistics or random streams change. Its `observe` hook reports every layer
 * application, nested models' layers named '<model>/<layer>'. The activity losses the run
 * records on the layers are replaced at the model's next top-level call.
 *
 * Pre-activations (`preActivation`) are measured where a layer has a non-linear activation and
 * a linear part (`Layer.preActivation`: Dense, the convolutions; an Activation layer's input).
 */
import { noGrad } from '../autograd/grad.js';
import type { Layer, LayerCall, LayerTensors, LossTerm } from '../layers/base/layer.js';
import { Model } from '../models/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { toList, type TensorData } from '../training/data.js';
import { advise, type Advice } from './advice.js';
import {
  activationStats,
  DEFAULT_NEAR_ZERO,
  magnitudeStats,
  weightStats,
  type ActivationStats,
  type MagnitudeStats,
  type WeightStats,
} from './stats.js';
import { LaminaRangeError } from '../errors.js';

export interface DiagnoseOptions {
  /** |w| below this counts as near zero (default 1e-3). */
  nearZero?: number;
}

export interface LayerDiagnosis {
  /** Unique path: 'dense_1', 'encoder/dense_2' in a nested model, 'dense_1[1]' when shared. */
  readonly name: string;
  readonly layerName: string;
  readonly className: string;
  /** The activation's name ('relu', 'linear'), or null for layers without one. */
  readonly activation: string | null;
  /** Whether this application produces one of the model's outputs. */
  readonly isOutput: boolean;
  readonly weights: readonly WeightStats[];
  /**
   * max |w| and mean |w| over the kernel weights (names ending in 'kernel', or 'embeddings'),
   * or over all trainable weights when there is no kernel; null for a layer without weights.
   */
  readonly maxAbsWeight: number | null;
  readonly meanAbsWeight: number | null;
  /** Statistics of the output on x (the first output of a layer with several). */
  readonly output: ActivationStats | null;
  /** mean |z| and max |z| of the linear part, where the layer has a separate activation. */
  readonly preActivation: MagnitudeStats | null;
  /** Each penalty now: 'kernel', 'bias', 'activity', 'added' ... (the loss term's name). */
  readonly penalties: Readonly<Record<string, number>>;
  /** Sum of `penalties`. */
  readonly penalty: number;
  readonly advice: readonly Advice[];
}

export interface DiagnosisReport {
  /** Samples in x. */
  readonly samples: number;
  readonly layers: readonly LayerDiagnosis[];
  /** Sum of every layer's penalty. */
  readonly penalty: number;
}

/** Runs `model` (a model or any layer) on x and describes each layer it applies. */
export function diagnose(
  model: Layer,
  x: TensorData,
  options: DiagnoseOptions = {},
): DiagnosisReport {
  const nearZero = options.nearZero ?? DEFAULT_NEAR_ZERO;
  if (typeof nearZero !== 'number' || !(nearZero >= 0)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `diagnose: nearZero must be a number >= 0, received ${String(nearZero)}`,
    );
  }
  const names = model instanceof Model ? model.inputNames : ['input'];
  const xs = toList(x, names, 'x', `diagnose (${model.name})`);
  const records: Pending[] = [];
  const ctx: Context = { nearZero, records, seen: new Map(), counted: new Set() };
  const input: LayerTensors = xs.length === 1 ? (xs[0] as Tensor) : xs;
  const finals = noGrad(() => {
    if (!(model instanceof Model)) {
      const outputs = model.apply(input, { training: false });
      record({ layer: model, inputs: input, outputs, models: [] }, ctx);
      return [];
    }
    const outputs = model.apply(input, {
      training: false,
      // Nested models are entered: their layers are described, not the model as one layer.
      observe: (call) => {
        if (!(call.layer instanceof Model)) record(call, ctx);
      },
    });
    return Array.isArray(outputs) ? outputs : [outputs];
  });
  // A bare layer has no model outputs: the output exemption of the advice does not apply.
  const layers = records.map((r) => finish(r, finals));
  return {
    samples: xs[0]?.rank === 0 ? 1 : (xs[0]?.shape[0] ?? 0),
    layers,
    penalty: layers.reduce((s, l) => s + l.penalty, 0),
  };
}

interface Pending {
  readonly base: Omit<LayerDiagnosis, 'isOutput' | 'advice'>;
  readonly out: Tensor | undefined;
  readonly hasKernelRegularizer: boolean;
  readonly hasActivityRegularizer: boolean;
}

interface Context {
  readonly nearZero: number;
  readonly records: Pending[];
  /** Applications seen per layer, to name shared layers' later applications. */
  readonly seen: Map<Layer, number>;
  /**
   * Activity and added losses already reported: a shared layer's later application reports
   * only the losses its own application recorded.
   */
  readonly counted: Set<LossTerm>;
}

function finish(r: Pending, finals: readonly Tensor[]): LayerDiagnosis {
  const isOutput = r.out !== undefined && finals.includes(r.out);
  const advice = advise({
    ...r.base,
    isOutput,
    hasKernelRegularizer: r.hasKernelRegularizer,
    hasActivityRegularizer: r.hasActivityRegularizer,
  });
  return { ...r.base, isOutput, advice };
}

/** The name of the layer's `activation` (Dense, convolutions, recurrent layers...), if it has one. */
function activationOf(layer: Layer): string | null {
  const a: unknown = 'activation' in layer ? layer.activation : undefined;
  if (typeof a !== 'object' || a === null) return null;
  const { name, apply } = a as { name?: unknown; apply?: unknown };
  return typeof name === 'string' && typeof apply === 'function' ? name : null;
}

/** The linear part of a layer whose activation is applied last; null where there is none. */
function linearPart(layer: Layer, inputs: LayerTensors, activation: string | null): Tensor | null {
  if (activation === null || activation === 'linear') return null;
  return layer.preActivation(inputs);
}

function record({ layer, inputs, outputs, models }: LayerCall, ctx: Context): void {
  const out = Array.isArray(outputs) ? outputs[0] : outputs;
  const prefix = models
    .slice(1)
    .map((m) => `${m.name}/`)
    .join('');
  const activation = activationOf(layer);
  const weights = layer.weights;
  if (weights.length === 0 && activation === null && layer.activityRegularizer === null) return;
  const count = ctx.seen.get(layer) ?? 0;
  ctx.seen.set(layer, count + 1);
  const name = `${prefix}${layer.name}${count === 0 ? '' : `[${count}]`}`;

  const stats = weights.map((w) => weightStats(w, ctx.nearZero));
  const isKernel = (s: WeightStats): boolean => isKernelName(s.shortName);
  const kernels = stats.some(isKernel) ? stats.filter(isKernel) : stats.filter((s) => s.trainable);
  let maxAbsWeight: number | null = null;
  let meanAbsWeight: number | null = null;
  if (kernels.length > 0) {
    const n = kernels.reduce((s, k) => s + k.shape.reduce((p, d) => p * d, 1), 0);
    maxAbsWeight = Math.max(...kernels.map((k) => k.maxAbs));
    meanAbsWeight =
      n === 0
        ? 0
        : kernels.reduce((s, k) => s + k.meanAbs * k.shape.reduce((p, d) => p * d, 1), 0) / n;
  }

  const z = linearPart(layer, inputs, activation);
  const penalties: Record<string, number> = {};
  for (const term of layer.lossTerms()) {
    if (ctx.counted.has(term)) continue;
    if (term.kind === 'activity' || term.kind === 'added') ctx.counted.add(term);
    const key = term.name.startsWith(`${layer.name}/`)
      ? term.name.slice(layer.name.length + 1)
      : term.name;
    penalties[key] = (penalties[key] ?? 0) + Number(term.value.dataSync()[0]);
  }
  ctx.records.push({
    base: {
      name,
      layerName: layer.name,
      className: layer.className,
      activation,
      weights: stats,
      maxAbsWeight,
      meanAbsWeight,
      output: out === undefined ? null : activationStats(out, activation),
      preActivation: z === null ? null : magnitudeStats(z.dataSync()),
      penalties,
      penalty: Object.values(penalties).reduce((s, v) => s + v, 0),
    },
    out,
    hasKernelRegularizer: weights.some((w) => isKernelName(w.shortName) && w.regularizer !== null),
    hasActivityRegularizer: layer.activityRegularizer !== null,
  });
}

function isKernelName(shortName: string): boolean {
  return shortName.endsWith('kernel') || shortName === 'embeddings';
}
