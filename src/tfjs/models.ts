/**
 * TensorFlow.js's model API over Lamina's models. The graph, layers, weights and training loop
 * are Lamina's; what differs is the surface TensorFlow.js code calls: `evaluate` returns scalars
 * at once, `trainOnBatch` a promise of numbers, `fit` takes callbacks as one object and logs
 * accuracy as `acc`, and `fit`'s progress is silent unless asked (TensorFlow.js prints nothing
 * without its Node bindings). Regularization keeps Keras's semantics: penalties count in `loss`,
 * `val_loss` and `evaluate` (TensorFlow.js leaves them out of the last two).
 */
import type { MetricIdentifier } from '../metrics/index.js';
import { Model as LaminaModel, type ModelArgs } from '../models/model.js';
import { Sequential as LaminaSequential, type SequentialArgs } from '../models/sequential.js';
import { scalar } from '../ops/convert.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CallbackHooks } from '../training/callbacks/callback.js';
import type { History } from '../training/callbacks/history.js';
import type { CompileArgs } from '../training/compiled.js';
import type { TensorData } from '../training/data.js';
import type { EvaluateDatasetArgs, FitDatasetArgs } from '../training/fit-dataset.js';
import type { Logs } from '../training/logs.js';
import { evaluateSync, type FitArgs } from '../training/loop.js';
import { COMPILE_KEYS } from '../training/options.js';
import type { BatchSource } from '../training/stream.js';
import { checkOptions } from '../validation/options.js';
import { LaminaError } from '../errors.js';
import { checkBooleanOption } from '../validation/values.js';
import type { SaveHandler, SaveOptions, SaveResult } from '../saving/types.js';

type MetricsArg =
  | MetricIdentifier
  | readonly MetricIdentifier[]
  | readonly (readonly MetricIdentifier[])[]
  | Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[]>>;

export interface TfjsCompileArgs extends Omit<CompileArgs, 'metrics'> {
  /** One metric, a list, a list per output or a record by output name ('accuracy' logs `acc`). */
  metrics?: MetricsArg;
}

export interface TfjsFitArgs extends Omit<FitArgs, 'callbacks' | 'verbose'> {
  /** Callback objects, or one object of hooks (`{ onEpochEnd }`), as TensorFlow.js accepts. */
  callbacks?: CallbackHooks | readonly CallbackHooks[];
  /** 0 (default here, as TensorFlow.js without its Node bindings) silent, 1 progress bar, 2 lines. */
  verbose?: 0 | 1 | 2;
  /** TensorFlow.js's yield cadence: a no-op here, fit yields to the event loop once a frame. */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
}

export interface TfjsFitDatasetArgs extends Omit<FitDatasetArgs, 'callbacks' | 'verbose'> {
  callbacks?: CallbackHooks | readonly CallbackHooks[];
  /** 0 (default here) silent, 1 progress bar, 2 lines. */
  verbose?: 0 | 1 | 2;
  /** A no-op here: fit yields to the event loop once a frame. */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
}

export interface TfjsEvaluateArgs {
  batchSize?: number;
  sampleWeight?: Tensor;
  /** A no-op, as in TensorFlow.js: evaluate prints nothing. */
  verbose?: 0 | 1 | 2;
  steps?: number;
}

export interface TfjsEvaluateDatasetArgs extends EvaluateDatasetArgs {
  /** A no-op, as in TensorFlow.js: evaluateDataset prints nothing. */
  verbose?: 0 | 1 | 2;
}

export interface TfjsSaveConfig extends SaveOptions {
  /**
   * TensorFlow.js saves only the trainable weights when true; Lamina saves them all (a model
   * saved without its batch-normalization statistics could not be loaded back whole), so true
   * is refused and false is the default.
   */
  trainableOnly?: boolean;
}

export interface TfjsPredictArgs {
  batchSize?: number;
  /** A no-op, as in TensorFlow.js (where it is not implemented either): predict prints nothing. */
  verbose?: boolean;
}

