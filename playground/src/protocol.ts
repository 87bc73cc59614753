/** The messages between the page and a panel's training worker. */
import type { PanelConfig } from './config.js';

/** Counts of values in equal bins over [lo, hi]. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

export interface LayerSnapshot {
  /** 'layer 1'... */
  name: string;
  activation: string;
  /** Of the kernel W. */
  weights: Histogram;
  /** Of the outputs z = xW + b on held-out samples (what the activity penalty sees). */
  outputs: Histogram;
  maxAbsWeight: number;
  meanAbsOutput: number;
  /** Share of activation outputs in a flat region (tanh, sigmoid, elu); null for others. */
  saturated: number | null;
  /** Share of units in a flat region for every sample (ReLU at 0, tanh at ±1); null for linear. */
  dead: number | null;
}

/** One training step's numbers: the data loss and each kind of penalty. */
export interface CurvePoint {
  step: number;
  data: number;
  kernel: number;
  bias: number;
  activity: number;
}

export interface Advice {
  layer: string;
  rule: string;
  text: string;
}

export interface Snapshot {
  step: number;
  epoch: number;
  /** Steps since the previous snapshot (all of them after a reset). */
  points: CurvePoint[];
  layers: LayerSnapshot[];
  advice: Advice[];
  valAccuracy: number;
  /** Class-1 probability on a size × size grid over [-1.25, 1.25]², rows from the top. */
  boundary: { size: number; values: number[] } | null;
  /** Milliseconds per training step, averaged since the previous snapshot. */
  msPerStep: number;
}

export type ToWorker =
  | { type: 'configure'; config: PanelConfig }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'save'; key: string }
  | { type: 'load'; key: string };

export type FromWorker =
  | { type: 'ready'; backend: string; threads: number }
  | { type: 'data'; points: number[]; labels: number[] }
  | { type: 'snapshot'; snapshot: Snapshot; reset: boolean }
  | { type: 'running'; running: boolean }
  | { type: 'saved'; key: string; bytes: number }
  | { type: 'loaded'; key: string }
  | { type: 'error'; message: string };
