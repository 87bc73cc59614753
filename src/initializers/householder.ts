/**
 * Householder QR for the Orthogonal initializer, in float64 and blocked (the compact WY form of
 * LAPACK's dgeqrf/dorgqr): reflectors are found one panel of PANEL columns at a time, and each
 * panel is applied to the rest of the matrix as two matrix products, I - V T V^T. The unblocked
 * form streamed the whole trailing matrix through the cache once per reflector; this one does
 * so once per panel, and the products keep 8 partial sums in registers. The arithmetic is the
 * same float64 Householder QR (every reflector is exactly the one of the unblocked form, up to
 * rounding), so Q is orthogonal to float64 precision and the result does not depend on the
 * backend or the thread count.
 *
 * Matrices are stored by columns: column j of an `m`-row matrix is `a[j * m .. (j + 1) * m)`.
 */

/** Columns per panel: large enough to amortize a pass over the trailing matrix, small enough
 * that a panel's reflectors (PANEL x rows) stay in the L2 cache. */
const PANEL = 32;

/**
 * Householder QR of the `m x n` matrix `a` (m >= n), stored by columns and overwritten. Returns
 * the reduced Q (`m x n`, by columns) and the diagonal of R.
 */
export function householderQR(
  a: Float64Array,
  m: number,
  n: number,
): { q: Float64Array; rDiag: Float64Array } {
  const rDiag = new Float64Array(n);
  const panels: Panel[] = [];
  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const panel = factorPanel(a, m, k0, Math.min(PANEL, n - k0), rDiag);
    panels.push(panel);
    // R: the trailing columns become (I - V T V^T)^T A = A - V (T^T (V^T A)).
    applyPanel(panel, a, m, k0 + panel.width, n, true);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last panel first.
  // A panel starting at row k0 touches rows k0 and below, where columns j < k0 are still zero.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let p = panels.length - 1; p >= 0; p--) {
    const panel = panels[p] as Panel;
    applyPanel(panel, q, m, panel.start, n, false);
  }
  return { q, rDiag };
}

/**
 * The reflectors H_j = I - tau_j v_j v_j^T of columns start .. start+width-1, as V (rows start
 * and below, by columns; v_j is zero above its own row) and the upper-triangular T with
 * H_0 H_1 ... H_{width-1} = I - V T V^T.
 */
export interface Panel {
  readonly start: number;
  readonly width: number;
  /** Rows of V: m - start. */
  readonly rows: number;
  readonly v: Float64Array;
  /** width x width, by columns. */
  readonly t: Float64Array;
}

/** Finds the panel's reflectors, applying each to the panel's later columns only. */
export function factorPanel(
  a: Float64Array,
  m: number,
  start: number,
  width: number,
  rDiag: Float64Array,
): Panel {
  const rows = m - start;
  const v = new Float64Array(rows * width);
  const tau = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const k = start + j;
    const col = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += (a[col + i] as number) ** 2;
    norm = Math.sqrt(norm);
    const x0 = a[col + k] as number;
    // Reflect x onto alpha * e1 with the sign that avoids cancellation in x0 - alpha.
    const alpha = x0 >= 0 ? -norm : norm;
    const vj = j * rows;
    v[vj + j] = x0 - alpha;
    let vv = (x0 - alpha) ** 2;
    for (let i = k + 1; i < m; i++) {
      const x = a[col + i] as number;
      v[vj + i - start] = x;
      vv += x * x;
    }
    // vv = 0: the column is already alpha * e1 (here zero) and H_j is the identity (tau 0).
    const tj = vv === 0 ? 0 : 2 / vv;
    tau[j] = tj;
    if (tj !== 0) {
      // Columns k..start+width-1 on rows k and below: x -= tau (v . x) v.
      for (let c = k; c < start + width; c++) {
        const base = c * m;
        let s = 0;
        for (let i = k; i < m; i++) s += (v[vj + i - start] as number) * (a[base + i] as number);
        if (s === 0) continue;
        const f = tj * s;
        for (let i = k; i < m; i++)
          a[base + i] = (a[base + i] as number) - f * (v[vj + i - start] as number);
      }
    }
    rDiag[k] = a[col + k] as number;
  }
  return { start, width, rows, v, t: triangularFactor(v, rows, width, tau) };
}

/**
 * The same panel as `factorPanel`, found recursively: the left half's reflectors are applied to
 * the right half as block products (the fast loops of `applyPanel`) before the right half is
 * factored, so that only panels of LEAF columns run the one-reflector-at-a-time updates.
 */
