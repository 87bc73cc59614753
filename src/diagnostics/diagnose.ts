/**
 * `diagnose(model, x)`: per layer, the statistics of its weights, of its outputs on x, the
 * current value of each of its penalties, and advice in words (see ./advice.ts for the rules and
 * ./stats.ts for the exact definitions of saturated, dead and sparse).
 *
 * How outputs are collected: a functional model's graph is evaluated node by node (the nodes
 * between `model.inputs` and `model.outputs`, as `Model.call` runs them), a Sequential model
 * whose input shape is not known yet runs its layers in order, and a nested model is entered, its
 * layers named '<model>/<layer>'. Each layer is applied on its own in inference mode
 * (`training: false`, unless the graph node fixes `training`) inside `noGrad`, so nothing is
 * trained: no optimizer state, moving statistics or random streams change. The activity losses
 * each call records on its layer are replaced at the model's next top-level call.
 *
 * Pre-activations (`preActivation`) are measured for Dense, Conv1D/2D, Conv2DTranspose,
 * DepthwiseConv2D and SeparableConv2D layers with a non-linear activation: their own `call` runs
 * on a view of the layer (`Object.create(layer)`) whose `activation` is linear, so the layer
 * itself is never modified. For an Activation layer the pre-activation is its input.
 */
import { getActivation } from '../activations/index.js';
import { noGrad } from '../autograd/grad.js';
import { Activation } from '../layers/core/activation.js';
import { Dense } from '../layers/core/dense.js';
import { BaseConv } from '../layers/conv/conv.js';
import { DepthwiseConv2D, SeparableConv2D } from '../layers/conv/depthwise.js';
import { Conv2DTranspose } from '../layers/conv/transpose.js';
import type { Layer, LayerTensors } from '../layers/base/layer.js';
import { Model } from '../models/model.js';
import { nodesBetween } from '../models/graph.js';
import { Sequential } from '../models/sequential.js';
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

const LINEAR = getActivation('linear');

/** Runs `model` (a model or any layer) on x layer by layer and describes each layer. */
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
  const finals = noGrad(() => {
    const ctx: Context = { nearZero, records, seen: new Map() };
    return enterModel(model, xs, '', undefined, ctx) ?? runLayer(model, xs, '', undefined, ctx);
  });
  // A bare layer has no model outputs: the output exemption of the advice does not apply.
  const layers = records.map((r) => finish(r, model instanceof Model ? finals : []));
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

/** Applies one layer (entering models) and records it; returns its outputs as a list. */
function runLayer(
  layer: Layer,
  inputs: Tensor[],
  prefix: string,
  training: boolean | undefined,
  ctx: Context,
): Tensor[] {
  const inside = enterModel(layer, inputs, `${prefix}${layer.name}/`, training, ctx);
  if (inside !== null) return inside;
  const arg: LayerTensors = inputs.length === 1 ? (inputs[0] as Tensor) : inputs;
  const result = layer.apply(arg, { training: training ?? false });
  const outs = Array.isArray(result) ? result : [result];
  record(layer, arg, outs[0], prefix, ctx);
  return outs;
}

/** Runs a model's layers one by one; null for a layer that is not a model with layers. */
function enterModel(
  layer: Layer,
  inputs: Tensor[],
  prefix: string,
  training: boolean | undefined,
  ctx: Context,
): Tensor[] | null {
  if (!(layer instanceof Model)) return null;
  if (layer.inputs.length > 0 && layer.outputs.length > 0)
    return runGraph(layer, inputs, prefix, ctx);
  if (layer instanceof Sequential && layer.layers.length > 0) {
    let xs = inputs;
    for (const l of layer.layers) xs = runLayer(l, xs, prefix, training, ctx);
    return xs;
  }
  return null;
}

function runGraph(model: Model, inputs: Tensor[], prefix: string, ctx: Context): Tensor[] {
  const ins = model.inputs;
  const where = `diagnose (${model.name})`;
  if (inputs.length !== ins.length) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: expected ${ins.length} input tensor(s), received ${inputs.length}`,
    );
  }
  const values = new Map<number, Tensor>();
  ins.forEach((s, i) => values.set(s.id, inputs[i] as Tensor));
  for (const node of nodesBetween(ins, model.outputs, where)) {
    const args = node.inputs.map((s) => values.get(s.id) as Tensor);
    const outs = runLayer(node.layer, args, prefix, node.training, ctx);
    node.outputs.forEach((s, i) => values.set(s.id, outs[i] as Tensor));
  }
  return model.outputs.map((s) => values.get(s.id) as Tensor);
}

function activationOf(layer: Layer): string | null {
  const a = (layer as unknown as { activation?: unknown }).activation;
  if (typeof a !== 'object' || a === null) return null;
  const { name, apply } = a as { name?: unknown; apply?: unknown };
  return typeof name === 'string' && typeof apply === 'function' ? name : null;
}

/** The linear part of a layer whose activation is applied last; null where there is none. */
function linearPart(layer: Layer, inputs: LayerTensors, activation: string | null): Tensor | null {
  if (activation === null || activation === LINEAR.name) return null;
  if (layer instanceof Activation) return Array.isArray(inputs) ? null : inputs;
  const last =
    layer instanceof Dense ||
    layer instanceof BaseConv ||
    layer instanceof Conv2DTranspose ||
    layer instanceof DepthwiseConv2D ||
    layer instanceof SeparableConv2D;
  if (!last) return null;
  const view = Object.create(layer) as Layer;
  Object.defineProperty(view, 'activation', { value: LINEAR });
  const z = view.call(inputs, { training: false });
  return Array.isArray(z) ? (z[0] ?? null) : z;
}

function record(
  layer: Layer,
  inputs: LayerTensors,
  out: Tensor | undefined,
  prefix: string,
  ctx: Context,
): void {
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
