// Reduction kernels for Lamina's wasm backend: sums and softmax.
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

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

/**
 * y[j] = sum over o of x[o * inner + j]; acc is f64 scratch of `inner` elements. Each column is
 * summed in row order (the reference's order, so its bits). Rows go in chunks that stay in L1;
 * within a chunk, 16 columns at a time keep their sums in 8 registers (8 independent add chains)
 * instead of loading and storing them every row, which made a bias gradient over [50K, 32]
 * (W3's first layer) wait on store-to-load forwarding: 1.3 ms for 5.5 MB.
 */
export function sumLeading(x: usize, y: usize, outer: i32, inner: i32, acc: usize): void {
  memory.fill(acc, 0, <usize>(inner << 3));
  const rowB = <usize>(inner << 2);
  const chunk = max(1, SUM_CHUNK_FLOATS / max(inner, 1));
  const in16 = inner & ~15;
  for (let o0 = 0; o0 < outer; o0 += chunk) {
    const rows = min(chunk, outer - o0);
    const first = x + <usize>o0 * rowB;
    for (let j = 0; j < in16; j += 16) {
      const d = acc + (<usize>(j << 3));
      let s0 = v128.load(d), s1 = v128.load(d + 16), s2 = v128.load(d + 32), s3 = v128.load(d + 48);
      let s4 = v128.load(d + 64), s5 = v128.load(d + 80), s6 = v128.load(d + 96), s7 = v128.load(d + 112);
      let p = first + (<usize>(j << 2));
      for (let r = 0; r < rows; r++) {
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v128.load64_zero(p)));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.load64_zero(p + 8)));
        s2 = f64x2.add(s2, f64x2.promote_low_f32x4(v128.load64_zero(p + 16)));
        s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.load64_zero(p + 24)));
        s4 = f64x2.add(s4, f64x2.promote_low_f32x4(v128.load64_zero(p + 32)));
        s5 = f64x2.add(s5, f64x2.promote_low_f32x4(v128.load64_zero(p + 40)));
        s6 = f64x2.add(s6, f64x2.promote_low_f32x4(v128.load64_zero(p + 48)));
        s7 = f64x2.add(s7, f64x2.promote_low_f32x4(v128.load64_zero(p + 56)));
        p += rowB;
      }
      v128.store(d, s0);
      v128.store(d + 16, s1);
      v128.store(d + 32, s2);
      v128.store(d + 48, s3);
      v128.store(d + 64, s4);
      v128.store(d + 80, s5);
      v128.store(d + 96, s6);
      v128.store(d + 112, s7);
    }
    if (in16 == inner) continue;
    for (let r = 0; r < rows; r++) {
      const row = first + <usize>r * rowB;
      let j = in16;
      for (; j + 2 <= inner; j += 2) {
        const d = acc + (<usize>(j << 3));
        v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>(j << 2))))));
      }
      for (; j < inner; j++) {
        const d = acc + (<usize>(j << 3));
        store<f64>(d, load<f64>(d) + <f64>load<f32>(row + (<usize>(j << 2))));
      }
    }
  }
  for (let j = 0; j < inner; j++) store<f32>(y + (<usize>(j << 2)), <f32>load<f64>(acc + (<usize>(j << 3))));
}

/** sumLeading reads this many floats of rows at a time (16 KB: they stay in L1 across its column blocks). */
const SUM_CHUNK_FLOATS: i32 = 4096;

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
