// WebAssembly SIMD kernels for Lamina's wasm backend (AssemblyScript; built by `npm run build:wasm`).
//
// Kernels never allocate: every pointer (inputs, output, packing scratch) points into memory the
// TypeScript side owns (src/backend/wasm/memory.ts). All float data is float32, row-major.

// ---------------------------------------------------------------------------------------------
// Packed GEMM after Goto & van de Geijn: C (m x n, row stride ldc) += A (m x k) * B (k x n), where
// element (i, j) of A is at a + 4 * (i * ars + j * acs) (likewise B), so transposed operands are
// just other strides and are packed at full speed. Micro-kernel: 4 rows x 8 columns of f32x4.

const MR: i32 = 4;
const NR: i32 = 8;
const MC: i32 = 64;
const KC: i32 = 256;
const NC: i32 = 1024;

/** Bytes of packing scratch gemm needs (A block, B block, an edge tile). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

function packB(b: usize, brs: i32, bcs: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const col0 = jc + j;
    if (cols == NR && bcs == 1) {
      let src = b + (<usize>((pc * brs + col0) << 2));
      const step = <usize>(brs << 2);
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst + 16, v128.load(src + 16));
        src += step;
        dst += 32;
      }
    } else if (cols == NR && brs == 1) {
      // B^T stored row-major: column j of B is contiguous along p.
      for (let c = 0; c < NR; c++) {
        let src = b + (<usize>(((col0 + c) * bcs + pc) << 2));
        let d = dst + (<usize>(c << 2));
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(src));
          src += 4;
          d += 32;
        }
      }
      dst += <usize>(kc * 32);
    } else {
      for (let p = 0; p < kc; p++) {
        const row = b + (<usize>(((pc + p) * brs + col0 * bcs) << 2));
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>(c << 2)), c < cols ? load<f32>(row + (<usize>((c * bcs) << 2))) : 0);
        }
        dst += 32;
      }
    }
  }
}

function packA(a: usize, ars: i32, acs: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const row0 = ic + i;
    if (rows == MR && ars == 1) {
      // A^T stored row-major: the 4 rows of a panel are contiguous for each p.
      let src = a + (<usize>((row0 + pc * acs) << 2));
      const step = <usize>(acs << 2);
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    } else if (rows == MR && acs == 1) {
      for (let r = 0; r < MR; r++) {
        let src = a + (<usize>(((row0 + r) * ars + pc) << 2));
        let d = dst + (<usize>(r << 2));
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(src));
          src += 4;
          d += 16;
        }
      }
      dst += <usize>(kc * 16);
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(
            dst + (<usize>(r << 2)),
            r < rows ? load<f32>(a + (<usize>(((row0 + r) * ars + (pc + p) * acs) << 2))) : 0,
          );
        }
        dst += 16;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function addRow(c: usize, lo: v128, hi: v128): void {
  v128.store(c, f32x4.add(v128.load(c), lo));
  v128.store(c + 16, f32x4.add(v128.load(c + 16), hi));
}

function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb + 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa + 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa + 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa + 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    pb += 32;
  }
  const stride = <usize>(ldc << 2);
  if (rows == MR && cols == NR) {
    addRow(c, c00, c01);
    addRow(c + stride, c10, c11);
    addRow(c + 2 * stride, c20, c21);
    addRow(c + 3 * stride, c30, c31);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile + 16, c01);
  v128.store(tile + 32, c10);
  v128.store(tile + 48, c11);
  v128.store(tile + 64, c20);
  v128.store(tile + 80, c21);
  v128.store(tile + 96, c30);
  v128.store(tile + 112, c31);
  for (let r = 0; r < rows; r++) {
    const crow = c + <usize>r * stride;
    const trow = tile + (<usize>(r * 32));
    for (let j = 0; j < cols; j++) {
      const o = crow + (<usize>(j << 2));
      store<f32>(o, load<f32>(o) + load<f32>(trow + (<usize>(j << 2))));
    }
  }
}

export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  scratch: usize,
): void {
  const pa = scratch;
  const pb = scratch + (<usize>(MC * KC * 4));
  const tile = pb + (<usize>(KC * NC * 4));
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, brs, bcs, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, ars, acs, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const bp = pb + (<usize>(jr * kc * 4));
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            micro(
              kc,
              pa + (<usize>(ir * kc * 4)),
              bp,
              c + (<usize>(((ic + ir) * ldc + jc + jr) << 2)),
              ldc,
              min(MR, mc - ir),
              cols,
              tile,
            );
          }
        }
      }
    }
  }
}

export function zero(p: usize, bytes: i32): void {
  memory.fill(p, 0, <usize>bytes);
}

export function copy(dst: usize, src: usize, bytes: i32): void {
  memory.copy(dst, src, <usize>bytes);
}

// ---------------------------------------------------------------------------------------------
// Elementwise. op: 0 add, 1 sub, 2 mul, 3 div. mode: 0 same shape (n), 1 b scalar, 2 a scalar,
// 3 b a row of length m repeated over a (n elements), 4 a a row of length m repeated over b.

// @ts-ignore: decorator
@inline
function vop(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

// @ts-ignore: decorator
@inline
function sop(op: i32, x: f32, y: f32): f32 {
  if (op == 0) return x + y;
  if (op == 1) return x - y;
  if (op == 2) return x * y;
  return x / y;
}

// @ts-ignore: decorator
@inline
function binSame(op: i32, a: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    v128.store(y + o, vop(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, sop(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

// @ts-ignore: decorator
@inline
function binScalarB(op: i32, a: usize, b: usize, y: usize, n: i32): void {
  const s = load<f32>(b);
  const v = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    v128.store(y + o, vop(op, v128.load(a + o), v));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, sop(op, load<f32>(a + o), s));
  }
}

// @ts-ignore: decorator
@inline
function binScalarA(op: i32, a: usize, b: usize, y: usize, n: i32): void {
  const s = load<f32>(a);
  const v = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    v128.store(y + o, vop(op, v, v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, sop(op, s, load<f32>(b + o)));
  }
}

// @ts-ignore: decorator
@inline
function binRowB(op: i32, a: usize, b: usize, y: usize, n: i32, m: i32): void {
  for (let r = 0; r < n; r += m) {
    const ar = a + (<usize>(r << 2));
    const yr = y + (<usize>(r << 2));
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const o = <usize>(i << 2);
      v128.store(yr + o, vop(op, v128.load(ar + o), v128.load(b + o)));
    }
    for (; i < m; i++) {
      const o = <usize>(i << 2);
      store<f32>(yr + o, sop(op, load<f32>(ar + o), load<f32>(b + o)));
    }
  }
}

// @ts-ignore: decorator
@inline
function binRowA(op: i32, a: usize, b: usize, y: usize, n: i32, m: i32): void {
  for (let r = 0; r < n; r += m) {
    const br = b + (<usize>(r << 2));
    const yr = y + (<usize>(r << 2));
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const o = <usize>(i << 2);
      v128.store(yr + o, vop(op, v128.load(a + o), v128.load(br + o)));
    }
    for (; i < m; i++) {
      const o = <usize>(i << 2);
      store<f32>(yr + o, sop(op, load<f32>(a + o), load<f32>(br + o)));
    }
  }
}

// @ts-ignore: decorator
@inline
function binOp(op: i32, mode: i32, a: usize, b: usize, y: usize, n: i32, m: i32): void {
  if (mode == 0) binSame(op, a, b, y, n);
  else if (mode == 1) binScalarB(op, a, b, y, n);
  else if (mode == 2) binScalarA(op, a, b, y, n);
  else if (mode == 3) binRowB(op, a, b, y, n, m);
  else binRowA(op, a, b, y, n, m);
}

export function binary(op: i32, mode: i32, a: usize, b: usize, y: usize, n: i32, m: i32): void {
  if (op == 0) binOp(0, mode, a, b, y, n, m);
  else if (op == 1) binOp(1, mode, a, b, y, n, m);
  else if (op == 2) binOp(2, mode, a, b, y, n, m);
  else binOp(3, mode, a, b, y, n, m);
}

// Unary. op: 0 neg, 1 abs, 2 square, 3 relu, 9 sqrt, 11 reciprocal, 12 floor, 13 ceil (SIMD;
// correctly rounded, so equal to the reference's f64 result rounded to f32); 4 exp, 5 log,
// 6 sigmoid, 7 tanh, 8 sign, 10 rsqrt (scalar, computed in f64 like the reference backend).

// @ts-ignore: decorator
@inline
function vunary(op: i32, x: v128): v128 {
  if (op == 0) return f32x4.neg(x);
  if (op == 1) return f32x4.abs(x);
  if (op == 2) return f32x4.mul(x, x);
  if (op == 9) return f32x4.sqrt(x);
  if (op == 11) return f32x4.div(f32x4.splat(1), x);
  if (op == 12) return f32x4.floor(x);
  if (op == 13) return f32x4.ceil(x);
  // relu: max propagates NaN and maps -0 to +0, as the reference does.
  return f32x4.max(x, f32x4.splat(0));
}

// @ts-ignore: decorator
@inline
function vmap(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    v128.store(y + o, vunary(op, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    v128.store32_lane(y + o, vunary(op, v128.load32_splat(x + o)), 0);
  }
}

function sigmoid(x: f64): f64 {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// @ts-ignore: decorator
@inline
function smap(op: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>(i << 2);
    const v = load<f32>(x + o);
    let r: f32;
    if (op == 8) r = v > 0 ? 1 : v < 0 ? -1 : v == v ? 0 : v;
    else r = <f32>(1.0 / Math.sqrt(<f64>v));
    store<f32>(y + o, r);
  }
}

export function unary(op: i32, x: usize, y: usize, n: i32): void {
  if (op == 8) smap(8, x, y, n);
  else if (op == 9) vmap(9, x, y, n);
  else if (op == 10) smap(10, x, y, n);
  else if (op == 11) vmap(11, x, y, n);
  else if (op == 12) vmap(12, x, y, n);
  else if (op == 13) vmap(13, x, y, n);
  else if (op == 0) vmap(0, x, y, n);
  else if (op == 1) vmap(1, x, y, n);
  else if (op == 2) vmap(2, x, y, n);
  else if (op == 3) vmap(3, x, y, n);
  else if (op == 4) for (let i = 0; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, <f32>Math.exp(<f64>load<f32>(x + o)));
  }
  else if (op == 5) for (let i = 0; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, <f32>Math.log(<f64>load<f32>(x + o)));
  }
  else if (op == 6) for (let i = 0; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, <f32>sigmoid(<f64>load<f32>(x + o)));
  }
  else for (let i = 0; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, <f32>Math.tanh(<f64>load<f32>(x + o)));
  }
}

// ---------------------------------------------------------------------------------------------
// Reductions (accumulating in f64 like the reference backend).

/** y[o] = sum of x[o * inner .. (o + 1) * inner). */
export function sumTrailing(x: usize, y: usize, outer: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    let s0: f64 = 0;
    let p = x + (<usize>(o * inner) << 2);
    for (let j = 0; j < inner; j++) {
      s0 += <f64>load<f32>(p);
      p += 4;
    }
    store<f32>(y + (<usize>(o << 2)), <f32>s0);
  }
}

