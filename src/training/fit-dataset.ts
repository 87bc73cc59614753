/**
 * TensorFlow.js's `fitDataset` and `evaluateDataset`, as thin front ends to `fit` over a data
 * source: the same loop, logs (`loss` with the penalties, `regularization_loss`, `val_` values)
 * and callbacks. Each element of the dataset is one batch, `{ xs, ys }` or `[xs, ys]`.
 */
import type { History } from './callbacks/history.js';
import { CallbackList, type CallbackHooks } from './callbacks/callback.js';
import type { TensorData } from './data.js';
import type { Logs } from './logs.js';
import { evaluateBatches, fit, type TrainableModel } from './loop.js';
import { batchesOf, isBatchSource, type BatchSource } from './stream.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ClassWeight } from './sample-weights.js';
import { checkCallbacks, checkEvaluateDatasetArgs, checkFitDatasetArgs } from './options.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';

export interface FitDatasetArgs {
  /** Default 1. */
  epochs?: number;
  /**
   * Batches per epoch. Without it an epoch is one full pass over the dataset (restarted each
   * epoch); with it, training reads on from where the previous epoch stopped, so the dataset
   * must hold `epochs * batchesPerEpoch` batches (use `repeat()`).
   */
  batchesPerEpoch?: number;
  /** A dataset of batches (read from its start every epoch) or arrays `[x, y]` / `[x, y, sampleWeight]`. */
  validationData?:
    BatchSource | readonly [TensorData, TensorData] | readonly [TensorData, TensorData, Tensor];
  /** Batches of a validation dataset evaluated per epoch (default: all of them). */
  validationBatches?: number;
  /** Batch size for array validation data (default 32). */
  validationBatchSize?: number;
  initialEpoch?: number;
  callbacks?: readonly CallbackHooks[];
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  classWeight?: ClassWeight;
}

export interface EvaluateDatasetArgs {
  /** Batches to evaluate (default: the whole dataset). */
  batches?: number;
  callbacks?: readonly CallbackHooks[];
}

function checkDataset(dataset: unknown, where: string): BatchSource {
  if (!isBatchSource(dataset)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected a Dataset (from data.array, data.csv, ...) or an async iterable of batches, received ${dataset === null ? 'null' : typeof dataset}`,
    );
  }
  return dataset;
}

/** The number of batches an epoch has when the dataset knows its size, for the progress bar. */
function knownSize(dataset: BatchSource): number | null {
  const size = (dataset as { size?: unknown }).size;
  return typeof size === 'number' && Number.isFinite(size) ? size : null;
}

export async function fitDataset(
  model: TrainableModel,
  dataset: BatchSource,
  args: FitDatasetArgs = {},
): Promise<History> {
  const where = `fitDataset (${model.name})`;
  checkDataset(dataset, where);
  checkFitDatasetArgs(args, where);
  if (args.validationBatches !== undefined && !isBatchSource(args.validationData)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: validationBatches applies only to a validation dataset`,
    );
  }
  return fit(
    model,
    dataset,
    {
      epochs: args.epochs,
      stepsPerEpoch: args.batchesPerEpoch,
      validationData: args.validationData,
      validationSteps: args.validationBatches,
      validationBatchSize: args.validationBatchSize,
      initialEpoch: args.initialEpoch,
      callbacks: args.callbacks,
      verbose: args.verbose,
      classWeight: args.classWeight,
    },
    undefined,
    { where: 'fitDataset', steps: knownSize(dataset) },
  );
}

/** Loss (with penalties), `regularization_loss`, each penalty term and the metrics. */
export async function evaluateDataset(
  model: TrainableModel,
  dataset: BatchSource,
  args: EvaluateDatasetArgs = {},
): Promise<Logs> {
  const where = `evaluateDataset (${model.name})`;
  checkDataset(dataset, where);
  checkEvaluateDatasetArgs(args, where);
  const batches = args.batches;
  if (batches !== undefined && (!Number.isInteger(batches) || batches <= 0)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: batches must be a positive integer, received ${String(batches)}`,
    );
  }
  if (model.compiled === null) {
    throw new LaminaError(
      'invalid-state',
      `${where}: the model must be compiled first (model.compile({ optimizer, loss }))`,
    );
  }
  const list = new CallbackList(checkCallbacks(args.callbacks, where));
  await list.call('onTestBegin', {});
  const logs = await evaluateBatches(
    model,
    model.compiled,
    batchesOf(dataset, where),
    batches,
    where,
  );
  await list.call('onTestEnd', logs);
  return logs;
}
