// Convolution and pooling kernels for Lamina's wasm backend (NHWC).
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

import { madd } from './madd';

// ---------------------------------------------------------------------------------------------
// Convolution helpers: im2col over a whole batch (rows of fh * fw * c per output pixel) and its
// adjoint col2im. A row is fh runs of fw * c floats; with dilation 1 along x, a run whose pixels
// all lie inside the image is contiguous in x too, so it moves as one block.

/** Copies `bytes` (a multiple of 4) from src to dst, 16 bytes at a time. */
// @ts-ignore: decorator
@inline
function copyRun(dst: usize, src: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
}

export function im2col(
  x: usize, col: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
): void {
  const cb = <usize>(c << 2);
  const runB = <usize>fw * cb;
  let dst = col;
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const xa = ox * sw - pl;
        const runInside = dw == 1 && xa >= 0 && xa + fw <= w;
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) {
            memory.fill(dst, 0, runB);
          } else if (runInside) {
            copyRun(dst, pixelAt(x, img, iy, xa, h, w, c), runB);
          } else {
            for (let kx = 0; kx < fw; kx++) {
              const ix = xa + kx * dw;
              const d = dst + <usize>kx * cb;
              if (ix >= 0 && ix < w) copyRun(d, pixelAt(x, img, iy, ix, h, w, c), cb);
              else memory.fill(d, 0, cb);
            }
          }
          dst += runB;
        }
      }
    }
  }
}

/** dx += the rows of col added back onto the pixels they came from, in row order. */
export function col2im(
  col: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
): void {
  const cb = <usize>(c << 2);
  const runB = <usize>fw * cb;
  let src = col;
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const xa = ox * sw - pl;
        const runInside = dw == 1 && xa >= 0 && xa + fw <= w;
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy >= 0 && iy < h) {
            if (runInside) addRun(pixelAt(dx, img, iy, xa, h, w, c), src, runB);
            else {
              for (let kx = 0; kx < fw; kx++) {
                const ix = xa + kx * dw;
                if (ix >= 0 && ix < w) addRun(pixelAt(dx, img, iy, ix, h, w, c), src + <usize>kx * cb, cb);
              }
            }
          }
          src += runB;
        }
      }
    }
  }
}

/** d[i] += s[i] over `bytes` (a multiple of 4). */
// @ts-ignore: decorator
@inline
function addRun(d: usize, s: usize, bytes: usize): void {
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(d + i, f32x4.add(v128.load(d + i), v128.load(s + i)));
  for (; i < bytes; i += 4) store<f32>(d + i, load<f32>(d + i) + load<f32>(s + i));
}

// ---------------------------------------------------------------------------------------------
// Direct convolution for few input channels (a first layer on grey or RGB images): with
// K = fh * fw * c of 9 or 27, im2col writes K-float rows one tap at a time and the packed GEMM
// spends its time packing and updating C for K multiply-adds, so these kernels read x in place.
// Both need co % 4 == 0 (the caller checks). Pixels whose window lies inside the image (every
// pixel of a 'valid' convolution) go 4 at a time; the others, one by one, skip taps in the padding.
// The forward kernel can add a bias and apply relu as it stores (Conv2DBiasActivation), which
// saves a read and a write of the whole output (5.5 MB for W3's first layer) in a pass of its own.

/** Epilogue modes of convDirect: the sum alone, sum + bias, relu(sum + bias). */
const PLAIN: i32 = 0;
const BIAS_RELU: i32 = 2;

/**
 * What convDirect stores for a sum of 4 output channels whose bias starts at `pb`: the same
 * operations in the same order as the separate bias-and-activation pass (assembly/fused.ts), so
 * the bits are that pass's.
 */
// @ts-ignore: decorator
@inline
function finish(acc: v128, pb: usize, mode: i32): v128 {
  if (mode == PLAIN) return acc;
  const z = f32x4.add(acc, v128.load(pb));
  return mode == BIAS_RELU ? f32x4.max(z, f32x4.splat(0)) : z;
}

