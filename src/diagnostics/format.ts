/** A plain-text rendering of a `diagnose` report: a table per layer, then penalties and advice. */
import { fmt, pct } from './advice.js';
import type { DiagnosisReport } from './diagnose.js';

const HEADER = [
  'layer',
  'class',
  'activation',
  'mean|w|',
  'max|w|',
  'mean|z|',
  'mean|a|',
  'max|a|',
  'saturated',
  'dead',
  'sparsity',
  'penalty',
] as const;

/** Columns after the first three are numbers, right-aligned. */
const TEXT_COLUMNS = 3;
const NONE = '-';

function num(x: number | null | undefined): string {
  return x === null || x === undefined ? NONE : fmt(x);
}

function frac(x: number | null | undefined): string {
  return x === null || x === undefined ? NONE : pct(x);
}

/** Aligns rows of cells into columns separated by two spaces. */
export function alignColumns(rows: readonly (readonly string[])[], textColumns: number): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i < textColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The report as text: one table row per layer (mean and max |w| of the kernel, mean |z| of the
 * pre-activation, mean and max |a| of the output, saturated and dead fractions, sparsity, the
 * layer's total penalty; '-' where not applicable), then each layer's penalties and advice.
 */
export function formatDiagnosis(report: DiagnosisReport): string {
  const rows: string[][] = [[...HEADER]];
  for (const l of report.layers) {
    rows.push([
      l.name,
      l.className,
      l.activation ?? NONE,
      num(l.meanAbsWeight),
      num(l.maxAbsWeight),
      num(l.preActivation?.meanAbs),
      num(l.output?.meanAbs),
      num(l.output?.maxAbs),
      frac(l.output?.saturatedFraction),
      frac(l.output?.deadFraction),
      frac(l.output?.sparsity),
      Object.keys(l.penalties).length === 0 ? NONE : num(l.penalty),
    ]);
  }
  const lines = [
    `Diagnosis on ${report.samples} sample${report.samples === 1 ? '' : 's'} (inference mode)`,
    alignColumns(rows, TEXT_COLUMNS),
    '',
  ];
  for (const l of report.layers) {
    const terms = Object.entries(l.penalties);
    const penalties =
      terms.length === 0
        ? ''
        : ` (penalties: ${terms.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`;
    lines.push(`${l.name}${penalties}`);
    for (const a of l.advice) lines.push(`  - ${a.text}`);
  }
  lines.push(`total penalty: ${fmt(report.penalty)}`);
  return lines.join('\n');
}
