/**
 * Models to and from TensorFlow.js model artifacts, in memory. Loading validates everything
 * (config, every weight's name, shape and dtype, the optimizer state) before assigning any value.
 */
import { LaminaError } from '../errors.js';
import { getLoss, serializeLoss, type Loss } from '../losses/index.js';
import {
  getMetric,
  serializeMetric,
  type Metric,
  type MetricIdentifier,
} from '../metrics/index.js';
import type { CompileArgs } from '../training/compiled.js';
import type { Model } from '../models/model.js';
import { scalar } from '../ops/convert.js';
import { deserializeOptimizer, serializeOptimizer, type Optimizer } from '../optimizers/index.js';
import type { JsonObject, JsonValue, KerasObject } from '../serialization/keras-object.js';
import { shapesEqual } from '../tensor/shape.js';
import { LIBRARY_VERSION } from '../version.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildModel, topologyOf, withParamBudget } from './from-config.js';
import { describe, expectObject, isObject, parseJson, sanitize } from './json.js';
import { planTrainingState, trainingStateOf } from '../training/resume.js';
import { trainingStateFromJson, trainingStateToJson } from './training-state.js';
import type { LoadOptions, ModelArtifacts, SaveOptions } from './types.js';
import {
  concatWeightData,
  decodeWeights,
  encodeWeights,
  parseSpecs,
  type NamedTensor,
} from './weights.js';

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * A loss as TensorFlow.js can read it back: its name when the name alone rebuilds it (a built-in
 * loss with default settings), else its full Keras config (which TensorFlow.js cannot load).
 */
function lossIdentifier(loss: Loss): JsonValue {
  const full = serializeLoss(loss);
  const name = loss.name;
  try {
    if (sameJson(serializeLoss(getLoss(name)), full)) return name;
  } catch {
    // A name no registry knows (a custom loss): the config is the only faithful form.
  }
  return full;
}

/** A metric by name when the name (with its output's loss) rebuilds it, as for losses. */
function metricIdentifier(metric: Metric, loss: Loss | undefined): JsonValue {
  const full = serializeMetric(metric);
  try {
    if (sameJson(serializeMetric(getMetric(metric.name, { loss })), full)) return metric.name;
  } catch {
    // Not a registered name.
  }
  return full;
}

/** The artifacts of `model`: config (unless weightsOnly), weights, optionally the optimizer. */
export function modelToArtifacts(model: Model, options: SaveOptions = {}): ModelArtifacts {
  const tensors: NamedTensor[] = model.weights.map((w) => ({ name: w.name, tensor: w }));
  let trainingConfig: JsonObject | null = null;
  const compiled = model.compiled;
  if (options.includeOptimizer === true && compiled !== null) {
    const state = compiled.optimizer.getState();
    tensors.push({
      name: 'iterations',
      tensor: scalar(state.iterations, 'int32'),
      group: 'optimizer',
    });
    for (const [name, slots] of Object.entries(state.slots))
      slots.forEach((t, i) =>
        tensors.push({ name: `${name}/slot${i}`, tensor: t, group: 'optimizer' }),
      );
    const losses = compiled.losses.map(lossIdentifier);
    const metrics = compiled.metrics.map((list, i) =>
      list.map((m) => metricIdentifier(m, compiled.losses[i])),
    );
    trainingConfig = {
      loss: losses.length === 1 ? (losses[0] as JsonValue) : losses,
      // One output's metrics as a flat list, as TensorFlow.js writes and reads them.
      metrics: metrics.length === 1 ? (metrics[0] as JsonValue) : metrics,
      // Written only when not all 1: TensorFlow.js refuses any loss_weights key when loading.
      ...(compiled.lossWeights.every((w) => w === 1) ? {} : { loss_weights: compiled.lossWeights }),
      optimizer_config: serializeOptimizer(compiled.optimizer),
      training_state: trainingStateToJson(trainingStateOf(model)),
    };
  }
  const { specs, data } = encodeWeights(tensors);
  const artifacts: ModelArtifacts = {
    modelTopology: options.weightsOnly === true ? null : model.topology('tfjs'),
    weightSpecs: specs,
    weightData: data.buffer as ArrayBuffer,
    format: 'layers-model',
    generatedBy: LIBRARY_VERSION,
    convertedBy: null,
  };
  if (trainingConfig !== null) artifacts.trainingConfig = trainingConfig;
  return artifacts;
}

/**
 * Parameters a config may create beyond those in the weights: a small mismatch gets its precise
 * error (missing weight, wrong shape), a config declaring far more than the files can fill
 * fails before allocating.
 */
const PARAM_SLACK = 2 ** 20;

interface Decoded {
  weights: NamedTensor[];
  optimizer: NamedTensor[];
  params: number;
}