/** y[j] = sum over o of x[o * inner + j]; acc is f64 scratch of `inner` elements. */
export function sumLeading(x: usize, y: usize, outer: i32, inner: i32, acc: usize): void {
  memory.fill(acc, 0, <usize>(inner << 3));
  for (let o = 0; o < outer; o++) {
    const row = x + (<usize>(o * inner) << 2);
    let j = 0;
    for (; j + 2 <= inner; j += 2) {
      const d = acc + (<usize>(j << 3));
      v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>(j << 2))))));
    }
    for (; j < inner; j++) {
      const d = acc + (<usize>(j << 3));
      store<f64>(d, load<f64>(d) + <f64>load<f32>(row + (<usize>(j << 2))));
    }
  }
  for (let j = 0; j < inner; j++) store<f32>(y + (<usize>(j << 2)), <f32>load<f64>(acc + (<usize>(j << 3))));
}

/** Softmax (log = 0) or log-softmax (log = 1) over rows of length n. */
export function softmax(x: usize, y: usize, rows: i32, n: i32, log: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * n) << 2);
    const yr = y + (<usize>(r * n) << 2);
    let max: f64 = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = <f64>load<f32>(xr + (<usize>(k << 2)));
      if (v > max || v != v) max = v;
    }
    if (max == -Infinity) max = 0;
    let sum: f64 = 0;
    for (let k = 0; k < n; k++) sum += Math.exp(<f64>load<f32>(xr + (<usize>(k << 2))) - max);
    if (log) {
      const lse = Math.log(sum);
      for (let k = 0; k < n; k++) {
        const o = <usize>(k << 2);
        store<f32>(yr + o, <f32>(<f64>load<f32>(xr + o) - max - lse));
      }
    } else {
      for (let k = 0; k < n; k++) {
        const o = <usize>(k << 2);
        store<f32>(yr + o, <f32>(Math.exp(<f64>load<f32>(xr + o) - max) / sum));
      }
    }
  }
}

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
// Max pooling (NHWC). Padding never enters a window; NaN wins, as in the reference backend.

