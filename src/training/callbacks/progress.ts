import type { Logs } from '../logs.js';
import { Callback } from './callback.js';
import { checkOptions, optionKeys } from '../../validation/options.js';

export interface ProgressOptions {
  /** 1: a live bar on a terminal (one line per epoch otherwise); 2: one line per epoch. */
  verbose?: 1 | 2;
  /** Where text goes (default: standard output in Node, console.log elsewhere). */
  write?: (text: string) => void;
  /** Whether `write` is an interactive terminal (default: process.stdout.isTTY). */
  isTTY?: boolean;
}

const PROGRESS_KEYS = optionKeys<ProgressOptions>({ verbose: true, write: true, isTTY: true });

interface NodeStdout {
  write(s: string): unknown;
  isTTY?: boolean;
}

function stdout(): NodeStdout | null {
  const p = (globalThis as { process?: { stdout?: NodeStdout } }).process;
  return p?.stdout ?? null;
}

const BAR = 20;

/** Hidden from the bar: the per-layer penalty breakdown (it lives in History). */
const shown = (key: string): boolean => !key.includes('/');

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4) : v.toFixed(4);
}

function formatTime(seconds: number): string {
  if (seconds >= 3600)
    return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  if (seconds >= 60)
    return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  return `${Math.round(seconds)}s`;
}

function perStep(ms: number): string {
  return ms >= 1000
    ? `${(ms / 1000).toFixed(1)}s/step`
    : ms >= 1
      ? `${Math.round(ms)}ms/step`
      : `${Math.round(ms * 1000)}us/step`;
}

/**
 * Keras's progress output: "Epoch 3/10" then "32/32 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step -
 * loss: 0.4321 - ...", redrawn in place on a terminal with the ETA while the epoch runs.
 */
export class ProgressBar extends Callback {
  private readonly write: (text: string) => void;
  private readonly tty: boolean;
  private readonly mode: 1 | 2;
  private epochStart = 0;
  private lastDraw = 0;
  private seen = 0;

  constructor(options: ProgressOptions = {}) {
    super();
    checkOptions(options, PROGRESS_KEYS, 'ProgressBar');
    const out = stdout();
    this.write =
      options.write ??
      (out !== null ? (s) => void out.write(s) : (s) => console.log(s.replace(/\n$/, '')));
    this.tty = options.isTTY ?? out?.isTTY === true;
    this.mode = options.verbose ?? 1;
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
    this.seen = 0;
    if (this.mode === 1) this.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
  }

  onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.seen = batch + 1;
    if (this.mode !== 1 || !this.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && batch + 1 !== this.params.steps) return;
    this.lastDraw = now;
    this.write(`\r${this.line(batch + 1, logs, false)}\u001b[K`);
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const steps = this.params.steps ?? this.seen;
    const text = this.line(steps, logs, true);
    if (this.mode === 2) this.write(`Epoch ${epoch + 1}/${this.params.epochs}\n${text}\n`);
    else this.write(`${this.tty ? '\r' : ''}${text}${this.tty ? '\u001b[K' : ''}\n`);
  }

  private line(step: number, logs: Logs, done: boolean): string {
    const total = this.params.steps;
    const elapsedMs = performance.now() - this.epochStart;
    const msPerStep = elapsedMs / Math.max(step, 1);
    const metrics = Object.entries(logs)
      .filter(([k]) => shown(k))
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(' - ');
    const count =
      total === null ? `${step}` : `${String(step).padStart(String(total).length)}/${total}`;
    if (this.mode === 2)
      return `${count} - ${formatTime(elapsedMs / 1000)} - ${perStep(msPerStep)}${metrics ? ` - ${metrics}` : ''}`;
    const filled = total === null ? BAR : Math.round((BAR * step) / total);
    const bar = `${'━'.repeat(filled)}${'─'.repeat(BAR - filled)}`;
    const time =
      done || total === null
        ? formatTime(elapsedMs / 1000)
        : `ETA ${formatTime(((total - step) * msPerStep) / 1000)}`;
    return `${count} ${bar} ${time} ${perStep(msPerStep)}${metrics ? ` - ${metrics}` : ''}`;
  }
}
