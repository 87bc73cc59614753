/**
 * Keras 3's `compile_config` (config.json of a compiled model): optimizer, loss, loss weights and
 * metrics, read into `model.compile` and written from what `compile` fixed; and the
 * `training_config` attribute of legacy `.h5` files (Keras 3's legacy writer and tf.keras 2.x),
 * read.
 */
import { LaminaError } from '../../errors.js';
import { serializeLoss } from '../../losses/index.js';
import { getMetric, serializeMetric } from '../../metrics/index.js';
import type { Model } from '../../models/model.js';
import { serializeOptimizer } from '../../optimizers/index.js';
import type { JsonObject, JsonValue, KerasObject } from '../../serialization/keras-object.js';
import type { CompileArgs } from '../../training/compiled.js';
import { expectObject, isObject } from '../json.js';

const json = (value: unknown): JsonValue => value as JsonValue;

/** The `compile_config` of a compiled model, as Keras 3 writes it. */
export function compileConfigOf(model: Model): JsonObject | null {
  const compiled = model.compiled;
  if (compiled === null) return null;
  const losses = compiled.losses.map((l) => json(serializeLoss(l)));
  const metrics = compiled.metrics.map((list) => list.map((m) => json(serializeMetric(m))));
  const single = losses.length === 1;
  return {
    optimizer: json(serializeOptimizer(compiled.optimizer)),
    loss: single ? (losses[0] as JsonValue) : losses,
    loss_weights: compiled.lossWeights.every((w) => w === 1) ? null : compiled.lossWeights,
    metrics: metrics.every((m) => m.length === 0)
      ? null
      : single
        ? (metrics[0] as JsonValue)
        : metrics,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/**
 * Compiles `model` as `compile_config` says (`what` names it in errors); a LaminaError naming
 * the file otherwise. Weighted metrics are not supported: a config with some is refused.
 */
export function compileFromConfig(
  model: Model,
  value: JsonValue,
  where: string,
  what = 'compile_config',
): void {
  const config = expectObject(value, `${where}: ${what}`);
  const optimizer = expectObject(config.optimizer, `${where}: ${what}.optimizer`);
  const loss = config.loss;
  if (loss === undefined || loss === null)
    throw new LaminaError('invalid-config', `${where}: ${what} has no loss`);
  const weighted = config.weighted_metrics;
  if (weighted !== undefined && weighted !== null && !isEmpty(weighted))
    throw new LaminaError(
      'unsupported',
      `${where}: ${what} has weighted_metrics (${JSON.stringify(weighted)}), which Lamina does not support; load with { compile: false } and compile anew`,
    );
  const metrics = config.metrics;
  const weights = config.loss_weights;
  try {
    model.compile({
      optimizer: optimizer as KerasObject,
      loss: loss as unknown as CompileArgs['loss'],
      metrics:
        metrics === null || metrics === undefined
          ? undefined
          : (metrics as unknown as CompileArgs['metrics']),
      lossWeights:
        weights === null || weights === undefined
          ? undefined
          : (weights as unknown as CompileArgs['lossWeights']),
    });
  } catch (e) {
    throw new LaminaError(
      'invalid-config',
      `${where}: cannot compile from ${what} (${(e as Error).message})`,
      { cause: e },
    );
  }
}

const isEmpty = (value: JsonValue): boolean =>
  Array.isArray(value)
    ? value.every(isEmpty)
    : isObject(value) && Object.values(value).every(isEmpty);

/**
 * A loss or metric identifier of a legacy training_config as Lamina's registries read it:
 * tf.keras 2.x writes metrics as `MeanMetricWrapper` objects around a function (`fn`), read as
 * that function's metric under the saved name, and losses with `reduction: 'auto'`, which is
 * 'sum_over_batch_size' in training. Lists and records by output name are read entry by entry.
 */
function fromTfKeras(value: JsonValue, kind: 'loss' | 'metric', where: string): JsonValue {
  if (Array.isArray(value)) return value.map((v) => fromTfKeras(v, kind, where));
  if (!isObject(value)) return value;
  if (typeof value.class_name !== 'string')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fromTfKeras(v, kind, where)]),
    );
  const config = isObject(value.config) ? value.config : {};
  if (kind === 'metric' && value.class_name === 'MeanMetricWrapper') {
    const fn = config.fn;
    if (typeof fn !== 'string')
      throw new LaminaError(
        'invalid-config',
        `${where}: training_config: a MeanMetricWrapper metric needs its function's name in config.fn, found ${JSON.stringify(fn)}`,
      );
    const name = typeof config.name === 'string' ? config.name : fn;
    if (name === fn) return fn;
    const metric = asCompileError(() => getMetric(fn, {}, `${where}: training_config`), where);
    return { class_name: metric.className, config: { name } };
  }
  if (kind === 'loss' && config.reduction === 'auto')
    return { ...value, config: { ...config, reduction: 'sum_over_batch_size' } };
  return value;
}

function asCompileError<T>(fn: () => T, where: string): T {
  try {
    return fn();
  } catch (e) {
    throw new LaminaError(
      'invalid-config',
      `${where}: cannot compile from training_config (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/**
 * Compiles `model` as the `training_config` attribute of a legacy `.h5` file says: Keras 3's
 * legacy writer and tf.keras 2.x write the optimizer as `optimizer_config` beside the loss,
 * metrics and loss weights.
 */
export function compileFromTrainingConfig(model: Model, value: JsonValue, where: string): void {
  const config = expectObject(value, `${where}: training_config`);
  const optimizer = config.optimizer_config;
  if (!isObject(optimizer))
    throw new LaminaError(
      'invalid-config',
      `${where}: training_config has no optimizer_config object (found ${JSON.stringify(optimizer) ?? 'nothing'})`,
    );
  const loss = config.loss ?? null;
  const metrics = config.metrics ?? null;
  compileFromConfig(
    model,
    {
      optimizer,
      loss: loss === null ? null : fromTfKeras(loss, 'loss', where),
      metrics: metrics === null ? null : fromTfKeras(metrics, 'metric', where),
      loss_weights: config.loss_weights ?? null,
      weighted_metrics: config.weighted_metrics ?? null,
    },
    where,
    'training_config',
  );
}

/** Hyperparameters Keras's optimizers require as Python floats (`isinstance(x, float)`). */
const FLOAT_KEYS: ReadonlySet<string> = new Set([
  'learning_rate',
  'momentum',
  'rho',
  'epsilon',
  'beta_1',
  'beta_2',
  'weight_decay',
  'clipnorm',
  'clipvalue',
  'global_clipnorm',
  'ema_momentum',
  'initial_accumulator_value',
]);

/**
 * JSON text as JSON.stringify writes it, except that whole numbers under the keys above are
 * written as floats (`0.0`): JSON.stringify writes `0`, which Python reads as an int, and Keras
 * then refuses e.g. `SGD(momentum=0)` when loading the archive.
 */
export function kerasJsonText(value: JsonValue, key = ''): string {
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 1e15 && FLOAT_KEYS.has(key)
      ? `${value}.0`
      : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => kerasJsonText(v, key)).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${kerasJsonText(v, k)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
