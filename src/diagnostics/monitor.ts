/** `RegularizationMonitor`: runs `diagnose` at the end of epochs and logs the numbers. */
import { Layer } from '../layers/base/layer.js';
import type { TensorData } from '../training/data.js';
import type { Logs } from '../training/logs.js';
import { Callback } from '../training/callbacks/callback.js';
import { diagnose, type DiagnoseOptions, type DiagnosisReport } from './diagnose.js';
import { LaminaError, LaminaRangeError } from '../errors.js';

/** Logged per layer as `diag/<layer>/<key>` (keys containing '/' stay off the progress bar). */
export const DIAG_PREFIX = 'diag/';

export interface RegularizationMonitorOptions extends DiagnoseOptions {
  /** Diagnose every this many epochs (and always after the last one). Default 1. */
  every?: number;
}

export interface EpochDiagnosis extends DiagnosisReport {
  readonly epoch: number;
}

/**
 * At the end of each epoch, runs `diagnose(model, x)` on a fixed sample batch x and adds to the
 * epoch's logs (so `History` keeps them in `history.history`), per layer:
 * `diag/<layer>/mean_abs_activation`, `max_abs_activation`, `saturated_fraction`,
 * `dead_fraction`, `sparsity`, `mean_abs_preactivation`, `max_abs_weight`, `mean_abs_weight`,
 * `penalty`, each only where defined for the layer. The full reports are kept in `reports`
 * (cleared when training begins).
 */
export class RegularizationMonitor extends Callback {
  readonly reports: EpochDiagnosis[] = [];
  private readonly every: number;
  private readonly options: DiagnoseOptions;

  constructor(
    readonly x: TensorData,
    options: RegularizationMonitorOptions = {},
  ) {
    super();
    const every = options.every ?? 1;
    if (!Number.isInteger(every) || every < 1) {
      throw new LaminaRangeError(
        'invalid-argument',
        `RegularizationMonitor: every must be a positive integer, received ${String(every)}`,
      );
    }
    this.every = every;
    this.options = { nearZero: options.nearZero };
  }

  /** The latest report, or null before the first. */
  get latest(): EpochDiagnosis | null {
    return this.reports[this.reports.length - 1] ?? null;
  }

  onTrainBegin(): void {
    this.reports.length = 0;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const last = epoch + 1 === this.params.epochs;
    if ((epoch + 1) % this.every !== 0 && !last) return;
    const model: unknown = this.model;
    if (!(model instanceof Layer)) {
      throw new LaminaError(
        'invalid-state',
        'RegularizationMonitor: no model is set (use it in model.fit callbacks)',
      );
    }
    const report = diagnose(model, this.x, this.options);
    this.reports.push({ ...report, epoch });
    Object.assign(logs, diagnosisLogs(report));
  }
}

/** The numbers of a report as flat log entries `diag/<layer>/<key>`. */
export function diagnosisLogs(report: DiagnosisReport): Logs {
  const logs: Logs = {};
  for (const l of report.layers) {
    const put = (key: string, v: number | null | undefined): void => {
      if (v !== null && v !== undefined) logs[`${DIAG_PREFIX}${l.name}/${key}`] = v;
    };
    put('mean_abs_activation', l.output?.meanAbs);
    put('max_abs_activation', l.output?.maxAbs);
    put('saturated_fraction', l.output?.saturatedFraction);
    put('dead_fraction', l.output?.deadFraction);
    put('sparsity', l.output?.sparsity);
    put('mean_abs_preactivation', l.preActivation?.meanAbs);
    put('max_abs_weight', l.maxAbsWeight);
    put('mean_abs_weight', l.meanAbsWeight);
    if (Object.keys(l.penalties).length > 0) put('penalty', l.penalty);
  }
  return logs;
}
