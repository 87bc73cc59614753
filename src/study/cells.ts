/** The cells the text table and the HTML report share, formatted once. */
import { formatValue } from '../training/callbacks/progress.js';
import type { LayerResult, VariantResult } from './result.js';

export const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');

/** A number, or '-' where a statistic does not apply (a layer without weights). */
export const num = (v: number): string => (Number.isFinite(v) ? formatValue(v) : '-');

export const SUMMARY_HEAD = [
  'variant',
  'train acc',
  'val acc',
  'data loss',
  'penalty',
  'val loss',
  'time',
];

export function summaryCells(v: VariantResult): string[] {
  return [
    v.label,
    pct(v.final.trainAccuracy),
    pct(v.final.valAccuracy),
    num(v.final.dataLoss),
    num(v.final.penalty),
    num(v.final.valLoss),
    `${v.seconds.toFixed(1)} s`,
  ];
}

export const LAYER_HEAD = [
  'mean |w|',
  'max |w|',
  'mean |a|',
  'max |a|',
  'zeros',
  'saturated',
  'dead',
];

export function layerCells(l: LayerResult): string[] {
  return [
    num(l.stats.meanAbsWeight),
    num(l.stats.maxAbsWeight),
    num(l.stats.meanAbsActivation),
    num(l.stats.maxAbsActivation),
    pct(l.stats.zeroFraction),
    pct(l.stats.saturatedFraction),
    pct(l.stats.deadFraction),
  ];
}
