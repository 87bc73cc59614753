/**
 * Keras 3's `compile_config` (config.json of a compiled model): optimizer, loss, loss weights and
 * metrics, read into `model.compile` and written from what `compile` fixed.
 */
import { LaminaError } from '../../errors.js';
import { serializeLoss } from '../../losses/index.js';
import { serializeMetric, type MetricIdentifier } from '../../metrics/index.js';
import type { Model } from '../../models/model.js';
import { serializeOptimizer } from '../../optimizers/index.js';
import type { JsonObject, JsonValue, KerasObject } from '../../serialization/keras-object.js';
import type { CompileArgs } from '../../training/compiled.js';
import { expectObject } from '../json.js';

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

/** Compiles `model` as `compile_config` says; a LaminaError naming the file otherwise. */
export function compileFromConfig(model: Model, value: JsonValue, where: string): void {
  const config = expectObject(value, `${where}: compile_config`);
  const optimizer = expectObject(config.optimizer, `${where}: compile_config.optimizer`);
  const loss = config.loss;
  if (loss === undefined || loss === null)
    throw new LaminaError('invalid-config', `${where}: compile_config has no loss`);
  const weights = config.loss_weights;
  try {
    model.compile({
      optimizer: optimizer as KerasObject,
      loss: loss as unknown as CompileArgs['loss'],
      metrics: (Array.isArray(config.metrics) ? config.metrics : undefined) as unknown as
        MetricIdentifier[] | undefined,
      lossWeights: Array.isArray(weights) ? (weights as number[]) : undefined,
    });
  } catch (e) {
    throw new LaminaError(
      'invalid-config',
      `${where}: cannot compile from compile_config (${(e as Error).message})`,
      { cause: e },
    );
  }
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
