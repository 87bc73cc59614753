/**
 * Callbacks that watch a logged quantity: EarlyStopping, ReduceLROnPlateau; and the ones that act
 * on the learning rate or on divergence: LearningRateScheduler, TerminateOnNaN.
 */
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Optimizer } from '../../optimizers/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Logs } from '../logs.js';
import { jsonNumber, numberFromJson, type StatefulCallback } from '../resume.js';
import { Callback, type CallbackModel } from './callback.js';
import { checkOptions, optionKeys, showValue } from '../../validation/options.js';
import {
  checkBooleanOption,
  checkIntegerOption,
  checkNumberOption,
} from '../../validation/values.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../../errors.js';

export type MonitorMode = 'auto' | 'min' | 'max';

/** Keras: 'auto' maximizes accuracy-like quantities and minimizes everything else. */
function direction(monitor: string, mode: MonitorMode, where: string): 'min' | 'max' {
  if (typeof monitor !== 'string' || monitor.length === 0)
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: monitor must be the name of a logged value such as 'val_loss', received ${showValue(monitor)}`,
    );
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto')
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: mode must be 'auto', 'min' or 'max', received ${showValue(mode)}`,
    );
  return /(acc|accuracy|auc)$/.test(monitor) ? 'max' : 'min';
}

function monitored(logs: Logs | undefined, monitor: string, where: string): number | null {
  const v = logs?.[monitor];
  if (v === undefined) {
    console.warn(
      `${where}: '${monitor}' is not in the logs (available: ${Object.keys(logs ?? {})
        .filter((k) => !k.includes('/'))
        .join(', ')}); skipping`,
    );
    return null;
  }
  return v;
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: number;
  mode?: MonitorMode;
  baseline?: number;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
}

const EARLY_STOPPING_KEYS = optionKeys<EarlyStoppingArgs>({
  monitor: true,
  minDelta: true,
  patience: true,
  verbose: true,
  mode: true,
  baseline: true,
  restoreBestWeights: true,
  startFromEpoch: true,
});