/** Byte offset of x[img, iy, ix, 0]. */
// @ts-ignore: decorator
@inline
function pixelAt(x: usize, img: i32, iy: i32, ix: i32, h: i32, w: i32, c: i32): usize {
  return x + (<usize>(((img * h + iy) * w + ix) * c) << 2);
}

/** First and one-past-last output index whose window [o*s - p, o*s - p + (f-1)*d] fits in [0, size). */
// @ts-ignore: decorator
@inline
function insideLo(p: i32, s: i32): i32 {
  return (p + s - 1) / s;
}
// @ts-ignore: decorator
@inline
function insideHi(size: i32, f: i32, d: i32, p: i32, s: i32, count: i32): i32 {
  const last = size - 1 - (f - 1) * d + p; // largest o * s allowed
  return last < 0 ? 0 : min(last / s + 1, count);
}

/** y[pixel, 0..co) of one output pixel with bounds checks (taps in the padding skipped). */
function convPixel(
  x: usize, f: usize, yo: usize, img: i32, oy: i32, ox: i32,
  h: i32, w: i32, c: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  co: i32, bias: usize, mode: i32,
): void {
  const cob = <usize>(co << 2);
  for (let cb = 0; cb < co; cb += 4) {
    let acc = f32x4.splat(0);
    for (let ky = 0; ky < fh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < fw; kx++) {
        const ix = ox * sw - pl + kx * dw;
        if (ix < 0 || ix >= w) continue;
        const q = pixelAt(x, img, iy, ix, h, w, c);
        let wp = f + <usize>((ky * fw + kx) * c) * cob + (<usize>cb << 2);
        for (let ci = 0; ci < c; ci++) {
          acc = madd(v128.load32_splat(q + (<usize>ci << 2)), v128.load(wp), acc);
          wp += cob;
        }
      }
    }
    v128.store(yo + (<usize>cb << 2), finish(acc, bias + (<usize>cb << 2), mode));
  }
}

/**
 * y for 4 output pixels whose windows lie inside the image (the first at p0, the next ps bytes
 * apart), 8 (then 4) output channels at a time in registers.
 */
function convTile(
  p0: usize, f: usize, y0: usize, ps: usize, rowB: usize, tapB: usize,
  fh: i32, runs: i32, runLen: i32, co: i32, bias: usize, mode: i32,
): void {
  const cob = <usize>(co << 2);
  const co8 = co & ~7;
  for (let cb = 0; cb < co8; cb += 8) {
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
    let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
    let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    let wp = f + (<usize>cb << 2);
    for (let ky = 0; ky < fh; ky++) {
      let q = p0 + <usize>ky * rowB;
      for (let r = 0; r < runs; r++) {
        let qc = q;
        for (let j = 0; j < runLen; j++) {
          const w0 = v128.load(wp);
          const w1 = v128.load(wp + 16);
          let a = v128.load32_splat(qc);
          a00 = madd(a, w0, a00);
          a01 = madd(a, w1, a01);
          a = v128.load32_splat(qc + ps);
          a10 = madd(a, w0, a10);
          a11 = madd(a, w1, a11);
          a = v128.load32_splat(qc + 2 * ps);
          a20 = madd(a, w0, a20);
          a21 = madd(a, w1, a21);
          a = v128.load32_splat(qc + 3 * ps);
          a30 = madd(a, w0, a30);
          a31 = madd(a, w1, a31);
          wp += cob;
          qc += 4;
        }
        q += tapB;
      }
    }
    const o = y0 + (<usize>cb << 2);
    const b0 = bias + (<usize>cb << 2);
    v128.store(o, finish(a00, b0, mode));
    v128.store(o + 16, finish(a01, b0 + 16, mode));
    v128.store(o + cob, finish(a10, b0, mode));
    v128.store(o + cob + 16, finish(a11, b0 + 16, mode));
    v128.store(o + 2 * cob, finish(a20, b0, mode));
    v128.store(o + 2 * cob + 16, finish(a21, b0 + 16, mode));
    v128.store(o + 3 * cob, finish(a30, b0, mode));
    v128.store(o + 3 * cob + 16, finish(a31, b0 + 16, mode));
  }
  if (co8 < co) {
    // the last 4 output channels
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let wp = f + (<usize>co8 << 2);
    for (let ky = 0; ky < fh; ky++) {
      let q = p0 + <usize>ky * rowB;
      for (let r = 0; r < runs; r++) {
        let qc = q;
        for (let j = 0; j < runLen; j++) {
          const w0 = v128.load(wp);
          a0 = madd(v128.load32_splat(qc), w0, a0);
          a1 = madd(v128.load32_splat(qc + ps), w0, a1);
          a2 = madd(v128.load32_splat(qc + 2 * ps), w0, a2);
          a3 = madd(v128.load32_splat(qc + 3 * ps), w0, a3);
          wp += cob;
          qc += 4;
        }
        q += tapB;
      }
    }
    const o = y0 + (<usize>co8 << 2);
    const b0 = bias + (<usize>co8 << 2);
    v128.store(o, finish(a0, b0, mode));
    v128.store(o + cob, finish(a1, b0, mode));
    v128.store(o + 2 * cob, finish(a2, b0, mode));
    v128.store(o + 3 * cob, finish(a3, b0, mode));
  }
}

