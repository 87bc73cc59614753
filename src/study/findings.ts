/** Sentences drawn from the numbers of a study run: each variant against no regularization. */
import { formatValue } from '../training/callbacks/progress.js';
import type { VariantResult } from './result.js';

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;

function ratio(after: number, before: number): string {
  if (!(before > 0) || !(after >= 0)) return '';
  const r = before / after;
  return r >= 1.05
    ? ` (${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x lower)`
    : after / before >= 1.05
      ? ` (${(after / before).toFixed(1)}x higher)`
      : ' (about the same)';
}

export function findings(results: readonly VariantResult[], layer: string): string[] {
  const base = results.find((r) => r.id === 'none');
  if (base === undefined) return [];
  const baseLayer = base.layers.find((l) => l.name === layer);
  const next = base.layers[base.layers.findIndex((l) => l.name === layer) + 1];
  const out: string[] = [];
  if (baseLayer !== undefined) {
    out.push(
      `Without regularization, layer '${layer}' ends with max |w| ${formatValue(baseLayer.stats.maxAbsWeight)}, mean |output| ${formatValue(baseLayer.stats.meanAbsActivation)}, ${pct(baseLayer.stats.zeroFraction)} zero outputs; validation accuracy ${pct(base.final.valAccuracy)}.`,
    );
  }
  for (const r of results) {
    if (r.id === 'none' || baseLayer === undefined) continue;
    const l = r.layers.find((x) => x.name === layer);
    if (l === undefined) continue;
    const sat = r.layers[r.layers.findIndex((x) => x.name === layer) + 1];
    const saturation =
      next !== undefined && sat !== undefined && Number.isFinite(next.stats.saturatedFraction)
        ? `, saturated units after it ${pct(next.stats.saturatedFraction)} -> ${pct(sat.stats.saturatedFraction)}`
        : '';
    out.push(
      `${r.label}: max |w| ${formatValue(baseLayer.stats.maxAbsWeight)} -> ${formatValue(l.stats.maxAbsWeight)}, mean |output| ${formatValue(baseLayer.stats.meanAbsActivation)} -> ${formatValue(l.stats.meanAbsActivation)}${ratio(l.stats.meanAbsActivation, baseLayer.stats.meanAbsActivation)}, zero outputs ${pct(baseLayer.stats.zeroFraction)} -> ${pct(l.stats.zeroFraction)}${saturation}; validation accuracy ${pct(base.final.valAccuracy)} -> ${pct(r.final.valAccuracy)}.`,
    );
  }
  return out;
}
