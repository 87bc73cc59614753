// Convolution and pooling kernels for Lamina's wasm backend (NHWC).
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

// ---------------------------------------------------------------------------------------------
// Convolution helpers: im2col over a whole batch (rows of fh * fw * c per output pixel) and its
// adjoint col2im (adds rows back onto a zeroed dx).

export function im2col(
  x: usize, col: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
): void {
  const cb = <usize>(c << 2);
  let dst = col;
  for (let img = 0; img < n; img++) {
    const base = x + (<usize>(img * h * w * c) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
              const src = base + (<usize>((iy * w + ix) * c) << 2);
              if (c == 1) store<f32>(dst, load<f32>(src));
              else memory.copy(dst, src, cb);
            } else if (c == 1) store<f32>(dst, 0);
            else memory.fill(dst, 0, cb);
            dst += cb;
          }
        }
      }
    }
  }
}

export function col2im(
  col: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
): void {
  const cb = <usize>(c << 2);
  let src = col;
  for (let img = 0; img < n; img++) {
    const base = dx + (<usize>(img * h * w * c) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
              const d = base + (<usize>((iy * w + ix) * c) << 2);
              let ch = 0;
              for (; ch + 4 <= c; ch += 4) {
                const o = <usize>(ch << 2);
                v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(src + o)));
              }
              for (; ch < c; ch++) {
                const o = <usize>(ch << 2);
                store<f32>(d + o, load<f32>(d + o) + load<f32>(src + o));
              }
            }
            src += cb;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Max pooling (NHWC). Padding never enters a window (windows are clipped to the image); the
// reference backend's semantics exactly: the output is the first NaN of the window if it has one,
// else its maximum (-Infinity for an empty window); the gradient goes to the window's first
// maximum (`v > best` keeps the earliest of equal values), or its first NaN. Channels are
// contiguous, so 4 channels go per f32x4; a vector whose window holds a NaN is redone lane by lane.

/** Reference semantics for one channel of a clipped window starting at pixel `p0` (bytes). */
function maxScalar(p0: usize, rows: i32, cols: i32, rowB: usize, cb: usize): f32 {
  let best: f32 = -Infinity;
  for (let r = 0; r < rows; r++) {
    let p = p0 + <usize>r * rowB;
    for (let q = 0; q < cols; q++) {
      const v = load<f32>(p);
      if (v > best || v != v) best = v;
      if (v != v) return best;
      p += cb;
    }
  }
  return best;
}

/** Index (in window order) of the element that receives the gradient, as the reference picks it. */
function argmaxScalar(p0: usize, rows: i32, cols: i32, rowB: usize, cb: usize): i32 {
  let best: f32 = load<f32>(p0);
  let at = 0;
  let k = 0;
  for (let r = 0; r < rows; r++) {
    let p = p0 + <usize>r * rowB;
    for (let q = 0; q < cols; q++) {
      const v = load<f32>(p);
      if (v > best || (v != v && best == best)) {
        best = v;
        at = k;
      }
      k++;
      p += cb;
    }
  }
  return at;
}

/**
 * Argmax index (window order) of 4 channels at `p0`: the first strict maximum per lane, or, where
 * a lane of the window holds a NaN, the reference's choice computed lane by lane.
 */
// @ts-ignore: decorator
@inline
function argmax4(p0: usize, rows: i32, cols: i32, rowB: usize, cb: usize): v128 {
  let best = v128.load(p0);
  let nan = f32x4.ne(best, best);
  let idx = i32x4.splat(0);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    let p = p0 + <usize>r * rowB;
    for (let q = 0; q < cols; q++) {
      const v = v128.load(p);
      const m = f32x4.gt(v, best);
      best = f32x4.pmax(best, v);
      idx = v128.bitselect(i32x4.splat(k), idx, m);
      nan = v128.or(nan, f32x4.ne(v, v));
      k++;
      p += cb;
    }
  }
  if (v128.any_true(nan)) {
    idx = i32x4.replace_lane(idx, 0, argmaxScalar(p0, rows, cols, rowB, cb));
    idx = i32x4.replace_lane(idx, 1, argmaxScalar(p0 + 4, rows, cols, rowB, cb));
    idx = i32x4.replace_lane(idx, 2, argmaxScalar(p0 + 8, rows, cols, rowB, cb));
    idx = i32x4.replace_lane(idx, 3, argmaxScalar(p0 + 12, rows, cols, rowB, cb));
  }
  return idx;
}

export function maxPool(
  x: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  const cb = <usize>(c << 2);
  const rowB = <usize>w * cb;
  const c4 = c & ~3;
  let yo = y;
  for (let img = 0; img < n; img++) {
    const xi = x + <usize>img * <usize>h * rowB;
    for (let oy = 0; oy < oh; oy++) {
      const ya = oy * sh - pt;
      const y0 = max(ya, 0);
      const rows = min(ya + fh, h) - y0;
      for (let ox = 0; ox < ow; ox++) {
        const xa = ox * sw - pl;
        const x0 = max(xa, 0);
        const cols = min(xa + fw, w) - x0;
        if (rows <= 0 || cols <= 0) {
          for (let ch = 0; ch < c; ch++) store<f32>(yo + (<usize>ch << 2), -Infinity);
          yo += cb;
          continue;
        }
        const p0 = xi + <usize>y0 * rowB + <usize>x0 * cb;
        for (let ch = 0; ch < c4; ch += 4) {
          const pc = p0 + (<usize>ch << 2);
          let best = f32x4.splat(-Infinity);
          let nan = i32x4.splat(0);
          for (let r = 0; r < rows; r++) {
            let p = pc + <usize>r * rowB;
            for (let q = 0; q < cols; q++) {
              const v = v128.load(p);
              // pmax(best, v) is `best < v ? v : best`: the earliest of equal values stays.
              best = f32x4.pmax(best, v);
              nan = v128.or(nan, f32x4.ne(v, v));
              p += cb;
            }
          }
          const o = yo + (<usize>ch << 2);
          if (v128.any_true(nan)) {
            for (let l = 0; l < 4; l++) {
              store<f32>(o + (<usize>l << 2), maxScalar(pc + (<usize>l << 2), rows, cols, rowB, cb));
            }
          } else v128.store(o, best);
        }
        for (let ch = c4; ch < c; ch++) {
          store<f32>(yo + (<usize>ch << 2), maxScalar(p0 + (<usize>ch << 2), rows, cols, rowB, cb));
        }
        yo += cb;
      }
    }
  }
}

