/**
 * The study's self-contained HTML report: inline SVG charts and CSS, no scripts, no network.
 * One loss chart per variant; per variant and layer the histogram of the weights next to the
 * histogram of the layer's outputs.
 */
import { escapeXml, histogram, histogramChart, lineChart } from './svg.js';
import type { StudyResult, VariantResult } from './result.js';
import { formatValue } from '../training/callbacks/progress.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function pct(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-';
}

/** A number, or '-' where a statistic does not apply (a layer without weights). */
function num(v: number): string {
  return Number.isFinite(v) ? formatValue(v) : '-';
}

function summaryTable(result: StudyResult): string {
  const head = ['variant', 'train acc', 'val acc', 'data loss', 'penalty', 'val loss', 'time'];
  const rows = result.variants.map((v) =>
    [
      v.label,
      pct(v.final.trainAccuracy),
      pct(v.final.valAccuracy),
      formatValue(v.final.dataLoss),
      formatValue(v.final.penalty),
      formatValue(v.final.valLoss),
      `${v.seconds.toFixed(1)} s`,
    ]
      .map((c) => `<td>${escapeXml(c)}</td>`)
      .join(''),
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
}

function layerTable(v: VariantResult): string {
  const head = [
    'layer',
    'mean |w|',
    'max |w|',
    'mean |a|',
    'max |a|',
    'zeros',
    'saturated',
    'dead units',
    'penalties',
    'advice',
  ];
  const rows = v.layers.map((l) =>
    [
      l.name,
      num(l.stats.meanAbsWeight),
      num(l.stats.maxAbsWeight),
      num(l.stats.meanAbsActivation),
      num(l.stats.maxAbsActivation),
      pct(l.stats.zeroFraction),
      pct(l.stats.saturatedFraction),
      pct(l.stats.deadFraction),
      Object.entries(l.penalties)
        .map(([k, p]) => `${k} ${formatValue(p)}`)
        .join(', ') || '-',
      l.advice,
    ]
      .map((c) => `<td>${escapeXml(c)}</td>`)
      .join(''),
  );
  return `<table class="layers"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
}

function variantSection(v: VariantResult, index: number): string {
  const h = v.history;
  const color = COLORS[index % COLORS.length] as string;
  const losses = lineChart(`${v.label}: loss per epoch`, [
    { label: 'loss', values: h.loss ?? [], color },
    { label: 'val_loss', values: h.val_loss ?? [], color, dashed: true },
    { label: 'penalty', values: h.regularization_loss ?? [], color: '#7f7f7f' },
  ]);
  const plots = v.layers
    .map(
      (l) =>
        `<figure class="layer-plot" data-variant="${escapeXml(v.id)}" data-layer="${escapeXml(l.name)}">${histogramChart(`${l.name}: weights`, histogram(l.weights), color)}${histogramChart(`${l.name}: outputs (activations)`, histogram(l.activations), '#444')}<figcaption>${escapeXml(l.name)} — mean |w| ${num(l.stats.meanAbsWeight)}, mean |a| ${num(l.stats.meanAbsActivation)}, ${pct(l.stats.saturatedFraction)} saturated, ${pct(l.stats.zeroFraction)} zeros</figcaption></figure>`,
    )
    .join('');
  return `<section class="variant" id="variant-${escapeXml(v.id)}"><h2>${escapeXml(v.label)}</h2><figure class="loss-plot" data-variant="${escapeXml(v.id)}">${losses}</figure>${layerTable(v)}<div class="plots">${plots}</div></section>`;
}

export function renderReport(result: StudyResult): string {
  const accuracy = lineChart(
    'validation accuracy per epoch',
    result.variants.map((v, i) => ({
      label: v.id,
      values: v.history.val_accuracy ?? [],
      color: COLORS[i % COLORS.length] as string,
    })),
    'epoch',
    false,
  );
  const css = `body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child,td:last-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;border:1px solid #eee;padding:6px}figcaption{font-size:12px;max-width:520px}
svg .axis{stroke:#333}svg .grid{stroke:#eee}svg .tick,svg .legend{font-size:10px;fill:#333}svg .title{font-size:12px;font-weight:600;fill:#222}
.findings li{margin:.3em 0}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(result.title)}</title><style>${css}</style></head>
<body>
<h1>${escapeXml(result.title)}</h1>
<p>Data: ${escapeXml(result.dataset)}. ${result.epochs} epochs per variant, ${escapeXml(result.optimizer)}, fixed seeds: every variant starts from the same weights and sees the same batches.</p>
<p>A <b>kernel</b> regularizer penalizes a layer's weights; an <b>activity</b> regularizer penalizes the layer's outputs. When weights are small but outputs are large and saturated, only the second has something to push on.</p>
<h2>What the runs show</h2><ul class="findings">${result.findings.map((f) => `<li>${escapeXml(f)}</li>`).join('')}</ul>
${summaryTable(result)}
<figure class="accuracy-plot">${accuracy}</figure>
${result.variants.map(variantSection).join('\n')}
<p><small>Generated by lamina-nn. Penalties are the values added to the loss (activity penalties divided by the batch size, as in Keras 3.14 and tf.keras).</small></p>
</body></html>
`;
}