/** The methods in which TensorFlow.js's models differ from Lamina's Keras-style ones. */
export interface TfjsModelMethods {
  compile(args: TfjsCompileArgs): void;
  fit(x: TensorData, y: TensorData, args?: TfjsFitArgs): Promise<History>;
  /** The loss (penalties included), then each metric: a scalar alone, else a list. */
  evaluate(x: TensorData, y: TensorData, args?: TfjsEvaluateArgs): Tensor | Tensor[];
  fitDataset(dataset: BatchSource, args?: TfjsFitDatasetArgs): Promise<History>;
  /** As `evaluate`, over the batches of a dataset. */
  evaluateDataset(dataset: BatchSource, args?: TfjsEvaluateDatasetArgs): Promise<Tensor | Tensor[]>;
  predict(x: TensorData, args?: TfjsPredictArgs): Tensor | Tensor[];
  save(target: string | SaveHandler, config?: TfjsSaveConfig): Promise<SaveResult>;
  /** One step; the loss, or [loss, ...metrics]. */
  trainOnBatch(x: TensorData, y: TensorData): Promise<number | number[]>;
  /** 'loss' then each metric's log name, in `evaluate`'s order. */
  readonly metricsNames: string[];
  /** The compiled optimizer (null before `compile`). */
  readonly optimizer: Optimizer | null;
}

type Replaced = keyof TfjsModelMethods;
export type LayersModel = Omit<LaminaModel, Replaced> & TfjsModelMethods;
export type Sequential = Omit<LaminaSequential, Replaced> & TfjsModelMethods;

/** TensorFlow.js logs 'accuracy' as `acc` (and 'crossentropy' as `ce`); Keras keeps the name. */
function renameMetric(m: MetricIdentifier): MetricIdentifier {
  return m === 'accuracy' ? 'acc' : m === 'crossentropy' ? 'ce' : m;
}

function tfjsMetrics(metrics: MetricsArg | undefined): CompileArgs['metrics'] {
  if (metrics === undefined) return undefined;
  const list = (m: MetricIdentifier | readonly MetricIdentifier[]): MetricIdentifier[] =>
    Array.isArray(m) ? m.map(renameMetric) : [renameMetric(m as MetricIdentifier)];
  if (Array.isArray(metrics)) {
    const perOutput = metrics.length > 0 && metrics.every((m) => Array.isArray(m));
    return perOutput
      ? (metrics as readonly (readonly MetricIdentifier[])[]).map(list)
      : list(metrics as readonly MetricIdentifier[]);
  }
  if (typeof metrics === 'object' && metrics !== null && !('className' in metrics)) {
    const record = metrics as Readonly<
      Record<string, MetricIdentifier | readonly MetricIdentifier[]>
    >;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, list(v)]));
  }
  return list(metrics as MetricIdentifier);
}

/**
 * The options object itself, checked to be an object (or nothing) before its TensorFlow.js-only
 * keys are taken out; the rest is checked by the Keras-face method it is passed to.
 */
function withoutNoOps<A extends object>(args: A, where: string): A {
  if (args === undefined || args === null || typeof args !== 'object' || Array.isArray(args))
    checkOptions(args, [], where);
  return args;
}

/** TensorFlow.js's fit options as Lamina's: callbacks as a list, silent by default. */
function kerasArgs<A extends { callbacks?: CallbackHooks | readonly CallbackHooks[] }>(
  args: A & { verbose?: 0 | 1 | 2; yieldEvery?: unknown },
): Omit<A, 'callbacks' | 'yieldEvery' | 'verbose'> & {
  callbacks?: readonly CallbackHooks[];
  verbose: 0 | 1 | 2;
} {
  const { callbacks, yieldEvery: _yieldEvery, verbose, ...rest } = withoutNoOps(args, 'fit');
  return {
    ...rest,
    verbose: verbose ?? 0,
    callbacks:
      callbacks === undefined
        ? undefined
        : Array.isArray(callbacks)
          ? (callbacks as readonly CallbackHooks[])
          : [callbacks as CallbackHooks],
  };
}

