import { LAYER_HEAD, layerCells, SUMMARY_HEAD, summaryCells } from './cells.js';
import type { StudyResult } from './result.js';

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
  const summary = [SUMMARY_HEAD, ...result.variants.map(summaryCells)];
  const layerRows = [
    ['variant / layer', ...LAYER_HEAD],
    ...result.variants.flatMap((v) =>
      v.layers.map((l) => [`${v.id} / ${l.name}`, ...layerCells(l)]),
    ),
  ];
  return `${result.title}\n${result.dataset}\n\n${align(summary)}\n\n${align(layerRows)}\n\n${result.findings.map((f) => `- ${f}`).join('\n')}\n`;
}
