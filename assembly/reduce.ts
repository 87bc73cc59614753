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
