/**
 * The panels' plots, drawn on canvases (a few hundred bars and lines each; no chart library
 * needed): the loss curves on a log scale, a histogram, and a 2-D decision boundary.
 */
import type { CurvePoint, Histogram } from './protocol.js';

export const COLORS = {
  data: '#2563eb',
  kernel: '#7c3aed',
  bias: '#64748b',
  activity: '#ea580c',
  class0: '#0284c7',
  class1: '#db2777',
  axis: '#94a3b8',
  text: '#475569',
};

/** The canvas's 2-D context, sized to its CSS box at the screen's pixel ratio. */
function context(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 150;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  return { g, w, h };
}

/** 0.0123 -> '0.0123', 12345 -> '1.2e4'. */
export function short(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

export const SERIES = ['data', 'kernel', 'bias', 'activity'] as const;
export type Series = (typeof SERIES)[number];

/**
 * Data loss and each penalty per step, on a log scale (penalties are often 100x smaller).
 * Returns the series drawn (those with a value above 0).
 */
export function drawLosses(canvas: HTMLCanvasElement, points: readonly CurvePoint[]): Series[] {
  const { g, w, h } = context(canvas);
  const left = 40;
  const bottom = h - 18;
  const top = 8;
  const right = w - 8;
  const shown = SERIES.filter((s) => points.some((p) => p[s] > 0));
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points)
    for (const s of shown) {
      const v = p[s];
      if (v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  g.strokeStyle = COLORS.axis;
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(left, top);
  g.lineTo(left, bottom);
  g.lineTo(right, bottom);
  g.stroke();
  g.fillStyle = COLORS.text;
  if (points.length === 0 || !Number.isFinite(lo)) {
    g.fillText('press Train or Step', left + 10, (top + bottom) / 2);
    return shown;
  }
  const loExp = Math.floor(Math.log10(lo));
  const hiExp = Math.max(loExp + 1, Math.ceil(Math.log10(hi)));
  const y = (v: number) => bottom - ((Math.log10(v) - loExp) / (hiExp - loExp)) * (bottom - top);
  const first = (points[0] as CurvePoint).step;
  const last = (points[points.length - 1] as CurvePoint).step;
  const x = (step: number) => left + ((step - first) / Math.max(1, last - first)) * (right - left);
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  const every = Math.ceil((hiExp - loExp) / 4);
  for (let e = loExp; e <= hiExp; e += every) {
    g.fillText(`1e${e}`, left - 4, y(10 ** e));
    g.strokeStyle = '#e2e8f0';
    g.beginPath();
    g.moveTo(left + 1, y(10 ** e));
    g.lineTo(right, y(10 ** e));
    g.stroke();
  }
  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  g.fillText(`step ${first}`, left + 24, h - 4);
  g.fillText(`step ${last}`, right - 30, h - 4);
  // At most one point per pixel column.
  const stride = Math.max(1, Math.floor(points.length / (right - left)));
  for (const s of shown) {
    g.strokeStyle = COLORS[s];
    g.lineWidth = s === 'data' ? 1.5 : 2;
    g.setLineDash(s === 'bias' ? [4, 3] : []);
    g.beginPath();
    let moved = false;
    for (let i = 0; i < points.length; i += stride) {
      const p = points[i] as CurvePoint;
      if (!(p[s] > 0)) continue;
      if (moved) g.lineTo(x(p.step), y(p[s]));
      else g.moveTo(x(p.step), y(p[s]));
      moved = true;
    }
    g.stroke();
  }
  g.setLineDash([]);
  return shown;
}

/** Bars of a histogram centred on 0, with its range under it. */
export function drawHistogram(canvas: HTMLCanvasElement, hist: Histogram, color: string): void {
  const { g, w, h } = context(canvas);
  const bottom = h - 14;
  const max = Math.max(1, ...hist.counts);
  const width = w / hist.counts.length;
  g.fillStyle = color;
  hist.counts.forEach((c, i) => {
    const bar = (c / max) * (bottom - 4);
    g.fillRect(i * width + 0.5, bottom - bar, Math.max(1, width - 1), bar);
  });
  g.strokeStyle = COLORS.axis;
  g.beginPath();
  g.moveTo(0, bottom + 0.5);
  g.lineTo(w, bottom + 0.5);
  g.moveTo(w / 2, bottom);
  g.lineTo(w / 2, bottom + 4);
  g.stroke();
  g.fillStyle = COLORS.text;
  g.textBaseline = 'alphabetic';
  g.textAlign = 'left';
  g.fillText(short(hist.lo), 1, h - 2);
  g.textAlign = 'center';
  g.fillText('0', w / 2, h - 2);
  g.textAlign = 'right';
  g.fillText(short(hist.hi), w - 1, h - 2);
}

/** The class-1 probability as a colour field, the boundary at 0.5, and the training points. */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  boundary: { size: number; values: number[] },
  points: readonly number[],
  labels: readonly number[],
): void {
  const { g, w, h } = context(canvas);
  const n = boundary.size;
  const cw = w / n;
  const ch = h / n;
  boundary.values.forEach((p, i) => {
    const r = Math.floor(i / n);
    const c = i % n;
    g.fillStyle = p >= 0.5 ? COLORS.class1 : COLORS.class0;
    g.globalAlpha = 0.08 + 0.35 * Math.abs(p - 0.5) * 2;
    g.fillRect(c * cw, r * ch, cw + 0.5, ch + 0.5);
  });
  g.globalAlpha = 1;
  const px = (v: number) => ((v + 1.25) / 2.5) * w;
  const py = (v: number) => ((1.25 - v) / 2.5) * h;
  labels.forEach((label, i) => {
    g.fillStyle = label === 1 ? COLORS.class1 : COLORS.class0;
    g.strokeStyle = 'white';
    g.beginPath();
    g.arc(px(points[2 * i] as number), py(points[2 * i + 1] as number), 2.5, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  });
}
