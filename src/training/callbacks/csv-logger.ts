import { nodeBuiltin } from '../../platform/node.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Logs } from '../logs.js';
import { Callback } from './callback.js';
import { checkOptions, optionKeys } from '../../validation/options.js';
import { LaminaTypeError } from '../../errors.js';

export interface CSVLoggerArgs {
  separator?: string;
  /** Keep rows of an existing file (from an earlier run) and add to them. */
  append?: boolean;
}

const CSV_LOGGER_KEYS = optionKeys<CSVLoggerArgs>({ separator: true, append: true });

/**
 * Writes one CSV row per epoch (epoch, then every logged value in sorted key order, penalty
 * terms included). The file is rewritten atomically each epoch, so it is never half-written.
 */
export class CSVLogger extends Callback {
  private readonly separator: string;
  private readonly append: boolean;
  private keys: string[] | null = null;
  private lines: string[] = [];

  constructor(
    readonly filename: string,
    args: CSVLoggerArgs = {},
  ) {
    super();
    if (typeof filename !== 'string' || filename.length === 0)
      throw new LaminaTypeError(
        'invalid-argument',
        'CSVLogger: filename must be a non-empty string',
      );
    checkOptions(args, CSV_LOGGER_KEYS, 'CSVLogger');
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
  }

  async onTrainBegin(): Promise<void> {
    this.keys = null;
    this.lines = [];
    if (this.append) {
      const fs = await nodeBuiltin('fs/promises', 'CSVLogger');
      const existing = await fs.readFile(this.filename, 'utf8').catch(() => '');
      const rows = existing.split('\n').filter((l) => l.length > 0);
      if (rows.length > 0) {
        this.keys = (rows[0] as string).split(this.separator).slice(1);
        this.lines = rows;
      }
    }
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      this.lines.push(['epoch', ...this.keys].join(this.separator));
    }
    const cells = this.keys.map((k) => (logs[k] === undefined ? '' : String(logs[k])));
    this.lines.push([String(epoch), ...cells].join(this.separator));
    await writeFileAtomic(this.filename, `${this.lines.join('\n')}\n`);
  }
}