export function factorPanelRecursively(
  a: Float64Array,
  m: number,
  start: number,
  width: number,
  rDiag: Float64Array,
): Panel {
  if (width <= LEAF) return factorPanel(a, m, start, width, rDiag);
  const half = width >> 1;
  const left = factorPanelRecursively(a, m, start, half, rDiag);
  applyPanel(left, a, m, start + half, start + width, true);
  const right = factorPanelRecursively(a, m, start + half, width - half, rDiag);
  // V is [left.v, right.v] (right.v's rows start `half` rows lower); T is found anew from V.
  const rows = m - start;
  const v = new Float64Array(rows * width);
  v.set(left.v);
  for (let j = 0; j < right.width; j++) {
    const column = right.v.subarray(j * right.rows, (j + 1) * right.rows);
    v.set(column, (half + j) * rows + half);
  }
  // T = [[T1, -T1 (V1^T V2) T2], [0, T2]] (the product of the two halves' I - V T V^T).
  const cross = new Float64Array(half * right.width);
  productVtX(left.v, rows, half, v, half * rows, rows, right.width, cross);
  const t = new Float64Array(width * width);
  for (let c = 0; c < half; c++) t.set(left.t.subarray(c * half, (c + 1) * half), c * width);
  for (let c = 0; c < right.width; c++) {
    const column = (half + c) * width;
    t.set(right.t.subarray(c * right.width, (c + 1) * right.width), column + half);
    // (V1^T V2) T2 column c, then -T1 times it.
    const crossT2 = new Float64Array(half);
    for (let q = 0; q <= c; q++) {
      const t2 = right.t[c * right.width + q] as number;
      for (let p = 0; p < half; p++)
        crossT2[p] = (crossT2[p] as number) + (cross[q * half + p] as number) * t2;
    }
    for (let r = 0; r < half; r++) {
      let s = 0;
      for (let p = r; p < half; p++) s += (left.t[p * half + r] as number) * (crossT2[p] as number);
      t[column + r] = -s;
    }
  }
  return { start, width, rows, v, t };
}

/** Panels of at most this many columns are factored one reflector at a time. */
const LEAF = 8;

/**
 * T of the compact WY form (LAPACK's dlarft, forward and by columns): T[j][j] = tau_j and
 * T[0:j, j] = -tau_j T[0:j, 0:j] (V[:, 0:j]^T v_j).
 */
function triangularFactor(
  v: Float64Array,
  rows: number,
  width: number,
  tau: Float64Array,
): Float64Array {
  const t = new Float64Array(width * width);
  const z = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const tj = tau[j] as number;
    t[j * width + j] = tj;
    if (tj === 0) continue;
    const vj = j * rows;
    for (let p = 0; p < j; p++) {
      const vp = p * rows;
      let s = 0;
      // v_j is zero above row j.
      for (let i = j; i < rows; i++) s += (v[vp + i] as number) * (v[vj + i] as number);
      z[p] = -tj * s;
    }
    for (let p = 0; p < j; p++) {
      let s = 0;
      for (let r = p; r < j; r++) s += (t[r * width + p] as number) * (z[r] as number);
      t[j * width + p] = s;
    }
  }
  return t;
}

/**
 * Columns `from..to-1` of the `m`-row matrix `x`, on the panel's rows, become
 * (I - V T' V^T) x, where T' is T^T when `transposeT` (applying H_{w-1} ... H_0, for R) and T
 * otherwise (applying H_0 ... H_{w-1}, for Q).
 */
function applyPanel(
  panel: Panel,
  x: Float64Array,
  m: number,
  from: number,
  to: number,
  transposeT: boolean,
): void {
  const cols = to - from;
  if (cols <= 0) return;
  const { start, width, rows, v, t } = panel;
  const offset = from * m + start;
  const w = new Float64Array(width * cols);
  productVtX(v, rows, width, x, offset, m, cols, w);
  multiplyByT(t, width, cols, w, transposeT);
  subtractVW(v, rows, width, w, x, offset, m, cols);
}

