// Fused backprop and penalty steps for Lamina's wasm backend (f32x4 SIMD, scalar tails).
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns; every array holds n float32 values. reluGrad and
// penaltyGradAdd round each step as the reference kernels (src/backend/js/fused.ts) do, so both
// backends give the same bits; penalty sums in float64 in another order than the reference.

/** y = x + b (each of `rows` rows of n, b of n), then relu if `relu` (max: NaN stays, -0 -> +0). */
export function biasActivation(x: usize, b: usize, y: usize, rows: i32, n: i32, relu: i32): void {
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = <usize>(r * n) << 2;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>(j << 2);
      const z = f32x4.add(v128.load(x + row + o), v128.load(b + o));
      v128.store(y + row + o, relu ? f32x4.max(z, zero) : z);
    }
    for (; j < n; j++) {
      const o = <usize>(j << 2);
      const z = load<f32>(x + row + o) + load<f32>(b + o);
      store<f32>(y + row + o, relu ? (z > 0 ? z : z == z ? 0 : z) : z);
    }
  }
}

/** y = x > 0 ? dy : 0. */
export function reluGrad(dy: usize, x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    v128.store(y + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, load<f32>(x + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/** l1 * sum(|x|) + l2 * sum(x^2), accumulated in float64; a zero factor's term is left out. */
export function penalty(x: usize, n: i32, l1: f64, l2: f64): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + <usize>(i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    a0 = f64x2.add(a0, f64x2.abs(lo));
    a1 = f64x2.add(a1, f64x2.abs(hi));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const a = f64x2.add(a0, a1);
  const s = f64x2.add(s0, s1);
  let sumAbs = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  let sumSq = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>(i << 2));
    sumAbs += abs<f64>(v);
    sumSq += v * v;
  }
  return (l1 != 0 ? l1 * sumAbs : 0) + (l2 != 0 ? l2 * sumSq : 0);
}

/** y = g + (a * sign(x) + b * x), sign(+-0) = +0. */
export function penaltyGradAdd(g: usize, x: usize, y: usize, n: i32, a: f32, b: f32): void {
  const pa = f32x4.splat(a);
  const na = f32x4.splat(-a);
  const vb = f32x4.splat(b);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const v = v128.load(x + o);
    const t = v128.or(v128.and(f32x4.gt(v, zero), pa), v128.and(f32x4.lt(v, zero), na));
    v128.store(y + o, f32x4.add(v128.load(g + o), f32x4.add(t, f32x4.mul(vb, v))));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const v = load<f32>(x + o);
    const t: f32 = v > 0 ? a : v < 0 ? -a : 0;
    store<f32>(y + o, load<f32>(g + o) + (t + b * v));
  }
}

/** y = x < lo ? loValue : x > hi ? hiValue : x (NaN stays NaN); lo, hi exact float32 bounds. */
export function clip(x: usize, y: usize, n: i32, lo: f32, hi: f32, loValue: f32, hiValue: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const vloValue = f32x4.splat(loValue);
  const vhiValue = f32x4.splat(hiValue);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const v = v128.load(x + o);
    const low = v128.bitselect(vloValue, v, f32x4.lt(v, vlo));
    v128.store(y + o, v128.bitselect(vhiValue, low, f32x4.gt(v, vhi)));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const v = load<f32>(x + o);
    store<f32>(y + o, v < lo ? loValue : v > hi ? hiValue : v);
  }
}

/** y = lo <= x <= hi ? dy : 0 (NaN x gives 0). */
export function clipGrad(dy: usize, x: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const v = v128.load(x + o);
    const inside = v128.and(f32x4.ge(v, vlo), f32x4.le(v, vhi));
    v128.store(y + o, v128.and(v128.load(dy + o), inside));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const v = load<f32>(x + o);
    store<f32>(y + o, v >= lo && v <= hi ? load<f32>(dy + o) : 0);
  }
}

/** y = a * sign(x) + b * x, sign(+-0) = +0 (penaltyGradAdd without the gradient it adds to). */
export function penaltyGrad(x: usize, y: usize, n: i32, a: f32, b: f32): void {
  const pa = f32x4.splat(a);
  const na = f32x4.splat(-a);
  const vb = f32x4.splat(b);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const v = v128.load(x + o);
    const t = v128.or(v128.and(f32x4.gt(v, zero), pa), v128.and(f32x4.lt(v, zero), na));
    v128.store(y + o, f32x4.add(t, f32x4.mul(vb, v)));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const v = load<f32>(x + o);
    const t: f32 = v > 0 ? a : v < 0 ? -a : 0;
    store<f32>(y + o, t + b * v);
  }
}