/** Gives a Lamina model TensorFlow.js's methods (on the instance; the graph is unchanged). */
export function asLayersModel<M extends LaminaModel>(
  model: M,
): Omit<M, Replaced> & TfjsModelMethods {
  const keras = {
    compile: model.compile.bind(model),
    fit: model.fit.bind(model) as (x: TensorData, y: TensorData, a?: FitArgs) => Promise<History>,
    fitDataset: model.fitDataset.bind(model),
    evaluateDataset: model.evaluateDataset.bind(model),
    trainOnBatch: model.trainOnBatch.bind(model),
    predict: model.predict.bind(model),
    save: model.save.bind(model),
  };
  const names = (): string[] => {
    const c = model.compiled;
    if (c === null) return [];
    const multi = c.outputNames.length > 1;
    return [
      'loss',
      ...(multi ? c.outputNames.map((o) => `${o}_loss`) : []),
      ...c.metrics.flatMap((list, i) =>
        list.map((m) => (multi ? `${c.outputNames[i]}_${m.name}` : m.name)),
      ),
    ];
  };
  /** The loss and metrics of `logs` in `metricsNames` order: a scalar alone, else a list. */
  const scalars = (logs: Logs): Tensor | Tensor[] => {
    const list = names().map((k) => scalar(logs[k] as number));
    return list.length === 1 ? (list[0] as Tensor) : list;
  };
  const methods: TfjsModelMethods & ThisType<M> = {
    compile(args: TfjsCompileArgs): void {
      // Keys only: TensorFlow.js's metrics (one name, say) are converted below, then checked.
      checkOptions(args, COMPILE_KEYS, `compile (${model.name})`);
      keras.compile({ ...args, metrics: tfjsMetrics(args.metrics) });
    },
    fit(x: TensorData, y: TensorData, args: TfjsFitArgs = {}): Promise<History> {
      return keras.fit(x, y, kerasArgs(args) as FitArgs);
    },
    fitDataset(dataset: BatchSource, args: TfjsFitDatasetArgs = {}): Promise<History> {
      return keras.fitDataset(dataset, kerasArgs(args) as FitDatasetArgs);
    },
    async evaluateDataset(
      dataset: BatchSource,
      args: TfjsEvaluateDatasetArgs = {},
    ): Promise<Tensor | Tensor[]> {
      const { verbose: _verbose, ...rest } = withoutNoOps(args, 'evaluateDataset');
      return scalars(await keras.evaluateDataset(dataset, rest));
    },
    evaluate(x: TensorData, y: TensorData, args: TfjsEvaluateArgs = {}): Tensor | Tensor[] {
      const { verbose: _verbose, ...rest } = withoutNoOps(args, 'evaluate');
      return scalars(evaluateSync(model, x, y, rest));
    },
    async save(target: string | SaveHandler, config: TfjsSaveConfig = {}): Promise<SaveResult> {
      const { trainableOnly, ...rest } = withoutNoOps(config, 'save');
      checkBooleanOption(trainableOnly, 'trainableOnly', `save (${model.name})`);
      if (trainableOnly === true)
        throw new LaminaError(
          'unsupported',
          `save (${model.name}): trainableOnly: true is not supported; Lamina saves every weight (pass false or leave it out)`,
        );
      return keras.save(target, rest);
    },
    predict(x: TensorData, args: TfjsPredictArgs = {}): Tensor | Tensor[] {
      const { verbose: _verbose, ...rest } = withoutNoOps(args, 'predict');
      return keras.predict(x, rest);
    },
    async trainOnBatch(x: TensorData, y: TensorData): Promise<number | number[]> {
      const logs = keras.trainOnBatch(x, y);
      const values = names().map((k) => logs[k] as number);
      return values.length === 1 ? (values[0] as number) : values;
    },
    get metricsNames(): string[] {
      return names();
    },
    get optimizer(): Optimizer | null {
      return model.compiled?.optimizer ?? null;
    },
  };
  Object.defineProperties(model, Object.getOwnPropertyDescriptors(methods));
  return model as unknown as Omit<M, Replaced> & TfjsModelMethods;
}

/** Whether `x` is a model given TensorFlow.js's methods by this face. */
function isLayersModel(x: unknown): boolean {
  return x instanceof LaminaModel && Object.prototype.hasOwnProperty.call(x, 'metricsNames');
}

export function sequential(args: SequentialArgs = {}): Sequential {
  return asLayersModel(new LaminaSequential(args));
}

export function model(args: ModelArgs): LayersModel {
  return asLayersModel(new LaminaModel(args));
}

/** A constructor-like function: `new F(args)` returns `make(args)`; `instanceof F` asks `is`. */
function constructorLike<A, T>(
  name: string,
  make: (args: A) => T,
  is: (x: unknown) => boolean,
): { new (args: A): T; [Symbol.hasInstance](x: unknown): boolean } {
  const f = function (args: A): T {
    return make(args);
  };
  Object.defineProperty(f, 'name', { value: name });
  Object.defineProperty(f, Symbol.hasInstance, { value: is });
  return f as unknown as { new (args: A): T; [Symbol.hasInstance](x: unknown): boolean };
}

/** `new LayersModel({ inputs, outputs })` and `x instanceof LayersModel`, as in TensorFlow.js. */
export const LayersModel = constructorLike<ModelArgs, LayersModel>(
  'LayersModel',
  model,
  isLayersModel,
);

export const Sequential = constructorLike<SequentialArgs | undefined, Sequential>(
  'Sequential',
  sequential,
  (x) => x instanceof LaminaSequential && isLayersModel(x),
);
