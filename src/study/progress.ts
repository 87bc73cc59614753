import { formatValue } from '../training/callbacks/progress.js';
import type { Logs } from '../training/logs.js';

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
}

/**
 * One progress line for the whole study: variant i/N, epoch, a bar over all epochs of all
 * variants, and the current loss. Redrawn in place on a terminal; otherwise one line per
 * finished variant.
 */
export class StudyProgress {
  private readonly out: Out | null;
  private readonly tty: boolean;
  private done = 0;
  private readonly start = performance.now();

  constructor(
    private readonly totalEpochs: number,
    options: { write?: (s: string) => void; isTTY?: boolean } = {},
  ) {
    const stdout = (globalThis as { process?: { stdout?: Out } }).process?.stdout ?? null;
    this.out =
      options.write !== undefined
        ? { write: options.write, isTTY: options.isTTY ?? false }
        : stdout;
    this.tty = options.isTTY ?? this.out?.isTTY === true;
  }

  /** A callback for one variant's fit. */
  forVariant(
    index: number,
    count: number,
    label: string,
  ): { onEpochEnd(epoch: number, logs?: Logs): void; onTrainEnd(): void } {
    let last: Logs = {};
    return {
      onEpochEnd: (epoch, logs = {}) => {
        this.done += 1;
        last = logs;
        if (!this.tty || this.out === null) return;
        const width = 24;
        const filled = Math.round((width * this.done) / this.totalEpochs);
        const elapsed = (performance.now() - this.start) / 1000;
        const eta = (elapsed / this.done) * (this.totalEpochs - this.done);
        this.out.write(
          `\r[${index + 1}/${count}] ${label.padEnd(34).slice(0, 34)} epoch ${epoch + 1} ${'━'.repeat(filled)}${'─'.repeat(width - filled)} ETA ${Math.round(eta)}s loss ${formatValue(logs.loss ?? NaN)}\u001b[K`,
        );
      },
      onTrainEnd: () => {
        if (this.out === null) return;
        const line = `[${index + 1}/${count}] ${label}: loss ${formatValue(last.loss ?? NaN)}, val_loss ${formatValue(last.val_loss ?? NaN)}, val_accuracy ${formatValue(last.val_accuracy ?? NaN)}`;
        this.out.write(`${this.tty ? '\r' : ''}${line}${this.tty ? '\u001b[K' : ''}\n`);
      },
    };
  }
}
