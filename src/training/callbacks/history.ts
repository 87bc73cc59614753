import type { Logs } from '../logs.js';
import { Callback } from './callback.js';

/** Log keys that carry one penalty term: `penalty/<layer>/<kind>` (and `val_penalty/...`). */
export const PENALTY_PREFIX = 'penalty/';
export const VAL_PENALTY_PREFIX = 'val_penalty/';

/**
 * Records every epoch's logs (`history.history.loss[epoch]`, as Keras and TensorFlow.js), and
 * the regularization breakdown per layer and kind: `penalties['dense_1/kernel'][epoch]`,
 * `penalties['dense_1/activity'][epoch]`, and the same on validation data in `valPenalties`.
 */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  readonly penalties: Record<string, number[]> = {};
  readonly valPenalties: Record<string, number[]> = {};

  onTrainBegin(): void {
    this.epoch.length = 0;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    const row = this.epoch.length - 1;
    for (const [key, value] of Object.entries(logs)) {
      const [target, name] = key.startsWith(VAL_PENALTY_PREFIX)
        ? [this.valPenalties, key.slice(VAL_PENALTY_PREFIX.length)]
        : key.startsWith(PENALTY_PREFIX)
          ? [this.penalties, key.slice(PENALTY_PREFIX.length)]
          : [this.history, key];
      // A series that starts late (a term appearing after a regularizer is attached) is padded.
      const series = (target[name] ??= new Array<number>(row).fill(NaN));
      series.push(value);
    }
  }
}
