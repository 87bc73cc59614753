/** Small self-contained SVG charts for the study report (no scripts, no network). */

export interface Series {
  label: string;
  values: readonly number[];
  color: string;
  dashed?: boolean;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function niceNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1000 || a < 0.01 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

const W = 360;
const H = 220;
const PAD = { left: 52, right: 12, top: 24, bottom: 36 };

/** A line chart of per-epoch series with axes, ticks and a legend. */
export function lineChart(
  title: string,
  series: readonly Series[],
  xLabel = 'epoch',
  fromZero = true,
): string {
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let lo = finite.length > 0 ? (fromZero ? Math.min(0, ...finite) : Math.min(...finite)) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (hi === lo) hi = lo + 1;
  if (lo < 0 && hi > 0) lo = Math.min(lo, 0);
  const x = (i: number): number =>
    PAD.left + (n === 1 ? 0 : (i / (n - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number): number =>
    H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  parts.push(
    `<text x="${W / 2}" y="15" text-anchor="middle" class="title">${escapeXml(title)}</text>`,
  );
  parts.push(
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`,
  );
  parts.push(
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" class="axis"/>`,
  );
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(
      `<text x="${PAD.left - 4}" y="${y(v) + 3}" text-anchor="end" class="tick">${niceNumber(v)}</text>`,
    );
    parts.push(
      `<line x1="${PAD.left}" y1="${y(v)}" x2="${W - PAD.right}" y2="${y(v)}" class="grid"/>`,
    );
  }
  parts.push(`<text x="${PAD.left}" y="${H - PAD.bottom + 14}" class="tick">1</text>`);
  parts.push(
    `<text x="${W - PAD.right}" y="${H - PAD.bottom + 14}" text-anchor="end" class="tick">${n}</text>`,
  );
  parts.push(
    `<text x="${(W + PAD.left) / 2}" y="${H - 6}" text-anchor="middle" class="tick">${escapeXml(xLabel)}</text>`,
  );
  for (const line of series) {
    const pts = line.values
      .map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : null))
      .filter((p): p is string => p !== null);
    if (pts.length > 0) {
      parts.push(
        `<polyline points="${pts.join(' ')}" fill="none" stroke="${line.color}" stroke-width="1.8"${line.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      );
    }
  }
  // The legend goes last, on a white box over the lines.
  const legendWidth = 18 + 6 * Math.max(...series.map((s) => s.label.length), 4);
  const lx = W - PAD.right - legendWidth;
  parts.push(
    `<rect x="${lx - 4}" y="${PAD.top - 4}" width="${legendWidth + 4}" height="${series.length * 13 + 4}" fill="white" fill-opacity="0.9"/>`,
  );
  series.forEach((line, k) => {
    const ly = PAD.top + 4 + k * 13;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 12}" y2="${ly}" stroke="${line.color}" stroke-width="2"${line.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
    );
    parts.push(`<text x="${lx + 16}" y="${ly + 3}" class="legend">${escapeXml(line.label)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}">${parts.join('')}</svg>`;
}

export interface HistogramData {
  /** Bin edges (bins + 1 values). */
  edges: number[];
  counts: number[];
}

/** Bins values into `bins` equal-width bins between their min and max (empty input: no bins). */
export function histogram(values: ArrayLike<number>, bins = 30): HistogramData {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { edges: [], counts: [] };
  if (hi === lo) hi = lo + 1e-6;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
    counts[b] = (counts[b] as number) + 1;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  return { edges, counts };
}

/** A histogram as SVG bars with the range on the x axis. */
export function histogramChart(title: string, data: HistogramData, color: string): string {
  const w = 260;
  const h = 150;
  const pad = { left: 8, right: 8, top: 22, bottom: 28 };
  const parts: string[] = [
    `<text x="${w / 2}" y="14" text-anchor="middle" class="title">${escapeXml(title)}</text>`,
  ];
  const max = Math.max(1, ...data.counts);
  const bw = (w - pad.left - pad.right) / Math.max(1, data.counts.length);
  data.counts.forEach((c, i) => {
    const bh = (c / max) * (h - pad.top - pad.bottom);
    parts.push(
      `<rect x="${(pad.left + i * bw).toFixed(1)}" y="${(h - pad.bottom - bh).toFixed(1)}" width="${Math.max(bw - 1, 0.5).toFixed(1)}" height="${bh.toFixed(1)}" fill="${color}"/>`,
    );
  });
  parts.push(
    `<line x1="${pad.left}" y1="${h - pad.bottom}" x2="${w - pad.right}" y2="${h - pad.bottom}" class="axis"/>`,
  );
  if (data.edges.length > 0) {
    parts.push(
      `<text x="${pad.left}" y="${h - pad.bottom + 13}" class="tick">${niceNumber(data.edges[0] as number)}</text>`,
    );
    parts.push(
      `<text x="${w - pad.right}" y="${h - pad.bottom + 13}" text-anchor="end" class="tick">${niceNumber(data.edges[data.edges.length - 1] as number)}</text>`,
    );
  } else {
    parts.push(
      `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" class="tick">no values</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeXml(title)}">${parts.join('')}</svg>`;
}
