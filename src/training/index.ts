import { Callback, CallbackList } from './callbacks/callback.js';
import { History } from './callbacks/history.js';
import { ProgressBar } from './callbacks/progress.js';
import { ModelCheckpoint, type ModelCheckpointArgs } from './callbacks/checkpoint.js';
import { CSVLogger, type CSVLoggerArgs } from './callbacks/csv-logger.js';
import {
  EarlyStopping,
  LearningRateScheduler,
  ReduceLROnPlateau,
  TerminateOnNaN,
  type EarlyStoppingArgs,
  type ReduceLROnPlateauArgs,
} from './callbacks/monitors.js';

export {
  Callback,
  CallbackList,
  type CallbackHooks,
  type CallbackParams,
  type CallbackModel,
  type CallbackSaveOptions,
} from './callbacks/callback.js';
export { History } from './callbacks/history.js';
export { ProgressBar, type ProgressOptions } from './callbacks/progress.js';
export {
  EarlyStopping,
  ReduceLROnPlateau,
  LearningRateScheduler,
  TerminateOnNaN,
  CSVLogger,
  ModelCheckpoint,
  type ModelCheckpointArgs,
  type EarlyStoppingArgs,
  type ReduceLROnPlateauArgs,
  type CSVLoggerArgs,
};
export type { MonitorMode } from './callbacks/monitors.js';
export { formatFilepath } from './callbacks/checkpoint.js';
export type { CompileArgs, Compiled } from './compiled.js';
export type { Batch, TensorData } from './data.js';
export type { FitArgs, EvaluateArgs } from './loop.js';
export type { FitDatasetArgs, EvaluateDatasetArgs } from './fit-dataset.js';
export type { BatchSource, DatasetLike } from './stream.js';
export type { Logs } from './logs.js';
export type { ClassWeight } from './sample-weights.js';
export { jsonNumber, numberFromJson, type StatefulCallback } from './resume.js';

/** Factories in TensorFlow.js style: `callbackFactories.earlyStopping({ patience: 3 })`. */
export const callbackFactories = {
  earlyStopping: (args: EarlyStoppingArgs = {}) => new EarlyStopping(args),
  reduceLROnPlateau: (args: ReduceLROnPlateauArgs = {}) => new ReduceLROnPlateau(args),
  learningRateScheduler: (schedule: (epoch: number, lr: number) => number, verbose = 0) =>
    new LearningRateScheduler(schedule, verbose),
  terminateOnNaN: () => new TerminateOnNaN(),
  csvLogger: (filename: string, args: CSVLoggerArgs = {}) => new CSVLogger(filename, args),
  modelCheckpoint: (filepath: string, args: ModelCheckpointArgs = {}) =>
    new ModelCheckpoint(filepath, args),
};

/**
 * Keras's `callbacks` module: the factories and every callback class
 * (`new callbacks.EarlyStopping({ patience: 3 })`, as `keras.callbacks.EarlyStopping`).
 */
export const callbacks = {
  ...callbackFactories,
  Callback,
  CallbackList,
  History,
  ProgressBar,
  EarlyStopping,
  ReduceLROnPlateau,
  LearningRateScheduler,
  TerminateOnNaN,
  CSVLogger,
  ModelCheckpoint,
};