/**
 * y = conv2d(x, f) for c < 4 input channels and co % 4 == 0 (no im2col, no zero fill); with
 * `mode` 1, + the co floats at `bias`; with 2, relu of that (0: bias is not read).
 */
export function convDirect(
  x: usize, f: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  co: i32, bias: usize, mode: i32,
): void {
  const cob = <usize>(co << 2);
  const ps = <usize>(sw * c) << 2; // bytes between the windows of neighbouring output pixels
  const rowB = <usize>(dh * w * c) << 2;
  const tapB = <usize>(dw * c) << 2;
  const lo = insideLo(pl, sw);
  const hi = insideHi(w, fw, dw, pl, sw, ow);
  // A kernel row's taps: with dilation 1 along x, one run of fw * c contiguous floats.
  const runs = dw == 1 ? 1 : fw;
  const runLen = dw == 1 ? fw * c : c;
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      const ya = oy * sh - pt;
      const rowInside = ya >= 0 && ya + (fh - 1) * dh < h;
      const yrow = y + <usize>((img * oh + oy) * ow) * cob;
      let ox = 0;
      if (rowInside) {
        for (; ox < lo; ox++) {
          convPixel(x, f, yrow + <usize>ox * cob, img, oy, ox, h, w, c, fh, fw, sh, sw, dh, dw, pt, pl, co, bias, mode);
        }
        if (hi - ox >= 4) {
          for (; ox + 4 <= hi; ox += 4) {
            convTile(pixelAt(x, img, ya, ox * sw - pl, h, w, c), f, yrow + <usize>ox * cob, ps, rowB, tapB, fh, runs, runLen, co, bias, mode);
          }
          if (ox < hi) {
            // the last 1-3 inside pixels: one more tile ending at hi (recomputes a few pixels)
            const o4 = hi - 4;
            convTile(pixelAt(x, img, ya, o4 * sw - pl, h, w, c), f, yrow + <usize>o4 * cob, ps, rowB, tapB, fh, runs, runLen, co, bias, mode);
            ox = hi;
          }
        }
      }
      for (; ox < ow; ox++) {
        convPixel(x, f, yrow + <usize>ox * cob, img, oy, ox, h, w, c, fh, fw, sh, sw, dh, dw, pt, pl, co, bias, mode);
      }
    }
  }
}

/**
 * df = the filter gradient, sum over pixels of x's window (as an im2col row) times dy's row, for
 * c < 4 input channels and co % 4 == 0. Windows inside the image are summed a row of output
 * pixels at a time, 4 taps x 4 output channels in registers, each row's partial sums then added
 * into df (so float32 sums run over at most one row before they reach df, like the GEMM's
 * 256-long panels); the other pixels add their taps into df one by one.
 */