/** w (width x cols, by columns) = V^T X, where X starts at `x[offset]` with column stride `ld`. */
function productVtX(
  v: Float64Array,
  rows: number,
  width: number,
  x: Float64Array,
  offset: number,
  ld: number,
  cols: number,
  w: Float64Array,
): void {
  let j = 0;
  for (; j + 1 < cols; j += 2) {
    const x0 = offset + j * ld;
    const x1 = x0 + ld;
    let p = 0;
    for (; p + 3 < width; p += 4) {
      const v0 = p * rows;
      const v1 = v0 + rows;
      const v2 = v1 + rows;
      const v3 = v2 + rows;
      let s00 = 0;
      let s10 = 0;
      let s20 = 0;
      let s30 = 0;
      let s01 = 0;
      let s11 = 0;
      let s21 = 0;
      let s31 = 0;
      // v_p .. v_{p+3} are zero above row p.
      for (let i = p; i < rows; i++) {
        const a = x[x0 + i] as number;
        const b = x[x1 + i] as number;
        const c0 = v[v0 + i] as number;
        const c1 = v[v1 + i] as number;
        const c2 = v[v2 + i] as number;
        const c3 = v[v3 + i] as number;
        s00 += c0 * a;
        s10 += c1 * a;
        s20 += c2 * a;
        s30 += c3 * a;
        s01 += c0 * b;
        s11 += c1 * b;
        s21 += c2 * b;
        s31 += c3 * b;
      }
      const w0 = j * width + p;
      const w1 = w0 + width;
      w[w0] = s00;
      w[w0 + 1] = s10;
      w[w0 + 2] = s20;
      w[w0 + 3] = s30;
      w[w1] = s01;
      w[w1 + 1] = s11;
      w[w1 + 2] = s21;
      w[w1 + 3] = s31;
    }
    for (; p < width; p++) {
      const vp = p * rows;
      let s0 = 0;
      let s1 = 0;
      for (let i = p; i < rows; i++) {
        const c = v[vp + i] as number;
        s0 += c * (x[x0 + i] as number);
        s1 += c * (x[x1 + i] as number);
      }
      w[j * width + p] = s0;
      w[(j + 1) * width + p] = s1;
    }
  }
  for (; j < cols; j++) {
    const x0 = offset + j * ld;
    for (let p = 0; p < width; p++) {
      const vp = p * rows;
      let s = 0;
      for (let i = p; i < rows; i++) s += (v[vp + i] as number) * (x[x0 + i] as number);
      w[j * width + p] = s;
    }
  }
}

/** Each column of w (width x cols) becomes T^T w (`transposeT`) or T w; T is upper triangular. */
function multiplyByT(
  t: Float64Array,
  width: number,
  cols: number,
  w: Float64Array,
  transposeT: boolean,
): void {
  const column = new Float64Array(width);
  for (let j = 0; j < cols; j++) {
    const wj = j * width;
    for (let p = 0; p < width; p++) column[p] = w[wj + p] as number;
    for (let p = 0; p < width; p++) {
      let s = 0;
      if (transposeT) {
        // (T^T w)[p] = sum over r <= p of T[r][p] w[r].
        for (let r = 0; r <= p; r++) s += (t[p * width + r] as number) * (column[r] as number);
      } else {
        // (T w)[p] = sum over r >= p of T[p][r] w[r].
        for (let r = p; r < width; r++) s += (t[r * width + p] as number) * (column[r] as number);
      }
      w[wj + p] = s;
    }
  }
}

/** X -= V w, X as in productVtX. */
function subtractVW(
  v: Float64Array,
  rows: number,
  width: number,
  w: Float64Array,
  x: Float64Array,
  offset: number,
  ld: number,
  cols: number,
): void {
  let j = 0;
  for (; j + 1 < cols; j += 2) {
    const x0 = offset + j * ld;
    const x1 = x0 + ld;
    const w0 = j * width;
    const w1 = w0 + width;
    let p = 0;
    for (; p + 3 < width; p += 4) {
      const v0 = p * rows;
      const v1 = v0 + rows;
      const v2 = v1 + rows;
      const v3 = v2 + rows;
      const a0 = w[w0 + p] as number;
      const a1 = w[w0 + p + 1] as number;
      const a2 = w[w0 + p + 2] as number;
      const a3 = w[w0 + p + 3] as number;
      const b0 = w[w1 + p] as number;
      const b1 = w[w1 + p + 1] as number;
      const b2 = w[w1 + p + 2] as number;
      const b3 = w[w1 + p + 3] as number;
      for (let i = p; i < rows; i++) {
        const c0 = v[v0 + i] as number;
        const c1 = v[v1 + i] as number;
        const c2 = v[v2 + i] as number;
        const c3 = v[v3 + i] as number;
        x[x0 + i] = (x[x0 + i] as number) - (c0 * a0 + c1 * a1 + c2 * a2 + c3 * a3);
        x[x1 + i] = (x[x1 + i] as number) - (c0 * b0 + c1 * b1 + c2 * b2 + c3 * b3);
      }
    }
    for (; p < width; p++) {
      const vp = p * rows;
      const a = w[w0 + p] as number;
      const b = w[w1 + p] as number;
      for (let i = p; i < rows; i++) {
        const c = v[vp + i] as number;
        x[x0 + i] = (x[x0 + i] as number) - c * a;
        x[x1 + i] = (x[x1 + i] as number) - c * b;
      }
    }
  }
  for (; j < cols; j++) {
    const x0 = offset + j * ld;
    for (let p = 0; p < width; p++) {
      const vp = p * rows;
      const a = w[j * width + p] as number;
      for (let i = p; i < rows; i++) x[x0 + i] = (x[x0 + i] as number) - (v[vp + i] as number) * a;
    }
  }
}
