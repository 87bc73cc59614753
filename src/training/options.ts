/**
 * The options of compile, fit, evaluate, predict, fitDataset and evaluateDataset: the keys each
 * accepts (an unknown key is refused with the nearest valid one) and the type and range of each
 * value, checked before any work starts.
 */
import { Tensor } from '../tensor/tensor.js';
import { LaminaError } from '../errors.js';
import { checkOptions, describeValue, optionKeys } from '../validation/options.js';
import {
  checkBooleanOption,
  checkFractionOption,
  checkIntegerOption,
  checkOneOfOption,
  checkRecordOption,
  checkSeedOption,
  invalidOption,
} from '../validation/values.js';
import type { CallbackHooks } from './callbacks/callback.js';
import type { CompileArgs } from './compiled.js';
import type { EvaluateDatasetArgs, FitDatasetArgs } from './fit-dataset.js';
import type { EvaluateArgs, FitArgs, PredictArgs } from './loop.js';

export const COMPILE_KEYS = optionKeys<CompileArgs>({
  optimizer: true,
  loss: true,
  metrics: true,
  lossWeights: true,
});

export const FIT_KEYS = optionKeys<FitArgs>({
  epochs: true,
  batchSize: true,
  shuffle: true,
  seed: true,
  validationSplit: true,
  validationData: true,
  validationBatchSize: true,
  validationSteps: true,
  classWeight: true,
  sampleWeight: true,
  initialEpoch: true,
  stepsPerEpoch: true,
  callbacks: true,
  verbose: true,
});

export const EVALUATE_KEYS = optionKeys<EvaluateArgs>({
  batchSize: true,
  sampleWeight: true,
  verbose: true,
  steps: true,
  callbacks: true,
});

export const PREDICT_KEYS = optionKeys<PredictArgs>({ batchSize: true });

export const FIT_DATASET_KEYS = optionKeys<FitDatasetArgs>({
  epochs: true,
  batchesPerEpoch: true,
  validationData: true,
  validationBatches: true,
  validationBatchSize: true,
  initialEpoch: true,
  callbacks: true,
  verbose: true,
  classWeight: true,
});

export const EVALUATE_DATASET_KEYS = optionKeys<EvaluateDatasetArgs>({
  batches: true,
  callbacks: true,
});

const VERBOSITY = [0, 1, 2] as const;

export function checkCompileArgs(args: unknown, where: string): void {
  if (args === undefined)
    throw new LaminaError(
      'invalid-argument',
      `${where}: expected options such as { optimizer: 'adam', loss: 'meanSquaredError' }, received nothing`,
    );
  checkOptions(args, COMPILE_KEYS, where);
  const metrics = (args as { metrics?: unknown }).metrics;
  if (
    metrics !== undefined &&
    metrics !== null &&
    (typeof metrics !== 'object' || Object.getPrototypeOf(metrics) === null)
  )
    throw invalidOption(
      where,
      'metrics',
      'a list of metrics (or a list or record per output)',
      metrics,
    );
}

export function checkFitArgs(args: unknown, where: string): void {
  checkOptions(args, FIT_KEYS, where);
  const a = (args ?? {}) as Readonly<Record<string, unknown>>;
  checkIntegerOption(a.epochs, 'epochs', where);
  checkIntegerOption(a.batchSize, 'batchSize', where);
  checkBooleanOption(a.shuffle, 'shuffle', where);
  checkSeedOption(a.seed, 'seed', where);
  checkFractionOption(a.validationSplit, 'validationSplit', where);
  checkIntegerOption(a.validationBatchSize, 'validationBatchSize', where);
  checkIntegerOption(a.validationSteps, 'validationSteps', where);
  checkRecordOption(a.classWeight, 'classWeight', where);
  checkTensorOption(a.sampleWeight, 'sampleWeight', where);
  checkIntegerOption(a.initialEpoch, 'initialEpoch', where, 0);
  checkIntegerOption(a.stepsPerEpoch, 'stepsPerEpoch', where);
  checkOneOfOption(a.verbose, 'verbose', where, VERBOSITY);
  checkCallbacks(a.callbacks, where);
}

export function checkEvaluateArgs(args: unknown, where: string): void {
  checkOptions(args, EVALUATE_KEYS, where);
  const a = (args ?? {}) as Readonly<Record<string, unknown>>;
  checkIntegerOption(a.batchSize, 'batchSize', where);
  checkTensorOption(a.sampleWeight, 'sampleWeight', where);
  checkOneOfOption(a.verbose, 'verbose', where, VERBOSITY);
  checkIntegerOption(a.steps, 'steps', where);
  checkCallbacks(a.callbacks, where);
}

export function checkPredictArgs(args: unknown, where: string): void {
  checkOptions(args, PREDICT_KEYS, where);
  checkIntegerOption((args as PredictArgs | undefined)?.batchSize, 'batchSize', where);
}

export function checkFitDatasetArgs(args: unknown, where: string): void {
  if ((args as { validationSplit?: unknown } | undefined)?.validationSplit !== undefined) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: validationSplit is not supported with a dataset (it cannot be split without reading it); pass validationData`,
    );
  }
  checkOptions(args, FIT_DATASET_KEYS, where);
  const a = (args ?? {}) as Readonly<Record<string, unknown>>;
  checkIntegerOption(a.epochs, 'epochs', where);
  checkIntegerOption(a.batchesPerEpoch, 'batchesPerEpoch', where);
  checkIntegerOption(a.validationBatches, 'validationBatches', where);
  checkIntegerOption(a.validationBatchSize, 'validationBatchSize', where);
  checkIntegerOption(a.initialEpoch, 'initialEpoch', where, 0);
  checkOneOfOption(a.verbose, 'verbose', where, VERBOSITY);
  checkRecordOption(a.classWeight, 'classWeight', where);
  checkCallbacks(a.callbacks, where);
}

export function checkEvaluateDatasetArgs(args: unknown, where: string): void {
  checkOptions(args, EVALUATE_DATASET_KEYS, where);
  const a = (args ?? {}) as Readonly<Record<string, unknown>>;
  checkIntegerOption(a.batches, 'batches', where);
  checkCallbacks(a.callbacks, where);
}

function checkTensorOption(value: unknown, key: string, where: string): void {
  if (value !== undefined && !(value instanceof Tensor))
    throw invalidOption(where, key, 'a Tensor', value);
}

/**
 * `callbacks` must be a list of objects (a Callback, or an object with hook methods such as
 * `onEpochEnd`); one callback given alone is refused with how to pass it.
 */
export function checkCallbacks(value: unknown, where: string): readonly CallbackHooks[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: callbacks must be a list, received ${describeValue(value)}${typeof value === 'object' && value !== null ? ' (pass one callback as [callback])' : ''}`,
    );
  }
  value.forEach((cb: unknown, i) => {
    if (typeof cb !== 'object' || cb === null || Array.isArray(cb))
      throw new LaminaError(
        'invalid-argument',
        `${where}: callbacks[${i}] must be a callback (an object with hooks such as onEpochEnd), received ${describeValue(cb)}`,
      );
  });
  return value as readonly CallbackHooks[];
}