export function convFilterDirect(
  x: usize, dy: usize, df: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  co: i32,
): void {
  const K = fh * fw * c;
  const cob = <usize>(co << 2);
  const ps = <usize>(sw * c) << 2;
  memory.fill(df, 0, <usize>K * cob);
  const lo = insideLo(pl, sw);
  const hi = insideHi(w, fw, dw, pl, sw, ow);
  const K4 = K & ~3;
  const co8 = co & ~7;
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      const ya = oy * sh - pt;
      const rowInside = ya >= 0 && ya + (fh - 1) * dh < h;
      const dyrow = dy + <usize>((img * oh + oy) * ow) * cob;
      const a = rowInside ? lo : 0;
      const b = rowInside ? max(hi, lo) : 0;
      for (let ox = 0; ox < ow; ox++) {
        if (ox == a && b > a) {
          ox = b - 1;
          continue;
        }
        filterPixel(x, dyrow + <usize>ox * cob, df, img, oy, ox, h, w, c, fh, fw, sh, sw, dh, dw, pt, pl, co);
      }
      if (b <= a) continue;
      const p0 = pixelAt(x, img, ya, a * sw - pl, h, w, c);
      const d0 = dyrow + <usize>a * cob;
      const count = b - a;
      for (let t = 0; t < K4; t += 4) {
        const o0 = tapOffset(t, c, fw, dh, dw, w);
        const o1 = tapOffset(t + 1, c, fw, dh, dw, w);
        const o2 = tapOffset(t + 2, c, fw, dh, dw, w);
        const o3 = tapOffset(t + 3, c, fw, dh, dw, w);
        const r0 = df + <usize>t * cob;
        let cb = 0;
        for (; cb < co8; cb += 8) {
          // 4 taps x 8 output channels: 8 independent sums
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
          let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
          let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
          let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
          let q = p0;
          let d = d0 + (<usize>cb << 2);
          for (let i = 0; i < count; i++) {
            const g0 = v128.load(d);
            const g1 = v128.load(d + 16);
            let v = v128.load32_splat(q + o0);
            a00 = madd(v, g0, a00);
            a01 = madd(v, g1, a01);
            v = v128.load32_splat(q + o1);
            a10 = madd(v, g0, a10);
            a11 = madd(v, g1, a11);
            v = v128.load32_splat(q + o2);
            a20 = madd(v, g0, a20);
            a21 = madd(v, g1, a21);
            v = v128.load32_splat(q + o3);
            a30 = madd(v, g0, a30);
            a31 = madd(v, g1, a31);
            q += ps;
            d += cob;
          }
          const r = r0 + (<usize>cb << 2);
          addTo(r, a00);
          addTo(r + 16, a01);
          addTo(r + cob, a10);
          addTo(r + cob + 16, a11);
          addTo(r + 2 * cob, a20);
          addTo(r + 2 * cob + 16, a21);
          addTo(r + 3 * cob, a30);
          addTo(r + 3 * cob + 16, a31);
        }
        if (cb < co) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let q = p0;
          let d = d0 + (<usize>cb << 2);
          for (let i = 0; i < count; i++) {
            const g = v128.load(d);
            a0 = madd(v128.load32_splat(q + o0), g, a0);
            a1 = madd(v128.load32_splat(q + o1), g, a1);
            a2 = madd(v128.load32_splat(q + o2), g, a2);
            a3 = madd(v128.load32_splat(q + o3), g, a3);
            q += ps;
            d += cob;
          }
          const r = r0 + (<usize>cb << 2);
          addTo(r, a0);
          addTo(r + cob, a1);
          addTo(r + 2 * cob, a2);
          addTo(r + 3 * cob, a3);
        }
      }
      for (let t = K4; t < K; t++) {
        // one tap: 4 pixels at a time into separate sums, to keep 4 sums in flight
        const o0 = tapOffset(t, c, fw, dh, dw, w);
        for (let cb = 0; cb < co; cb += 4) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let q = p0 + o0;
          let d = d0 + (<usize>cb << 2);
          let i = 0;
          for (; i + 4 <= count; i += 4) {
            a0 = madd(v128.load32_splat(q), v128.load(d), a0);
            a1 = madd(v128.load32_splat(q + ps), v128.load(d + cob), a1);
            a2 = madd(v128.load32_splat(q + 2 * ps), v128.load(d + 2 * cob), a2);
            a3 = madd(v128.load32_splat(q + 3 * ps), v128.load(d + 3 * cob), a3);
            q += 4 * ps;
            d += 4 * cob;
          }
          for (; i < count; i++) {
            a0 = madd(v128.load32_splat(q), v128.load(d), a0);
            q += ps;
            d += cob;
          }
          addTo(df + <usize>t * cob + (<usize>cb << 2), f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function addTo(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}

/** Byte offset of tap t = (ky * fw + kx) * c + ci from its window's first element. */
// @ts-ignore: decorator
@inline
function tapOffset(t: i32, c: i32, fw: i32, dh: i32, dw: i32, w: i32): usize {
  const ci = t % c;
  const k = t / c;
  const ky = k / fw;
  const kx = k - ky * fw;
  return <usize>((ky * dh * w + kx * dw) * c + ci) << 2;
}

/** df += the taps of one output pixel whose window may reach into the padding. */
function filterPixel(
  x: usize, dyo: usize, df: usize, img: i32, oy: i32, ox: i32,
  h: i32, w: i32, c: i32, fh: i32, fw: i32, sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  co: i32,
): void {
  const cob = <usize>(co << 2);
  for (let ky = 0; ky < fh; ky++) {
    const iy = oy * sh - pt + ky * dh;
    if (iy < 0 || iy >= h) continue;
    for (let kx = 0; kx < fw; kx++) {
      const ix = ox * sw - pl + kx * dw;
      if (ix < 0 || ix >= w) continue;
      const q = pixelAt(x, img, iy, ix, h, w, c);
      let r = df + <usize>((ky * fw + kx) * c) * cob;
      for (let ci = 0; ci < c; ci++) {
        const v = v128.load32_splat(q + (<usize>ci << 2));
        for (let cb = 0; cb < co; cb += 4) {
          const o = r + (<usize>cb << 2);
          v128.store(o, madd(v, v128.load(dyo + (<usize>cb << 2)), v128.load(o)));
        }
        r += cob;
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
        let ch = 0;
        if (rows == 2 && cols == 2) {
          // The common 2x2 window, as a tree: ties resolve to the earlier element at every
          // level, so the result is the sequential one's.
          for (; ch < c4; ch += 4) {
            const pc = p0 + (<usize>ch << 2);
            const a = v128.load(pc);
            const b = v128.load(pc + cb);
            const c2 = v128.load(pc + rowB);
            const d = v128.load(pc + rowB + cb);
            const nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c2, c2), f32x4.ne(d, d)));
            if (v128.any_true(nan)) break;
            v128.store(yo + (<usize>ch << 2), f32x4.pmax(f32x4.pmax(a, b), f32x4.pmax(c2, d)));
          }
        }
        for (; ch < c4; ch += 4) {
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
 * Lanes whose window's chosen element is > 0: the maximum is > 0 and no element is a NaN (a NaN
 * would be the chosen one). For max pooling after relu (`positiveOnly` below).
 */
// @ts-ignore: decorator
@inline
function positiveChoice4(p0: usize, rows: i32, cols: i32, rowB: usize, cb: usize): v128 {
  let best = f32x4.splat(-Infinity);
  let nan = i32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    let p = p0 + <usize>r * rowB;
    for (let q = 0; q < cols; q++) {
      const v = v128.load(p);
      best = f32x4.pmax(best, v);
      nan = v128.or(nan, f32x4.ne(v, v));
      p += cb;
    }
  }
  return v128.andnot(f32x4.gt(best, f32x4.splat(0)), nan);
}

/**
 * dx = the gradient of max pooling: dy routed to the element each window picks (see above),
 * accumulated in window order where windows overlap. dx needs no zeroing by the caller. Where
 * windows do not overlap (strides >= pool size), every input element belongs to at most one window,
 * so each is written once (dy or 0) and only the elements outside every window are zero-filled;
 * otherwise dx is zeroed and each window adds its dy onto its chosen elements. With
 * `positiveOnly` (x is a relu's output), a window's dy goes to its chosen element only where
 * that element is > 0: relu's gradient folded in, the same bits as applying it after.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32, sh: i32, sw: i32, pt: i32, pl: i32,
  positiveOnly: i32,
): void {
  const cb = <usize>(c << 2);
  const rowB = <usize>w * cb;
  const imgB = <usize>h * rowB;
  const c4 = c & ~3;
  const disjoint = sh >= fh && sw >= fw;
  if (!disjoint) memory.fill(dx, 0, <usize>n * imgB);
  else zeroUncovered(dx, n, h, w, cb, fh, fw, oh, ow, sh, sw, pt, pl);
  const zero = f32x4.splat(0);
  // Or-ed into the positive-choice mask: all lanes pass unless positiveOnly.
  const pass = positiveOnly ? i32x4.splat(0) : i32x4.splat(-1);
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
        let ch = 0;
        if (disjoint && rows == 2 && cols == 2) {
          // The common 2x2 window as a tree (ties go to the earlier element at every level).
          for (; ch < c4; ch += 4) {
            const co = off + (<usize>ch << 2);
            const pa = xi + co;
            const a = v128.load(pa);
            const b = v128.load(pa + cb);
            const c2 = v128.load(pa + rowB);
            const d = v128.load(pa + rowB + cb);
            const nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c2, c2), f32x4.ne(d, d)));
            if (v128.any_true(nan)) break;
            const top = f32x4.gt(b, a); // b wins its pair
            const bottom = f32x4.gt(d, c2); // d wins its pair
            const topMax = f32x4.pmax(a, b);
            const bottomMax = f32x4.pmax(c2, d);
            const lower = f32x4.gt(bottomMax, topMax); // the bottom pair wins
            const keep = v128.or(f32x4.gt(f32x4.pmax(topMax, bottomMax), zero), pass);
            const g0 = v128.and(f32x4.add(v128.load(go + (<usize>ch << 2)), zero), keep);
            const da = di + co;
            v128.store(da, v128.andnot(g0, v128.or(top, lower)));
            v128.store(da + cb, v128.and(g0, v128.andnot(top, lower)));
            v128.store(da + rowB, v128.and(g0, v128.andnot(lower, bottom)));
            v128.store(da + rowB + cb, v128.and(g0, v128.and(lower, bottom)));
          }
        }
        for (; ch < c4; ch += 4) {
          const co = off + (<usize>ch << 2);
          const idx = argmax4(xi + co, rows, cols, rowB, cb);
          const keep = positiveOnly ? positiveChoice4(xi + co, rows, cols, rowB, cb) : pass;
          const g = v128.load(go + (<usize>ch << 2));
          let k = 0;
          if (disjoint) {
            // 0 + dy, as the reference adds onto a zeroed dx (-0 becomes +0).
            const g0 = v128.and(f32x4.add(g, zero), keep);
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
                const chosen = v128.and(i32x4.eq(idx, i32x4.splat(k)), keep);
                v128.store(d, v128.bitselect(f32x4.add(old, g), old, chosen));
                k++;
                d += cb;
              }
            }
          }
        }
        for (let ch = c4; ch < c; ch++) {
          const co = off + (<usize>ch << 2);
          let at = argmaxScalar(xi + co, rows, cols, rowB, cb);
          // No element receives dy when the chosen one is not > 0 (positiveOnly).
          if (positiveOnly && !(load<f32>(xi + co + <usize>(at / cols) * rowB + <usize>(at % cols) * cb) > 0)) at = -1;
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