/** Stops training when `monitor` stops improving for `patience` epochs (Keras 3 semantics). */
export class EarlyStopping extends Callback implements StatefulCallback {
  readonly monitor: string;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly minDelta: number;
  private readonly baseline: number | undefined;
  private readonly startFromEpoch: number;
  private readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    const where = 'EarlyStopping';
    checkOptions(args, EARLY_STOPPING_KEYS, where);
    checkNumberOption(args.minDelta, 'minDelta', where);
    checkNumberOption(args.baseline, 'baseline', where);
    checkBooleanOption(args.restoreBestWeights, 'restoreBestWeights', where);
    checkIntegerOption(args.startFromEpoch, 'startFromEpoch', where, 0);
    checkIntegerOption(args.verbose, 'verbose', where, 0);
    this.monitor = args.monitor ?? 'val_loss';
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: patience must be a non-negative integer, received ${showValue(args.patience)}`,
      );
    const mode = direction(this.monitor, args.mode ?? 'auto', where);
    // As Keras: the delta is subtracted (min) or added (max) before comparing.
    this.minDelta = Math.abs(args.minDelta ?? 0) * (mode === 'min' ? -1 : 1);
    this.better =
      mode === 'min' ? (a, b) => a - this.minDelta < b : (a, b) => a - this.minDelta > b;
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.verbose = args.verbose ?? 0;
    this.best = mode === 'min' ? Infinity : -Infinity;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = null;
    this.bestEpoch = 0;
    this.best = this.better(0, Infinity) ? Infinity : -Infinity;
  }

  onEpochEnd(epoch: number, logs?: Logs): void {
    const current = monitored(logs, this.monitor, 'EarlyStopping');
    if (current === null || epoch < this.startFromEpoch) return;
    const model = this.trainedModel('EarlyStopping');
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = model.getWeights();
    this.wait += 1;
    if (this.better(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      if (this.baseline === undefined || this.better(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  /** Saved in checkpoints; the best weights (restoreBestWeights) are not, and say so. */
  getState(): JsonObject {
    const state: JsonObject = {
      wait: this.wait,
      stopped_epoch: this.stoppedEpoch,
      best: jsonNumber(this.best),
      best_epoch: this.bestEpoch,
    };
    if (this.bestWeights !== null) state.not_saved = ['best weights (restoreBestWeights)'];
    return state;
  }

  setState(state: JsonObject): void {
    this.wait = numberFromJson(state.wait, this.wait);
    this.stoppedEpoch = numberFromJson(state.stopped_epoch, this.stoppedEpoch);
    this.best = numberFromJson(state.best, this.best);
    this.bestEpoch = numberFromJson(state.best_epoch, this.bestEpoch);
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0)
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0)
        console.log(
          `Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`,
        );
      this.trainedModel('EarlyStopping').setWeights(this.bestWeights);
    }
  }
}

function optimizerOf(model: CallbackModel | null, where: string): Optimizer {
  const compiled = model?.compiled;
  if (compiled === null || compiled === undefined)
    throw new LaminaError('invalid-state', `${where}: the model has no compiled optimizer`);
  return compiled.optimizer;
}

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  factor?: number;
  patience?: number;
  verbose?: number;
  mode?: MonitorMode;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
}

const REDUCE_LR_KEYS = optionKeys<ReduceLROnPlateauArgs>({
  monitor: true,
  factor: true,
  patience: true,
  verbose: true,
  mode: true,
  minDelta: true,
  cooldown: true,
  minLr: true,
});

/** Multiplies the learning rate by `factor` when `monitor` has not improved for `patience` epochs. */
export class ReduceLROnPlateau extends Callback implements StatefulCallback {
  readonly monitor: string;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly cooldown: number;
  private readonly minLr: number;
  private readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  private best: number;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    const where = 'ReduceLROnPlateau';
    checkOptions(args, REDUCE_LR_KEYS, where);
    checkNumberOption(args.minDelta, 'minDelta', where);
    checkNumberOption(args.minLr, 'minLr', where);
    checkIntegerOption(args.cooldown, 'cooldown', where, 0);
    checkIntegerOption(args.verbose, 'verbose', where, 0);
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0))
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: factor must be in [0, 1), received ${showValue(args.factor)}`,
      );
    this.patience = args.patience ?? 10;
    this.minDelta = args.minDelta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.verbose = args.verbose ?? 0;
    const mode = direction(this.monitor, args.mode ?? 'auto', where);
    this.better =
      mode === 'min' ? (a, b) => a < b - this.minDelta : (a, b) => a > b + this.minDelta;
    this.best = mode === 'min' ? Infinity : -Infinity;
  }

  /** Saved in checkpoints (the learning rate itself is in the optimizer's config). */
  getState(): JsonObject {
    return {
      best: jsonNumber(this.best),
      wait: this.wait,
      cooldown_counter: this.cooldownCounter,
    };
  }

  setState(state: JsonObject): void {
    this.best = numberFromJson(state.best, this.best);
    this.wait = numberFromJson(state.wait, this.wait);
    this.cooldownCounter = numberFromJson(state.cooldown_counter, this.cooldownCounter);
  }

  onEpochEnd(epoch: number, logs?: Logs): void {
    const current = monitored(logs, this.monitor, 'ReduceLROnPlateau');
    if (current === null) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const optimizer = optimizerOf(this.model, 'ReduceLROnPlateau');
        const old = optimizer.currentLearningRate();
        if (old > this.minLr) {
          const lr = Math.max(old * this.factor, this.minLr);
          optimizer.learningRate = lr;
          if (this.verbose > 0)
            console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
    if (logs !== undefined)
      logs.learning_rate = optimizerOf(this.model, 'ReduceLROnPlateau').currentLearningRate();
  }
}

/** Sets the learning rate at the start of every epoch from `schedule(epoch, currentRate)`. */
export class LearningRateScheduler extends Callback {
  constructor(
    private readonly schedule: (epoch: number, learningRate: number) => number,
    private readonly verbose = 0,
  ) {
    super();
    if (typeof schedule !== 'function')
      throw new LaminaTypeError(
        'invalid-argument',
        'LearningRateScheduler: schedule must be a function (epoch, lr) => lr',
      );
  }
  onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf(this.model, 'LearningRateScheduler');
    const lr = this.schedule(epoch, optimizer.currentLearningRate());
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `LearningRateScheduler: the schedule must return a finite non-negative number, returned ${String(lr)} at epoch ${epoch}`,
      );
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0)
      console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }
  onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs !== undefined)
      logs.learning_rate = optimizerOf(this.model, 'LearningRateScheduler').currentLearningRate();
  }
}

/** Stops training as soon as a batch's loss is NaN or infinite. */
export class TerminateOnNaN extends Callback {
  terminatedAtBatch: number | null = null;
  onTrainBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.warn(`Batch ${batch}: invalid loss ${loss}, terminating training`);
      this.terminatedAtBatch = batch;
      if (this.model !== null) this.model.stopTraining = true;
    }
  }
}
