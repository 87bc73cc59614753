// Fused optimizer updates for Lamina's wasm backend (f32x4 SIMD, scalar tails).
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns. Every input and the output hold n float32 values. Each
// step is one float32 operation in the order the reference kernels (src/backend/js/optimizer.ts)
// round them, without fused multiply-add, so both backends give the same bits.

/** y = a * x + b * z. */
export function axpby(x: usize, z: usize, y: usize, n: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const r = f32x4.add(f32x4.mul(va, v128.load(x + o)), f32x4.mul(vb, v128.load(z + o)));
    v128.store(y + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    store<f32>(y + o, a * load<f32>(x + o) + b * load<f32>(z + o));
  }
}

/** y = a * x + b * (z * z). */
export function axpbySquare(x: usize, z: usize, y: usize, n: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const zz = v128.load(z + o);
    const r = f32x4.add(f32x4.mul(va, v128.load(x + o)), f32x4.mul(vb, f32x4.mul(zz, zz)));
    v128.store(y + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const zi = load<f32>(z + o);
    store<f32>(y + o, a * load<f32>(x + o) + b * (zi * zi));
  }
}

/** y = w - (m * lr) / (sqrt(v) + eps). */
export function adamStep(w: usize, m: usize, v: usize, y: usize, n: i32, lr: f32, eps: f32): void {
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const den = f32x4.add(f32x4.sqrt(v128.load(v + o)), veps);
    const step = f32x4.div(f32x4.mul(v128.load(m + o), vlr), den);
    v128.store(y + o, f32x4.sub(v128.load(w + o), step));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const den = sqrt<f32>(load<f32>(v + o)) + eps;
    store<f32>(y + o, load<f32>(w + o) - (load<f32>(m + o) * lr) / den);
  }
}

/** y = a * x - (g * lr) / sqrt(v + eps). */
export function rmsStep(
  x: usize,
  g: usize,
  v: usize,
  y: usize,
  n: i32,
  a: f32,
  lr: f32,
  eps: f32,
): void {
  const va = f32x4.splat(a);
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>(i << 2);
    const den = f32x4.sqrt(f32x4.add(v128.load(v + o), veps));
    const step = f32x4.div(f32x4.mul(v128.load(g + o), vlr), den);
    v128.store(y + o, f32x4.sub(f32x4.mul(va, v128.load(x + o)), step));
  }
  for (; i < n; i++) {
    const o = <usize>(i << 2);
    const den = sqrt<f32>(load<f32>(v + o) + eps);
    store<f32>(y + o, a * load<f32>(x + o) - (load<f32>(g + o) * lr) / den);
  }
}
