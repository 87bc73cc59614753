/**
 * Callbacks: objects with Keras's hook names, called by fit / evaluate / predict. Hooks may be
 * async. Set `model.stopTraining = true` (or return after calling `stop()`) to end `fit` after
 * the current batch.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { Compiled } from '../compiled.js';
import type { Logs } from '../logs.js';
import { LaminaError } from '../../errors.js';

/**
 * What a callback may use of the model being trained (Keras's `self.model`): `fit` hands the
 * model itself, which training/ knows only through this interface.
 */
export interface CallbackModel {
  readonly name: string;
  /** Set to end `fit` after the current batch. */
  stopTraining: boolean;
  /** The optimizer, losses and metrics of `compile`; null before compiling. */
  readonly compiled: Compiled | null;
  getWeights(): Tensor[];
  setWeights(values: readonly Tensor[]): void;
  /** Saves to a path (ModelCheckpoint), crash-safely: see `Model.save`. */
  save(path: string, options?: CallbackSaveOptions): Promise<unknown>;
}

/** The options of `CallbackModel.save` that callbacks set. */
export interface CallbackSaveOptions {
  weightsOnly?: boolean;
  includeOptimizer?: boolean;
}

export interface CallbackHooks {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  /**
   * After every callback's `onEpochEnd`, when the epoch's state is final (a learning rate
   * lowered by ReduceLROnPlateau, EarlyStopping's count): where ModelCheckpoint saves, so a
   * checkpoint holds that state whatever the order of the callbacks.
   */
  onEpochFinal?(epoch: number, logs?: Logs): void | Promise<void>;
  /** Keras 3 name; `onBatchBegin` (TensorFlow.js / Keras 2) is called too. */
  onTrainBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onTrainBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  onTestBegin?(logs?: Logs): void | Promise<void>;
  onTestEnd?(logs?: Logs): void | Promise<void>;
  onTestBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onTestBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  onPredictBegin?(logs?: Logs): void | Promise<void>;
  onPredictEnd?(logs?: Logs): void | Promise<void>;
  onPredictBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onPredictBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/** Base class for callbacks; `model` and `params` are set before training starts. */
export abstract class Callback {
  model: CallbackModel | null = null;
  params: CallbackParams = { epochs: 0, steps: null, verbose: 0, samples: null };
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  /** The model, or an error naming the callback when it is used outside `fit`. */
  protected trainedModel(where: string): CallbackModel {
    if (this.model === null)
      throw new LaminaError('invalid-state', `${where}: no model (use it as a callback of fit)`);
    return this.model;
  }
  setParams(params: CallbackParams): void {
    this.params = params;
  }
}

export interface CallbackParams {
  epochs: number;
  /** Batches per epoch when known. */
  steps: number | null;
  verbose: number;
  samples: number | null;
}

type HookName = keyof CallbackHooks;

/** Calls one hook on every callback, in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: readonly CallbackHooks[]) {}

  async call(hook: HookName, ...args: [number, Logs?] | [Logs?]): Promise<void> {
    for (const cb of this.callbacks) {
      const fn = cb[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      if (typeof fn === 'function') await fn.apply(cb, args);
    }
  }

  async trainBatchBegin(batch: number, logs: Logs): Promise<void> {
    await this.call('onTrainBatchBegin', batch, logs);
    await this.call('onBatchBegin', batch, logs);
  }

  async trainBatchEnd(batch: number, logs: Logs): Promise<void> {
    await this.call('onTrainBatchEnd', batch, logs);
    await this.call('onBatchEnd', batch, logs);
  }
}
