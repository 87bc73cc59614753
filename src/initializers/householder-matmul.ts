/**
 * Householder QR for large Orthogonal initializers, with the block-reflector products (nearly
 * all of the arithmetic) run as float32 matrix products on the current backend. The backend's
 * `matMul` (wasm SIMD, packed and threaded) runs them an order of magnitude faster than the
 * float64 JavaScript loops of householder.ts. The reflectors themselves are still found in
 * float64 (`factorPanel`), one panel of columns at a time, so rounding to float32 only perturbs
 * the trailing matrix by about 1e-7 of its size per panel: the QR stays backward stable, Q stays
 * orthogonal to float32 precision, and Q equals the float64 one to about 1e-6 on well
 * conditioned (tall) matrices.
 *
 * Matrices here are tensors, row-major. The reflectors of a panel, stored by columns in
 * `Panel.v` (rows x width), read row-major as V^T ([width, rows]); T, stored by columns, reads
 * as T^T.
 */
import { fromValues } from '../engine/engine.js';
import { sub } from '../ops/elementwise.js';
import { matMul } from '../ops/linalg.js';
import { slice } from '../ops/movement.js';
import type { Tensor } from '../tensor/tensor.js';
import { factorPanelRecursively, type Panel } from './householder.js';

/**
 * From this many multiply-adds of the QR's dominant products (m n^2) on, the Orthogonal
 * initializer uses this QR. Below, the float64 JavaScript QR is fast enough (a few ms), and
 * small matrices keep the float64 values they always had, identical on every backend.
 */
export const MATMUL_QR_THRESHOLD = 1 << 22;

/** Reflectors found per panel, then applied to the trailing matrix in three products. */
const PANEL = 32;

/**
 * Householder QR of the `m x n` matrix `a` (m >= n, row-major float64). Returns the reduced Q
 * (an `[m, n]` float32 tensor) and the diagonal of R.
 */
export function householderQRByMatMul(
  a: Float64Array,
  m: number,
  n: number,
): { q: Tensor; rDiag: Float64Array } {
  const rDiag = new Float64Array(n);
  const panels: { panel: Panel; vt: Tensor; tt: Tensor }[] = [];
  // The part of A not yet reduced: rows and columns k0 and on.
  let trailing = fromValues(Float32Array.from(a), [m, n], 'float32');
  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const rows = m - k0;
    const cols = n - k0;
    const width = Math.min(PANEL, cols);
    // The first panel is read from the float64 draw; later ones from the float32 updates.
    const values = k0 === 0 ? a : slice(trailing, [0, 0], [rows, width]).dataSync();
    const stride = k0 === 0 ? n : width;
    const columns = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++) columns[j * rows + i] = values[i * stride + j] as number;
    }
    const panel = factorPanelRecursively(columns, rows, 0, width, rDiag.subarray(k0, k0 + width));
    const vt = fromValues(Float32Array.from(panel.v), [width, rows], 'float32');
    const tt = fromValues(Float32Array.from(panel.t), [width, width], 'float32');
    panels.push({ panel, vt, tt });
    if (width === cols) break;
    // The columns right of the panel become (I - V T V^T)^T C = C - V (T^T (V^T C)); their
    // rows below the panel are the next trailing matrix.
    const rest = slice(trailing, [0, width], [rows, cols - width]);
    const product = matMul(tt, matMul(vt, rest));
    trailing = slice(
      sub(rest, matMul(vt, product, true, false)),
      [width, 0],
      [rows - width, cols - width],
    );
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last panel first.
  // Before panel p (columns k0..k0+width) is applied, Q[k0:, k0:] is [[I, 0], [0, Q[k1:, k1:]]]
  // (k1 = k0 + width): the later panels touched rows and columns k1 and on only.
  let q: Tensor | undefined;
  for (let p = panels.length - 1; p >= 0; p--) {
    const { panel, vt, tt } = panels[p] as (typeof panels)[number];
    const k0 = m - panel.rows;
    const rows = panel.rows;
    const cols = n - k0;
    const full = withIdentityAbove(q, panel.width, rows, cols);
    // (I - V T V^T) X = X - V (T (V^T X)).
    const product = matMul(tt, matMul(vt, full), true, false);
    q = sub(full, matMul(vt, product, true, false));
  }
  return { q: q as Tensor, rDiag };
}

/**
 * [[I, 0], [0, block]] (`rows x cols`, the identity `width x width`), or the first `cols`
 * columns of the identity when there is no block yet. Assembled here: copying rows is faster
 * than the backends' general pad and concat.
 */
function withIdentityAbove(
  block: Tensor | undefined,
  width: number,
  rows: number,
  cols: number,
): Tensor {
  const values = new Float32Array(rows * cols);
  const ones = block === undefined ? Math.min(rows, cols) : width;
  for (let i = 0; i < ones; i++) values[i * cols + i] = 1;
  if (block !== undefined) {
    const inner = block.dataSync();
    const innerCols = cols - width;
    for (let i = 0; i < rows - width; i++) {
      values.set(inner.subarray(i * innerCols, (i + 1) * innerCols), (i + width) * cols + width);
    }
  }
  return fromValues(values, [rows, cols], 'float32');
}