function decodeArtifacts(artifacts: ModelArtifacts, where: string): Decoded {
  const data = concatWeightData(artifacts.weightData, where);
  const specs = parseSpecs(
    sanitize(artifacts.weightSpecs ?? [], `${where}: weightSpecs`),
    data.byteLength,
    where,
  );
  const all = [...decodeWeights(specs, data, where).values()];
  const weights = all.filter((t) => t.group !== 'optimizer');
  return {
    weights,
    optimizer: all.filter((t) => t.group === 'optimizer'),
    params: weights.reduce((n, t) => n + t.tensor.size, 0),
  };
}

const layerOf = (name: string): string => name.slice(0, Math.max(0, name.lastIndexOf('/'))) || name;
const shapeText = (t: { shape: readonly number[]; dtype: string }): string =>
  `[${t.shape.join(',')}] ${t.dtype}`;

/** Pairs the model's weights with decoded ones (by name, else by position) and checks them. */
function planWeights(
  model: Model,
  decoded: NamedTensor[],
  strict: boolean,
  where: string,
): { assign: () => void; rename: Map<string, string> } {
  const targets = model.weights;
  const byName = new Map<string, NamedTensor>();
  for (const d of decoded) {
    const clean = d.name.replace(/:0$/, '');
    byName.set(clean, d);
    const parts = clean.split('/');
    // TensorFlow 2.2+ names RNN weights layer/cell/weight; the model knows them as layer/weight.
    if (parts.length > 2) byName.set([...parts.slice(0, -2), parts[parts.length - 1]].join('/'), d);
  }
  const uniqueNames = new Set(targets.map((w) => w.name)).size === targets.length;
  let pairs: [(typeof targets)[number], NamedTensor][];
  if (uniqueNames && targets.every((w) => byName.has(w.name))) {
    pairs = targets.map((w) => [w, byName.get(w.name) as NamedTensor]);
    const used = new Set(pairs.map((p) => p[1]));
    const extra = decoded.filter((d) => !used.has(d));
    if (strict && extra.length > 0)
      throw new LaminaError(
        'unexpected-weight',
        `${where}: weight '${extra[0]?.name}' matches no weight of the model (weights: ${targets.map((w) => w.name).join(', ')})`,
      );
  } else if (decoded.length === targets.length) {
    pairs = targets.map((w, i) => [w, decoded[i] as NamedTensor]);
  } else {
    const missing = targets.find((w) => !byName.has(w.name)) ?? targets[0];
    throw new LaminaError(
      'missing-weight',
      missing === undefined
        ? `${where}: the model has no weights, the data has ${decoded.length}`
        : `${where}: layer '${layerOf(missing.name)}' expects weight '${missing.name}' of ${shapeText(missing)}, which is not in the weights (${decoded.length} given for the model's ${targets.length})`,
    );
  }
  for (const [w, d] of pairs) {
    if (d.tensor.dtype !== w.dtype)
      throw new LaminaError(
        'weight-dtype',
        `${where}: layer '${layerOf(w.name)}' expects weight '${w.name}' of ${shapeText(w)}, the data has ${d.tensor.dtype} ('${d.name}')`,
      );
    if (!shapesEqual(d.tensor.shape, w.shape))
      throw new LaminaError(
        'weight-shape',
        `${where}: layer '${layerOf(w.name)}' expects weight '${w.name}' of ${shapeText(w)}, the data has ${shapeText(d.tensor)} ('${d.name}')`,
      );
  }
  const rename = new Map(pairs.map(([w, d]) => [d.name, w.name]));
  return { assign: () => pairs.forEach(([w, d]) => w.assign(d.tensor)), rename };
}

/** The optimizer state from its saved tensors, checked against a fresh optimizer's slots. */
function planOptimizer(
  model: Model,
  optimizer: Optimizer,
  saved: NamedTensor[],
  rename: Map<string, string>,
  where: string,
): () => void {
  if (saved.length === 0) return () => {};
  const fresh = deserializeOptimizer(serializeOptimizer(optimizer));
  fresh.build(model.trainableWeights);
  const expected = fresh.getState().slots;
  const slots: Record<string, Tensor[]> = {};
  let iterations = 0;
  for (const t of saved) {
    const m = /^(.*)\/slot(\d+)$/.exec(t.name);
    if (t.name === 'iterations') iterations = Number(t.tensor.dataSync()[0]);
    else if (m !== null && expected[rename.get(m[1] as string) ?? ''] !== undefined) {
      const list = (slots[rename.get(m[1] as string) as string] ??= []);
      list[Number(m[2])] = t.tensor;
    } else
      throw new LaminaError(
        'unexpected-weight',
        `${where}: optimizer weight '${t.name}' matches no trainable weight of the model`,
      );
  }
  // An optimizer saved before its first step has made no slots yet: only its iteration count.
  const unbuilt = Object.keys(slots).length === 0;
  for (const [name, want] of Object.entries(expected)) {
    if (unbuilt) break;
    const got = slots[name] ?? [];
    want.forEach((w, i) => {
      const g = got[i];
      if (g === undefined || g.dtype !== w.dtype || !shapesEqual(g.shape, w.shape))
        throw new LaminaError(
          'missing-weight',
          `${where}: optimizer slot ${i} of '${name}' should be ${shapeText(w)}, found ${g === undefined ? 'nothing' : shapeText(g)}`,
        );
    });
  }
  if (!Number.isSafeInteger(iterations) || iterations < 0)
    throw new LaminaError(
      'invalid-config',
      `${where}: optimizer iterations must be a count, found ${iterations}`,
    );
  return () => optimizer.setState({ iterations, slots });
}

