/**
 * fit / evaluate / predict: batching, shuffling, validation, callbacks and logs. Every epoch logs
 * the Keras total `loss` (data + penalties) and, beside it, `regularization_loss`, in training
 * and on validation data alike (TensorFlow.js leaves the penalties out of `val_loss`).
 */
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../errors.js';
import type { Layer } from '../layers/base/layer.js';
import { concat } from '../ops/movement.js';
import { noGrad, whenNotDifferentiating } from '../autograd/grad.js';
import { Random } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { CallbackList, type CallbackHooks, type CallbackModel } from './callbacks/callback.js';
import { History } from './callbacks/history.js';
import { ProgressBar } from './callbacks/progress.js';
import type { Compiled } from './compiled.js';
import {
  checkBatchSize,
  permutation,
  sampleCount,
  splitAt,
  takeRows,
  toList,
  type Batch,
  type TensorData,
} from './data.js';
import { batchesOf, isBatchSource, type BatchSource } from './stream.js';
import { RunningMeans, type Logs } from './logs.js';
import { beginFit, epochProgressOf, restoreEpochProgress } from './resume.js';
import {
  lossParts,
  metricLogs,
  partsToLogs,
  resetMetrics,
  trainStep,
  updateMetrics,
} from './step.js';
import { checkClassWeight, checkFinite, dataLabel } from './finite.js';
import { sampleWeights, type ClassWeight } from './sample-weights.js';
import { checkCallbacks, checkEvaluateArgs, checkFitArgs, checkPredictArgs } from './options.js';

export interface TrainableModel extends Layer, CallbackModel {
  readonly inputNames: string[];
  readonly outputNames: string[];
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  /** Shuffle the training samples before each epoch (seeded by `seed`). Default true. */
  shuffle?: boolean;
  seed?: number;
  validationSplit?: number;
  /**
   * Arrays `[x, y]` / `[x, y, sampleWeight]`, or a source of batches (an async iterable or a
   * Dataset), read from its start at the end of every epoch.
   */
  validationData?:
    readonly [TensorData, TensorData] | readonly [TensorData, TensorData, Tensor] | BatchSource;
  validationBatchSize?: number;
  /** Batches read from a validation source per epoch (default: all of them). */
  validationSteps?: number;
  classWeight?: ClassWeight;
  sampleWeight?: Tensor;
  initialEpoch?: number;
  /** Batches per epoch (for data sources; for arrays, at most this many). */
  stepsPerEpoch?: number;
  callbacks?: readonly CallbackHooks[];
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
}

export interface PredictArgs {
  batchSize?: number;
}

export interface EvaluateArgs {
  batchSize?: number;
  sampleWeight?: Tensor;
  verbose?: 0 | 1 | 2;
  /** Batches to evaluate (default: all of them). */
  steps?: number;
  callbacks?: readonly CallbackHooks[];
}

function compiledOf(model: TrainableModel, where: string): Compiled {
  if (model.compiled === null)
    throw new LaminaError(
      'invalid-state',
      `${where}: the model must be compiled first (model.compile({ optimizer, loss }))`,
    );
  return model.compiled;
}

interface ArrayData {
  xs: Tensor[];
  ys: Tensor[];
  sw: Tensor | undefined;
  n: number;
}

function arrays(
  model: TrainableModel,
  x: TensorData,
  y: TensorData,
  sw: Tensor | undefined,
  classWeight: ClassWeight | undefined,
  where: string,
): ArrayData {
  const xs = toList(x, model.inputNames, 'x', where);
  const ys = toList(y, model.outputNames, 'y', where);
  if (xs.length !== model.inputNames.length) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: the model has ${model.inputNames.length} inputs (${model.inputNames.join(', ')}), received ${xs.length} arrays for x`,
    );
  }
  if (ys.length !== model.outputNames.length) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: the model has ${model.outputNames.length} outputs (${model.outputNames.join(', ')}), received ${ys.length} arrays for y`,
    );
  }
  const groups: [string, Tensor[]][] = [
    ['x', xs],
    ['y', ys],
  ];
  if (sw !== undefined) groups.push(['sampleWeight', [sw]]);
  const n = sampleCount(groups, where);
  xs.forEach((t, i) => checkFinite(t, dataLabel('x', model.inputNames, i), where));
  ys.forEach((t, i) => checkFinite(t, dataLabel('y', model.outputNames, i), where));
  if (sw !== undefined) checkFinite(sw, 'sampleWeight', where);
  if (classWeight !== undefined) checkClassWeight(classWeight, where);
  return { xs, ys, sw: sampleWeights(sw, classWeight, ys, n, where), n };
}

