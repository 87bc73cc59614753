/**
 * ModelCheckpoint (Keras): saves the model (or its weights) at the end of every epoch or every
 * `saveFreq` batches, to a path formatted with the epoch and the logs (`ckpt-{epoch:02d}-
 * {val_loss:.4f}`), optionally only when `monitor` improves. Saves are crash-safe (see
 * `saveModel`): a process killed at any moment leaves the previous checkpoint loadable.
 */
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Logs } from '../logs.js';
import { jsonNumber, numberFromJson, type StatefulCallback } from '../resume.js';
import { Callback } from './callback.js';
import type { MonitorMode } from './monitors.js';
import { checkOptions, optionKeys } from '../../validation/options.js';
import { showValue } from '../../validation/options.js';
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../../errors.js';

export interface ModelCheckpointArgs {
  /** Quantity compared when `saveBestOnly` (default 'val_loss'). */
  monitor?: string;
  verbose?: number;
  /** Save only when `monitor` improves on the best value so far. */
  saveBestOnly?: boolean;
  /** Weights (and optimizer state) only, without the model config. */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** 'epoch' (default) or a number of batches. */
  saveFreq?: 'epoch' | number;
  /** Also save the optimizer state and training config, so fit can resume (default true). */
  includeOptimizer?: boolean;
  /** The value `monitor` must beat for the first save (saveBestOnly). */
  initialValueThreshold?: number;
}

/** Python-style `{name}` / `{name:spec}` fields: `d`, `f`, `e`, `g` and zero padding. */
export function formatFilepath(template: string, values: Readonly<Record<string, number>>): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (_, key: string, spec: string | undefined) => {
    const v = values[key];
    if (v === undefined)
      throw new LaminaError(
        'invalid-argument',
        `ModelCheckpoint: the filepath '${template}' names '${key}', which is not among ${Object.keys(values).join(', ')}`,
      );
    const m = /^(0?)(\d*)(?:\.(\d+))?([dfeg]?)$/.exec(spec ?? '');
    if (m === null)
      throw new LaminaError(
        'invalid-argument',
        `ModelCheckpoint: unsupported format spec '${spec}' in '${template}'`,
      );
    const [, zero, width, precision, type] = m as unknown as [
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    const p = precision === undefined ? undefined : Number(precision);
    let text: string;
    if (type === 'd') text = String(Math.trunc(v));
    else if (type === 'f') text = v.toFixed(p ?? 6);
    else if (type === 'e') text = v.toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
    else if (type === 'g') text = String(Number(v.toPrecision(p ?? 6)));
    else text = p === undefined ? String(v) : v.toFixed(p);
    const w = width === '' ? 0 : Number(width);
    if (text.length >= w) return text;
    if (zero !== '0') return text.padStart(w, ' ');
    const sign = text.startsWith('-') ? '-' : '';
    return sign + text.slice(sign.length).padStart(w - sign.length, '0');
  });
}

const CHECKPOINT_KEYS = optionKeys<ModelCheckpointArgs>({
  monitor: true,
  verbose: true,
  saveBestOnly: true,
  saveWeightsOnly: true,
  mode: true,
  saveFreq: true,
  includeOptimizer: true,
  initialValueThreshold: true,
});

export class ModelCheckpoint extends Callback implements StatefulCallback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  best: number;
  /** The path of the latest save, if any. */
  lastSaved: string | null = null;
  private readonly better: (a: number, b: number) => boolean;
  private readonly saveFreq: 'epoch' | number;
  private readonly includeOptimizer: boolean;
  private readonly verbose: number;
  private batchesSinceSave = 0;
  private epoch = 0;

  constructor(
    readonly filepath: string,
    args: ModelCheckpointArgs = {},
  ) {
    super();
    if (typeof filepath !== 'string' || filepath.length === 0)
      throw new LaminaTypeError(
        'invalid-argument',
        'ModelCheckpoint: filepath must be a non-empty string',
      );
    checkOptions(args, CHECKPOINT_KEYS, 'ModelCheckpoint');
    this.monitor = args.monitor ?? 'val_loss';
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.includeOptimizer = args.includeOptimizer ?? true;
    this.verbose = args.verbose ?? 0;
    this.saveFreq = args.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0))
      throw new LaminaRangeError(
        'invalid-argument',
        `ModelCheckpoint: saveFreq must be 'epoch' or a positive integer, received ${showValue(args.saveFreq)}`,
      );
    const mode = args.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max')
      throw new LaminaRangeError(
        'invalid-argument',
        `ModelCheckpoint: mode must be 'auto', 'min' or 'max', received ${showValue(mode)}`,
      );
    const max = mode === 'max' || (mode === 'auto' && /(acc|accuracy|auc)$/.test(this.monitor));
    this.better = max ? (a, b) => a > b : (a, b) => a < b;
    this.best = args.initialValueThreshold ?? (max ? -Infinity : Infinity);
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  async onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    this.batchesSinceSave += 1;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.save(this.epoch, { batch: batch + 1, ...logs });
    }
  }

  /**
   * Epoch saves wait for every callback's onEpochEnd, so the checkpoint holds the epoch's final
   * state (a learning rate ReduceLROnPlateau has just lowered, its counters) and resume is exact.
   */
  async onEpochFinal(epoch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save(epoch, logs ?? {});
  }

  getState(): JsonObject {
    return { best: jsonNumber(this.best), batches_since_save: this.batchesSinceSave };
  }

  setState(state: JsonObject): void {
    this.best = numberFromJson(state.best, this.best);
    this.batchesSinceSave = numberFromJson(state.batches_since_save, this.batchesSinceSave);
  }

  private async save(epoch: number, logs: Logs): Promise<void> {
    const model = this.trainedModel('ModelCheckpoint');
    const path = formatFilepath(this.filepath, { ...logs, epoch: epoch + 1 });
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined || Number.isNaN(current)) {
        console.warn(
          `ModelCheckpoint: can save best model only with '${this.monitor}' available, skipping`,
        );
        return;
      }
      if (!this.better(current, this.best)) {
        if (this.verbose > 0)
          console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best}`);
        return;
      }
      if (this.verbose > 0)
        console.log(
          `Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving to ${path}`,
        );
      this.best = current;
    } else if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    await model.save(path, {
      weightsOnly: this.saveWeightsOnly,
      includeOptimizer: this.includeOptimizer,
    });
    this.lastSaved = path;
  }
}
