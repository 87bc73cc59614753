import type { Layer } from '../layers/base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../layers/base/symbolic.js';

export interface SummaryRow {
  layer: Layer;
  outputShape: SymbolicShape | SymbolicShape[] | 'multiple' | null;
  connectedTo: string[];
}

function shapeText(shape: SymbolicShape | SymbolicShape[] | 'multiple' | null): string {
  if (shape === null) return '?';
  if (shape === 'multiple') return 'multiple';
  if (shape.length > 0 && Array.isArray(shape[0]))
    return (shape as SymbolicShape[]).map(formatSymbolicShape).join(', ');
  return formatSymbolicShape(shape as SymbolicShape);
}

function bytes(count: number): string {
  const b = count * 4;
  if (b < 1024) return `${b.toFixed(2)} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(2)} KB`;
  return `${(b / 1024 ** 2).toFixed(2)} MB`;
}

/**
 * Keras's model summary: one row per layer with its output shape and parameter count (and, for
 * graphs that branch, the layers it is connected to), then total / trainable / non-trainable
 * parameters. Weights shared between layers are counted once in the totals.
 */
export function summaryTable(
  model: Layer,
  rows: readonly SummaryRow[],
  withConnections: boolean,
  lineLength = withConnections ? 98 : 65,
): string {
  const fractions = withConnections ? [0.33, 0.55, 0.67, 1] : [0.45, 0.85, 1];
  const positions = fractions.map((f) => Math.floor(lineLength * f));
  const headers = withConnections
    ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to']
    : ['Layer (type)', 'Output Shape', 'Param #'];
  const line = (cells: string[]): string => {
    let text = '';
    cells.forEach((cell, i) => {
      const end = positions[i] as number;
      text = (text + cell).slice(0, end - 1).padEnd(end);
    });
    return text.trimEnd();
  };
  const out: string[] = [
    `Model: "${model.name}"`,
    '_'.repeat(lineLength),
    line(headers),
    '='.repeat(lineLength),
  ];
  rows.forEach((row, i) => {
    const cells = [
      `${row.layer.name} (${row.layer.className})`,
      shapeText(row.outputShape),
      String(row.layer.countParams()),
    ];
    if (withConnections) cells.push(row.connectedTo[0] ?? '');
    out.push(line(cells));
    for (const extra of row.connectedTo.slice(1)) out.push(line(['', '', '', extra]));
    out.push(i === rows.length - 1 ? '='.repeat(lineLength) : '_'.repeat(lineLength));
  });
  if (rows.length === 0) out.push('='.repeat(lineLength));
  const trainable = model.trainableWeights.reduce((n, w) => n + w.size, 0);
  const total = model.countParams();
  out.push(`Total params: ${total} (${bytes(total)})`);
  out.push(`Trainable params: ${trainable} (${bytes(trainable)})`);
  out.push(`Non-trainable params: ${total - trainable} (${bytes(total - trainable)})`);
  out.push('_'.repeat(lineLength));
  return out.join('\n');
}