function sliceData(d: ArrayData, start: number, end: number): ArrayData {
  return {
    xs: takeRows(d.xs, null, start, end),
    ys: takeRows(d.ys, null, start, end),
    sw: d.sw === undefined ? undefined : (takeRows([d.sw], null, start, end)[0] as Tensor),
    n: end - start,
  };
}

/** How often fit lets the event loop turn: about once a frame. */
const YIELD_EVERY_MS = 16;
let lastYield = 0;

/**
 * Lets the event loop turn when a frame's worth of time has passed, so that a long fit does not
 * starve timers, I/O and (in browsers) painting, without paying a turn for every tiny batch.
 */
async function yieldToEventLoop(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < YIELD_EVERY_MS) return;
  lastYield = now;
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  await new Promise<void>((resolve) =>
    immediate !== undefined ? immediate(resolve) : setTimeout(resolve, 0),
  );
}

/** How `fitDataset` runs `fit`: its own name in messages, and the steps a sized dataset has. */
export interface FitContext {
  where?: string;
  steps?: number | null;
}

function checkSteps(value: number | undefined, arg: string, where: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: ${arg} must be a positive integer, received ${String(value)}`,
    );
  }
}

export async function fit(
  model: TrainableModel,
  x: TensorData | BatchSource,
  y: TensorData | FitArgs | undefined,
  rawArgs: FitArgs = {},
  context: FitContext = {},
): Promise<History> {
  const where = `${context.where ?? 'fit'} (${model.name})`;
  checkFitArgs(isBatchSource(x) ? y : rawArgs, where);
  // Two fits of one model at once would interleave their steps on the same weights and
  // optimizer state; the second is refused until the first has ended.
  if (training.has(model))
    throw new LaminaError(
      'invalid-state',
      `${where}: the model is already training (a fit started earlier has not finished); await it before calling fit again`,
    );
  training.add(model);
  const open: OpenStream = { stream: null };
  try {
    return await fitLoop(model, x, y, rawArgs, context, open);
  } finally {
    training.delete(model);
    // A source read only partly (stepsPerEpoch, early stopping, an error) is closed here, so
    // its file or connection is released now rather than at exit.
    await open.stream?.return?.();
  }
}

/** Models inside `fit` now. */
const training = new WeakSet<TrainableModel>();

interface OpenStream {
  stream: AsyncIterator<Batch> | null;
}

async function fitLoop(
  model: TrainableModel,
  x: TensorData | BatchSource,
  y: TensorData | FitArgs | undefined,
  rawArgs: FitArgs,
  context: FitContext,
  open: OpenStream,
): Promise<History> {
  const where = `${context.where ?? 'fit'} (${model.name})`;
  const compiled = compiledOf(model, where);
  const streaming = isBatchSource(x);
  const args: FitArgs = streaming ? ((y as FitArgs | undefined) ?? {}) : rawArgs;
  const epochs = args.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: epochs must be a positive integer, received ${String(epochs)}`,
    );
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: initialEpoch must be an integer in [0, epochs), received ${String(initialEpoch)}`,
    );
  }
  const batchSize = checkBatchSize(args.batchSize ?? 32, where);
  checkSteps(args.stepsPerEpoch, 'stepsPerEpoch', where);
  checkSteps(args.validationSteps, 'validationSteps', where);
  const verbose = args.verbose ?? 1;

  let train: ArrayData | null = null;
  let validation: ArrayData | null = null;
  let validationSource: AsyncIterable<Batch> | null = null;
  if (!streaming) {
    if (y === undefined)
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: y is required when x is not a data source`,
      );
    const all = arrays(
      model,
      x as TensorData,
      y as TensorData,
      args.sampleWeight,
      args.classWeight,
      where,
    );
    if (args.validationSplit !== undefined && args.validationData !== undefined) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: pass validationSplit or validationData, not both`,
      );
    }
    if (args.validationSplit !== undefined) {
      const cut = splitAt(all.n, args.validationSplit, where);
      train = sliceData(all, 0, cut);
      validation = sliceData(all, cut, all.n);
    } else {
      train = all;
    }
  }
  if (isBatchSource(args.validationData)) {
    validationSource = batchesOf(args.validationData, `${where} validationData`);
  } else if (args.validationData !== undefined) {
    if (!Array.isArray(args.validationData) || args.validationData.length < 2) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: validationData must be [x, y], [x, y, sampleWeight], an async iterable of batches or a Dataset`,
      );
    }
    const [vx, vy, vsw] = args.validationData as readonly [TensorData, TensorData, Tensor?];
    validation = arrays(model, vx, vy, vsw, undefined, `${where} validationData`);
  }

  const history = new History();
  // Keras's order: the progress bar first, then the user's callbacks, History last (so it
  // records what callbacks add to the logs, such as learning_rate).
  const callbacks: CallbackHooks[] =
    verbose > 0 ? [new ProgressBar({ verbose: verbose as 1 | 2 })] : [];
  callbacks.push(...checkCallbacks(args.callbacks, where), history);
  const steps =
    train === null
      ? (args.stepsPerEpoch ?? context.steps ?? null)
      : Math.min(Math.ceil(train.n / batchSize), args.stepsPerEpoch ?? Infinity);
  for (const cb of callbacks) {
    const c = cb as Partial<{ setModel(m: CallbackModel): void; setParams(p: object): void }>;
    c.setModel?.(model);
    c.setParams?.({ epochs, steps, verbose, samples: train?.n ?? null });
  }
  const list = new CallbackList(callbacks);
  // The shuffle seed, the epoch and the callbacks' states are training state (resume.ts).
  const session = beginFit(model, args.callbacks ?? [], {
    initialEpoch,
    seed: args.seed,
    streaming,
    where,
  });
  const shuffleSeed = session.shuffleSeed;
  const source = streaming ? batchesOf(x, where) : null;

  model.stopTraining = false;
  await list.call('onTrainBegin', {});
  session.restoreCallbacks();
  const metrics = compiled.metrics.flat();
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    // A checkpoint saved after some batches of this epoch: skip them, and go on from its logs.
    const midEpoch = epoch === initialEpoch && train !== null ? session.midEpoch : null;
    session.epochBegin(epoch, midEpoch?.batches ?? 0);
    await list.call('onEpochBegin', epoch, {});
    resetMetrics(compiled);
    const means = new RunningMeans();
    if (midEpoch?.progress) restoreEpochProgress(midEpoch.progress, means, metrics, where);
    session.trackProgress(() => epochProgressOf(means, metrics));
    const runBatch = async (
      batch: number,
      xs: Tensor[],
      ys: Tensor[],
      sw: Tensor | undefined,
    ): Promise<void> => {
      const size = (xs[0] as Tensor).shape[0] as number;
      await list.trainBatchBegin(batch, { batch, size });
      const parts = trainStep(model, compiled, xs, ys, sw);
      session.batchDone();
      await yieldToEventLoop();
      const values = partsToLogs(parts, compiled);
      means.add(values, size);
      await list.trainBatchEnd(batch, { ...means.means(), ...metricLogs(compiled) });
    };
    if (train !== null) {
      const order =
        args.shuffle === false
          ? null
          : permutation(train.n, new Random(shuffleSeed * 1000003 + epoch));
      const skipped = midEpoch?.batches ?? 0;
      for (
        let b = skipped, start = skipped * batchSize;
        start < train.n && (steps === null || b < steps) && !model.stopTraining;
        b++, start += batchSize
      ) {
        const end = Math.min(start + batchSize, train.n);
        const sw =
          train.sw === undefined
            ? undefined
            : (takeRows([train.sw], order, start, end)[0] as Tensor);
        await runBatch(
          b,
          takeRows(train.xs, order, start, end),
          takeRows(train.ys, order, start, end),
          sw,
        );
      }
    } else {
      // Without stepsPerEpoch an epoch is one pass over the source; with it, epochs continue
      // where the previous one stopped (as TensorFlow.js's batchesPerEpoch).
      if (open.stream === null || args.stepsPerEpoch === undefined) {
        await open.stream?.return?.();
        open.stream = (source as AsyncIterable<Batch>)[Symbol.asyncIterator]();
      }
      const stream = open.stream;
      for (
        let b = 0;
        (args.stepsPerEpoch === undefined || b < args.stepsPerEpoch) && !model.stopTraining;
        b++
      ) {
        const next = await stream.next();
        if (next.done === true) {
          if (args.stepsPerEpoch !== undefined) {
            console.warn(
              `${where}: the data source ran out after ${b} batches of epoch ${epoch + 1}; stopping training`,
            );
            model.stopTraining = true;
          }
          break;
        }
        const batch = next.value;
        const d = arrays(
          model,
          batch.xs,
          batch.ys,
          batch.sampleWeight,
          args.classWeight,
          `${where}: batch ${b}`,
        );
        await runBatch(b, d.xs, d.ys, d.sw);
      }
    }
    const logs: Logs = { ...means.means(), ...metricLogs(compiled) };
    if (validation !== null) {
      const v = evaluateArrays(model, compiled, validation, args.validationBatchSize ?? batchSize);
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    } else if (validationSource !== null) {
      const v = await evaluateBatches(
        model,
        compiled,
        validationSource,
        args.validationSteps,
        `${where} validationData`,
      );
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    session.epochDone(epoch);
    await list.call('onEpochEnd', epoch, logs);
    await list.call('onEpochFinal', epoch, logs);
  }
  await list.call('onTrainEnd', {});
  return history;
}