export function maxPool(
  x: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yo = y + (<usize>(((img * oh + oy) * ow + ox) * c) << 2);
        for (let ch = 0; ch < c; ch++) {
          let best: f32 = -Infinity;
          let done = false;
          for (let ky = 0; ky < fh && !done; ky++) {
            const iy = oy * sh - pt + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < fw; kx++) {
              const ix = ox * sw - pl + kx;
              if (ix < 0 || ix >= w) continue;
              const v = load<f32>(x + (<usize>(((img * h + iy) * w + ix) * c + ch) << 2));
              if (v > best || v != v) best = v;
              if (v != v) {
                done = true;
                break;
              }
            }
          }
          store<f32>(yo + (<usize>(ch << 2)), best);
        }
      }
    }
  }
}

/** dx (zeroed by the caller) += dy routed to the first maximum of each window. */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((img * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best: f32 = -Infinity;
          let at = -1;
          for (let ky = 0; ky < fh; ky++) {
            const iy = oy * sh - pt + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < fw; kx++) {
              const ix = ox * sw - pl + kx;
              if (ix < 0 || ix >= w) continue;
              const idx = ((img * h + iy) * w + ix) * c + ch;
              const v = load<f32>(x + (<usize>idx << 2));
              if (at < 0 || v > best || (v != v && best == best)) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) {
            const d = dx + (<usize>at << 2);
            store<f32>(d, load<f32>(d) + load<f32>(dy + (<usize>(o + ch) << 2)));
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Broadcasting and movement. The TypeScript side collapses shapes and writes an i32 table at
// `meta`: the output shape (rank entries), then one stride row per input (in elements; 0 on a
// broadcast dimension, possibly negative for a reversal), then rank entries of odometer scratch.
// The output is contiguous; the loops walk it row by row along the last dimension.

/** Advances the odometer over dims [0, rank - 1); returns false when the walk is done. */
// @ts-ignore: decorator
@inline
function odometer(meta: usize, rank: i32, idx: usize, offs: usize, nIn: i32): bool {
  for (let d = rank - 2; d >= 0; d--) {
    const pi = idx + (<usize>d << 2);
    const k = load<i32>(pi) + 1;
    const len = load<i32>(meta + (<usize>d << 2));
    for (let t = 0; t < nIn; t++) {
      const st = load<i32>(meta + (<usize>((1 + t) * rank + d) << 2));
      const po = offs + (<usize>t << 2);
      store<i32>(po, load<i32>(po) + (k < len ? st : -(k - 1) * st));
    }
    if (k < len) {
      store<i32>(pi, k);
      return true;
    }
    store<i32>(pi, 0);
  }
  return false;
}

/** y (contiguous) = x[start + sum idx[d] * step[d]]; es: element bytes (4 or 1). */
export function gatherStrided(x: usize, start: i32, y: usize, rank: i32, meta: usize, es: i32): void {
  const idx = meta + (<usize>(2 * rank) << 2);
  const offs = idx + (<usize>rank << 2);
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(offs, start);
  const len = load<i32>(meta + (<usize>(rank - 1) << 2));
  const step = load<i32>(meta + (<usize>(2 * rank - 1) << 2));
  const rowBytes = <usize>(len * es);
  let dst = y;
  do {
    const off = load<i32>(offs);
    if (es == 4) {
      const src = x + (<usize>off << 2);
      if (step == 1) memory.copy(dst, src, rowBytes);
      else if (step == 0) {
        const v = load<f32>(src);
        const vv = f32x4.splat(v);
        let j = 0;
        for (; j + 4 <= len; j += 4) v128.store(dst + (<usize>j << 2), vv);
        for (; j < len; j++) store<f32>(dst + (<usize>j << 2), v);
      } else {
        let p = src;
        const sb = <usize>(step << 2);
        for (let j = 0; j < len; j++) {
          store<i32>(dst + (<usize>j << 2), load<i32>(p));
          p += sb;
        }
      }
    } else {
      const src = x + <usize>off;
      if (step == 1) memory.copy(dst, src, rowBytes);
      else if (step == 0) memory.fill(dst, load<u8>(src), rowBytes);
      else for (let j = 0; j < len; j++) store<u8>(dst + <usize>j, load<u8>(src + <usize>(j * step)));
    }
    dst += rowBytes;
  } while (odometer(meta, rank, idx, offs, 1));
}

/** 2-D transpose of 4-byte elements, in 8x8 tiles: y (cols x rows) = x (rows x cols)^T. */
export function transpose2d(x: usize, y: usize, rows: i32, cols: i32): void {
  const T = 8;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = min(cols, j0 + T);
      for (let j = j0; j < j1; j++) {
        const yr = y + (<usize>(j * rows) << 2);
        for (let i = i0; i < i1; i++) {
          store<i32>(yr + (<usize>i << 2), load<i32>(x + (<usize>(i * cols + j) << 2)));
        }
      }
    }
  }
}

// Binary ops over broadcast strides. op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum
// (f32 out); 8 equal, 9 notEqual, 10 greater, 11 greaterEqual, 12 less, 13 lessEqual (bool out,
// one byte per element).

// @ts-ignore: decorator
@inline
function fop(op: i32, x: f32, y: f32): f32 {
  if (op == 0) return x + y;
  if (op == 1) return x - y;
  if (op == 2) return x * y;
  if (op == 3) return x / y;
  if (x != x || y != y) return NaN;
  if (op == 4) return x > y ? x : y;
  return x < y ? x : y;
}

// @ts-ignore: decorator
@inline
function vfop(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  if (op == 3) return f32x4.div(x, y);
  // As the reference: x > y ? x : y (x < y for minimum), NaN when either is NaN.
  const pick = op == 4 ? f32x4.gt(x, y) : f32x4.lt(x, y);
  const r = v128.bitselect(x, y, pick);
  const ok = v128.and(f32x4.eq(x, x), f32x4.eq(y, y));
  return v128.bitselect(r, f32x4.add(x, y), ok);
}

// @ts-ignore: decorator
@inline
function cop(op: i32, x: f32, y: f32): u8 {
  if (op == 8) return <u8>(x == y);
  if (op == 9) return <u8>(x != y);
  if (op == 10) return <u8>(x > y);
  if (op == 11) return <u8>(x >= y);
  if (op == 12) return <u8>(x < y);
  return <u8>(x <= y);
}

// @ts-ignore: decorator
@inline
function binRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, y: usize, n: i32): void {
  if (op < 8) {
    let j = 0;
    if (sa == 1 && sb == 1) {
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(y + o, vfop(op, v128.load(a + o), v128.load(b + o)));
      }
    } else if (sa == 1 && sb == 0) {
      const v = v128.load32_splat(b);
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(y + o, vfop(op, v128.load(a + o), v));
      }
    } else if (sa == 0 && sb == 1) {
      const v = v128.load32_splat(a);
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(y + o, vfop(op, v, v128.load(b + o)));
      }
    }
    for (; j < n; j++) {
      store<f32>(
        y + (<usize>j << 2),
        fop(op, load<f32>(a + (<usize>(j * sa) << 2)), load<f32>(b + (<usize>(j * sb) << 2))),
      );
    }
  } else {
    for (let j = 0; j < n; j++) {
      store<u8>(
        y + <usize>j,
        cop(op, load<f32>(a + (<usize>(j * sa) << 2)), load<f32>(b + (<usize>(j * sb) << 2))),
      );
    }
  }
}

