// Elementwise kernels for Lamina's wasm backend: binary arithmetic, unary math, casts.
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

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

// Unary. op: 0 neg, 1 abs, 2 square, 3 relu, 8 sign, 9 sqrt, 11 reciprocal, 12 floor, 13 ceil
// (SIMD; correctly rounded, so equal to the reference's f64 result rounded to f32); 4 exp, 5 log,
// 6 sigmoid, 7 tanh, 10 rsqrt (scalar, computed in f64 like the reference backend).

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
  if (op == 8) {
    // sign: 1 where x > 0, -1 where x < 0, +0 for either zero, NaN stays NaN (as the reference).
    const zero = f32x4.splat(0);
    const ones = v128.and(f32x4.gt(x, zero), f32x4.splat(1));
    const signs = v128.or(ones, v128.and(f32x4.lt(x, zero), f32x4.splat(-1)));
    return v128.bitselect(x, signs, f32x4.ne(x, x));
  }
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

function rsqrtMap(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, <f32>(1.0 / Math.sqrt(<f64>load<f32>(x + o))));
  }
}

export function unary(op: i32, x: usize, y: usize, n: i32): void {
  if (op == 8) vmap(8, x, y, n);
  else if (op == 9) vmap(9, x, y, n);
  else if (op == 10) rsqrtMap(x, y, n);
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