/**
 * dx = the gradient of max pooling: dy routed to the element each window picks (see above),
 * accumulated in window order where windows overlap. dx needs no zeroing by the caller. Where
 * windows do not overlap (strides >= pool size), every input element belongs to at most one window,
 * so each is written once (dy or 0) and only the elements outside every window are zero-filled;
 * otherwise dx is zeroed and each window adds its dy onto its chosen elements.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  const cb = <usize>(c << 2);
  const rowB = <usize>w * cb;
  const imgB = <usize>h * rowB;
  const c4 = c & ~3;
  const disjoint = sh >= fh && sw >= fw;
  if (!disjoint) memory.fill(dx, 0, <usize>n * imgB);
  else zeroUncovered(dx, n, h, w, cb, fh, fw, oh, ow, sh, sw, pt, pl);
  const zero = f32x4.splat(0);
  let go = dy;
  for (let img = 0; img < n; img++) {
    const xi = x + <usize>img * imgB;
    const di = dx + <usize>img * imgB;
    for (let oy = 0; oy < oh; oy++) {
      const ya = oy * sh - pt;
      const y0 = max(ya, 0);
      const rows = min(ya + fh, h) - y0;
      for (let ox = 0; ox < ow; ox++) {
        const xa = ox * sw - pl;
        const x0 = max(xa, 0);
        const cols = min(xa + fw, w) - x0;
        if (rows <= 0 || cols <= 0) {
          go += cb;
          continue;
        }
        const off = <usize>y0 * rowB + <usize>x0 * cb;
        for (let ch = 0; ch < c4; ch += 4) {
          const co = off + (<usize>ch << 2);
          const idx = argmax4(xi + co, rows, cols, rowB, cb);
          const g = v128.load(go + (<usize>ch << 2));
          let k = 0;
          if (disjoint) {
            // 0 + dy, as the reference adds onto a zeroed dx (-0 becomes +0).
            const g0 = f32x4.add(g, zero);
            for (let r = 0; r < rows; r++) {
              let d = di + co + <usize>r * rowB;
              for (let q = 0; q < cols; q++) {
                v128.store(d, v128.and(g0, i32x4.eq(idx, i32x4.splat(k))));
                k++;
                d += cb;
              }
            }
          } else {
            for (let r = 0; r < rows; r++) {
              let d = di + co + <usize>r * rowB;
              for (let q = 0; q < cols; q++) {
                const old = v128.load(d);
                v128.store(d, v128.bitselect(f32x4.add(old, g), old, i32x4.eq(idx, i32x4.splat(k))));
                k++;
                d += cb;
              }
            }
          }
        }
        for (let ch = c4; ch < c; ch++) {
          const co = off + (<usize>ch << 2);
          const at = argmaxScalar(xi + co, rows, cols, rowB, cb);
          const g = load<f32>(go + (<usize>ch << 2));
          let k = 0;
          for (let r = 0; r < rows; r++) {
            let d = di + co + <usize>r * rowB;
            for (let q = 0; q < cols; q++) {
              if (disjoint) store<f32>(d, k == at ? g + 0 : 0);
              else if (k == at) store<f32>(d, load<f32>(d) + g);
              k++;
              d += cb;
            }
          }
        }
        go += cb;
      }
    }
  }
}

/** Zeroes the pixels of dx that no window covers (windows disjoint: strides >= pool size). */
function zeroUncovered(
  dx: usize, n: i32, h: i32, w: i32, cb: usize,
  fh: i32, fw: i32, oh: i32, ow: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  let allCols = true;
  for (let ix = 0; ix < w; ix++) allCols = allCols && covered(ix + pl, fw, ow, sw);
  let allRows = true;
  for (let iy = 0; iy < h; iy++) allRows = allRows && covered(iy + pt, fh, oh, sh);
  if (allCols && allRows) return;
  const rowB = <usize>w * cb;
  let d = dx;
  for (let img = 0; img < n; img++) {
    for (let iy = 0; iy < h; iy++) {
      if (!covered(iy + pt, fh, oh, sh)) memory.fill(d, 0, rowB);
      else if (!allCols) {
        for (let ix = 0; ix < w; ix++) {
          if (!covered(ix + pl, fw, ow, sw)) memory.fill(d + <usize>ix * cb, 0, cb);
        }
      }
      d += rowB;
    }
  }
}

/** Whether padded coordinate t (>= 0) falls in one of `count` disjoint windows of size f, stride s. */
// @ts-ignore: decorator
@inline
function covered(t: i32, f: i32, count: i32, s: i32): bool {
  const o = t / s;
  return o < count && t - o * s < f;
}