// @ts-ignore: decorator
@inline
function binBroadcastOp(op: i32, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  const idx = meta + (<usize>(3 * rank) << 2);
  const offs = idx + (<usize>rank << 2);
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(offs, 0);
  store<i32>(offs + 4, 0);
  const len = load<i32>(meta + (<usize>(rank - 1) << 2));
  const sa = load<i32>(meta + (<usize>(2 * rank - 1) << 2));
  const sb = load<i32>(meta + (<usize>(3 * rank - 1) << 2));
  const yb = <usize>(op < 8 ? len << 2 : len);
  let dst = y;
  do {
    binRow(op, a + (<usize>load<i32>(offs) << 2), sa, b + (<usize>load<i32>(offs + 4) << 2), sb, dst, len);
    dst += yb;
  } while (odometer(meta, rank, idx, offs, 2));
}

export function binaryBroadcast(op: i32, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  if (op == 0) binBroadcastOp(0, a, b, y, rank, meta);
  else if (op == 1) binBroadcastOp(1, a, b, y, rank, meta);
  else if (op == 2) binBroadcastOp(2, a, b, y, rank, meta);
  else if (op == 3) binBroadcastOp(3, a, b, y, rank, meta);
  else if (op == 4) binBroadcastOp(4, a, b, y, rank, meta);
  else if (op == 5) binBroadcastOp(5, a, b, y, rank, meta);
  else if (op == 8) binBroadcastOp(8, a, b, y, rank, meta);
  else if (op == 9) binBroadcastOp(9, a, b, y, rank, meta);
  else if (op == 10) binBroadcastOp(10, a, b, y, rank, meta);
  else if (op == 11) binBroadcastOp(11, a, b, y, rank, meta);
  else if (op == 12) binBroadcastOp(12, a, b, y, rank, meta);
  else binBroadcastOp(13, a, b, y, rank, meta);
}