function compileFrom(model: Model, config: JsonObject, where: string): void {
  const optimizerConfig = expectObject(
    config.optimizer_config,
    `${where}: trainingConfig.optimizer_config`,
  );
  const lossWeights = Array.isArray(config.loss_weights)
    ? (config.loss_weights as number[])
    : undefined;
  try {
    model.compile({
      optimizer: optimizerConfig as KerasObject,
      loss: config.loss as unknown as CompileArgs['loss'],
      metrics: (Array.isArray(config.metrics) ? config.metrics : undefined) as unknown as
        MetricIdentifier[] | undefined,
      lossWeights,
    });
  } catch (e) {
    throw new LaminaError(
      'invalid-config',
      `${where}: cannot compile from the training config (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/** A model (config, weights and, when saved, the compiled optimizer with its state). */
export function modelFromArtifacts(
  artifacts: ModelArtifacts,
  options: LoadOptions = {},
  where = 'loadModel',
): Model {
  if (!isObject(artifacts as unknown))
    throw new LaminaError(
      'invalid-config',
      `${where}: expected model artifacts, found ${describe(artifacts)}`,
    );
  let topology: unknown = artifacts.modelTopology;
  if (typeof topology === 'string') topology = parseJson(topology, `${where}: modelTopology`);
  if (topology === undefined || topology === null)
    throw new LaminaError(
      'no-topology',
      `${where}: the artifacts hold weights only (no modelTopology); use model.loadWeights`,
    );
  const decoded = decodeArtifacts(artifacts, where);
  const object = topologyOf(
    sanitize(topology, `${where}: modelTopology`),
    `${where}: modelTopology`,
  );
  // Strict loading assigns every weight, so initializers (an Orthogonal one takes seconds for a
  // large LSTM) would only make values about to be overwritten.
  const model = withParamBudget(
    decoded.params + PARAM_SLACK,
    () => buildModel(object, `${where}: model`),
    { initialize: options.strict === false },
  );
  const { assign, rename } = planWeights(model, decoded.weights, options.strict ?? true, where);
  let restore = (): void => {};
  const training = sanitize(artifacts.trainingConfig ?? null, `${where}: trainingConfig`);
  const resume = planResume(model, training, where);
  if (options.compile !== false && isObject(training)) {
    compileFrom(model, training, where);
    restore = planOptimizer(
      model,
      (model.compiled as { optimizer: Optimizer }).optimizer,
      decoded.optimizer,
      rename,
      where,
    );
  }
  assign();
  restore();
  resume();
  return model;
}

/** The training state saved with the optimizer (resume.ts), checked now, applied by the caller. */
function planResume(model: Model, training: JsonValue, where: string): () => void {
  if (!isObject(training) || training.training_state === undefined) return () => {};
  return planTrainingState(model, trainingStateFromJson(training.training_state, where), where);
}

/** Loads weights into an existing model; nothing is assigned unless everything checks out. */
export function loadWeightsFromArtifacts(
  model: Model,
  artifacts: ModelArtifacts,
  options: LoadOptions = {},
  where = 'loadWeights',
): void {
  if (!isObject(artifacts as unknown))
    throw new LaminaError(
      'invalid-config',
      `${where}: expected model artifacts, found ${describe(artifacts)}`,
    );
  const decoded = decodeArtifacts(artifacts, where);
  const { assign, rename } = planWeights(model, decoded.weights, options.strict ?? true, where);
  const optimizer = model.compiled?.optimizer;
  const restore =
    optimizer === undefined
      ? () => {}
      : planOptimizer(model, optimizer, decoded.optimizer, rename, where);
  const resume = planResume(
    model,
    sanitize(artifacts.trainingConfig ?? null, `${where}: trainingConfig`),
    where,
  );
  assign();
  restore();
  resume();
}