/** Mean loss parts and metrics over `data` in inference mode. */
function evaluateArrays(
  model: TrainableModel,
  compiled: Compiled,
  data: ArrayData,
  batchSize: number,
): Logs {
  resetMetrics(compiled);
  const means = new RunningMeans();
  noGrad(() => {
    for (let start = 0; start < data.n; start += batchSize) {
      const end = Math.min(start + batchSize, data.n);
      const xs = takeRows(data.xs, null, start, end);
      const ys = takeRows(data.ys, null, start, end);
      const sw =
        data.sw === undefined ? undefined : (takeRows([data.sw], null, start, end)[0] as Tensor);
      const parts = lossParts(model, compiled, xs, ys, sw, false);
      updateMetrics(compiled, ys, parts.predictions, sw);
      means.add(partsToLogs(parts, compiled), end - start);
    }
  });
  const logs = { ...means.means(), ...metricLogs(compiled) };
  resetMetrics(compiled);
  return logs;
}

/**
 * Mean loss parts and metrics over the batches of `source` (a fresh iteration, at most `steps`
 * batches), in inference mode, weighted by batch size as evaluateArrays does.
 */
export async function evaluateBatches(
  model: TrainableModel,
  compiled: Compiled,
  source: AsyncIterable<Batch>,
  steps: number | undefined,
  where: string,
): Promise<Logs> {
  resetMetrics(compiled);
  const means = new RunningMeans();
  let b = 0;
  for await (const batch of source) {
    const d = arrays(
      model,
      batch.xs,
      batch.ys,
      batch.sampleWeight,
      undefined,
      `${where}: batch ${b}`,
    );
    noGrad(() => {
      const parts = lossParts(model, compiled, d.xs, d.ys, d.sw, false);
      updateMetrics(compiled, d.ys, parts.predictions, d.sw);
      means.add(partsToLogs(parts, compiled), d.n);
    });
    if (++b === steps) break;
  }
  if (b === 0) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: the data source yielded no batches (an async generator object can be read only once: pass a Dataset, or an object whose [Symbol.asyncIterator]() starts over)`,
    );
  }
  if (steps !== undefined && b < steps) {
    console.warn(`${where}: the data source ran out after ${b} of ${steps} batches`);
  }
  const logs = { ...means.means(), ...metricLogs(compiled) };
  resetMetrics(compiled);
  return logs;
}

/** Loss (with penalties), `regularization_loss`, per-term penalties and metrics on (x, y). */
export async function evaluate(
  model: TrainableModel,
  x: TensorData,
  y: TensorData,
  args: EvaluateArgs = {},
): Promise<Logs> {
  const where = `evaluate (${model.name})`;
  checkEvaluateArgs(args, where);
  const list = new CallbackList(checkCallbacks(args.callbacks, where));
  await list.call('onTestBegin', {});
  const { callbacks: _callbacks, ...rest } = args;
  const logs = evaluateSync(model, x, y, rest);
  await list.call('onTestEnd', logs);
  return logs;
}

/** `evaluate` at once, without callbacks (TensorFlow.js's `evaluate` is synchronous). */
export function evaluateSync(
  model: TrainableModel,
  x: TensorData,
  y: TensorData,
  args: Omit<EvaluateArgs, 'callbacks'> = {},
): Logs {
  const where = `evaluate (${model.name})`;
  checkEvaluateArgs(args, where);
  const compiled = compiledOf(model, where);
  const batchSize = checkBatchSize(args.batchSize ?? 32, where);
  const data = arrays(model, x, y, args.sampleWeight, undefined, where);
  // `steps` batches at most, as Keras and TensorFlow.js.
  const limit = args.steps === undefined ? data.n : Math.min(data.n, args.steps * batchSize);
  return evaluateArrays(
    model,
    compiled,
    limit < data.n ? sliceData(data, 0, limit) : data,
    batchSize,
  );
}

export function predict(
  model: TrainableModel,
  x: TensorData,
  args: PredictArgs = {},
): Tensor | Tensor[] {
  const where = `predict (${model.name})`;
  checkPredictArgs(args, where);
  const batchSize = checkBatchSize(args.batchSize ?? 32, where);
  const xs = toList(x, model.inputNames, 'x', where);
  const n = sampleCount([['x', xs]], where);
  const chunks: Tensor[][] = [];
  // Inference records nothing, except inside a gradient tape (variableGrads(() => loss of
  // predict(x))), where predict is differentiable as in TensorFlow.js.
  whenNotDifferentiating(() => {
    for (let start = 0; start < n; start += batchSize) {
      const rows = takeRows(xs, null, start, Math.min(start + batchSize, n));
      const out = model.apply(rows.length === 1 ? (rows[0] as Tensor) : rows);
      chunks.push(Array.isArray(out) ? out : [out]);
    }
  });
  const outputs = (chunks[0] ?? []).map((_, i) =>
    concat(
      chunks.map((c) => c[i] as Tensor),
      0,
    ),
  );
  return outputs.length === 1 ? (outputs[0] as Tensor) : outputs;
}

/** One gradient step on one batch; returns the logs of that batch. */
export function trainOnBatch(
  model: TrainableModel,
  x: TensorData,
  y: TensorData,
  sampleWeight?: Tensor,
): Logs {
  const where = `trainOnBatch (${model.name})`;
  const compiled = compiledOf(model, where);
  const d = arrays(model, x, y, sampleWeight, undefined, where);
  resetMetrics(compiled);
  const parts = trainStep(model, compiled, d.xs, d.ys, d.sw);
  return { ...partsToLogs(parts, compiled), ...metricLogs(compiled) };
}

export function testOnBatch(
  model: TrainableModel,
  x: TensorData,
  y: TensorData,
  sampleWeight?: Tensor,
): Logs {
  const where = `testOnBatch (${model.name})`;
  const compiled = compiledOf(model, where);
  const d = arrays(model, x, y, sampleWeight, undefined, where);
  return evaluateArrays(model, compiled, d, d.n);
}