/** y = cond ? a : b over broadcast strides (cond one byte per element; a, b, y 4-byte). */
export function where(c: usize, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  const idx = meta + (<usize>(4 * rank) << 2);
  const offs = idx + (<usize>rank << 2);
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(offs, 0);
  store<i32>(offs + 4, 0);
  store<i32>(offs + 8, 0);
  const len = load<i32>(meta + (<usize>(rank - 1) << 2));
  const sc = load<i32>(meta + (<usize>(2 * rank - 1) << 2));
  const sa = load<i32>(meta + (<usize>(3 * rank - 1) << 2));
  const sb = load<i32>(meta + (<usize>(4 * rank - 1) << 2));
  let dst = y;
  do {
    const cr = c + <usize>load<i32>(offs);
    const ar = a + (<usize>load<i32>(offs + 4) << 2);
    const br = b + (<usize>load<i32>(offs + 8) << 2);
    if (sc == 1 && sa == 1 && sb == 0) {
      const bv = load<i32>(br);
      for (let j = 0; j < len; j++) {
        store<i32>(dst + (<usize>j << 2), load<u8>(cr + <usize>j) ? load<i32>(ar + (<usize>j << 2)) : bv);
      }
    } else {
      for (let j = 0; j < len; j++) {
        store<i32>(
          dst + (<usize>j << 2),
          load<u8>(cr + <usize>(j * sc))
            ? load<i32>(ar + (<usize>(j * sa) << 2))
            : load<i32>(br + (<usize>(j * sb) << 2)),
        );
      }
    }
    dst += <usize>len << 2;
  } while (odometer(meta, rank, idx, offs, 3));
}

