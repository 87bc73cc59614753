import { formatValue } from '../training/callbacks/progress.js';
import type { StudyResult } from './result.js';

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');
const num = (v: number): string => (Number.isFinite(v) ? formatValue(v) : '-');

function align(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

/** The comparison table the CLI prints: one row per variant, then per-layer statistics. */
export function studyTable(result: StudyResult): string {
  const summary = [
    ['variant', 'train acc', 'val acc', 'data loss', 'penalty', 'val loss', 'seconds'],
    ...result.variants.map((v) => [
      v.label,
      pct(v.final.trainAccuracy),
      pct(v.final.valAccuracy),
      num(v.final.dataLoss),
      num(v.final.penalty),
      num(v.final.valLoss),
      v.seconds.toFixed(1),
    ]),
  ];
  const layerRows: string[][] = [
    ['variant / layer', 'mean |w|', 'max |w|', 'mean |a|', 'max |a|', 'zeros', 'saturated', 'dead'],
  ];
  for (const v of result.variants) {
    for (const l of v.layers) {
      layerRows.push([
        `${v.id} / ${l.name}`,
        num(l.stats.meanAbsWeight),
        num(l.stats.maxAbsWeight),
        num(l.stats.meanAbsActivation),
        num(l.stats.maxAbsActivation),
        pct(l.stats.zeroFraction),
        pct(l.stats.saturatedFraction),
        pct(l.stats.deadFraction),
      ]);
    }
  }
  return `${result.title}\n${result.dataset}\n\n${align(summary)}\n\n${align(layerRows)}\n\n${result.findings.map((f) => `- ${f}`).join('\n')}\n`;
}