/** Int32Array's conversion of a finite or non-finite number (ToInt32: wraps modulo 2^32). */
function toInt32(v: f64): i32 {
  if (!isFinite(v)) return 0;
  const t = Math.trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return <i32>t;
  let m = t % 4294967296.0;
  if (m < 0) m += 4294967296.0;
  return <i32>(<u32>m);
}

/** mode: 0 f32->i32, 1 f32->bool, 2 i32->f32, 3 bool->f32, 4 i32->bool, 5 bool->i32. */
export function cast(x: usize, y: usize, n: i32, mode: i32): void {
  if (mode == 0) for (let i = 0; i < n; i++) store<i32>(y + (<usize>i << 2), toInt32(<f64>load<f32>(x + (<usize>i << 2))));
  else if (mode == 1) for (let i = 0; i < n; i++) store<u8>(y + <usize>i, <u8>(load<f32>(x + (<usize>i << 2)) != 0));
  else if (mode == 2) for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), <f32>load<i32>(x + (<usize>i << 2)));
  else if (mode == 3) for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), <f32>load<u8>(x + <usize>i));
  else if (mode == 4) for (let i = 0; i < n; i++) store<u8>(y + <usize>i, <u8>(load<i32>(x + (<usize>i << 2)) != 0));
  else for (let i = 0; i < n; i++) store<i32>(y + (<usize>i << 2), <i32>load<u8>(x + <usize>i));
}

/** A tiny SIMD function, so the loader can check the module validates. */
export function simdProbe(x: f32): f32 {
  return f32x4.extract_lane(f32x4.splat(x), 0);
}

/** First byte after the module's static data: the TypeScript allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
