// Depthwise convolution and its two gradients for Lamina's wasm backend (NHWC; filter
// [fh, fw, c, mult], output channel o = ci * mult + q).
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns. Every output channel o of a tap reads filter element
// tap * C + o (C = c * mult), so a tap's filter row lines up with an output pixel's channels:
// with mult == 1 the channels go 4 at a time (x, y and the filter row all contiguous); with
// mult > 1 each output channel reads input channel o / mult, one float at a time.

import { madd } from './madd';

/** out[0..C) += a[0..C) * b[0..C) (mult == 1), or with a's channel o / mult (mult > 1). */
// @ts-ignore: decorator
@inline
function mulAdd(out: usize, a: usize, b: usize, C: i32, mult: i32): void {
  let o = 0;
  if (mult == 1) {
    for (; o + 4 <= C; o += 4) {
      const off = <usize>(o << 2);
      v128.store(out + off, madd(v128.load(a + off), v128.load(b + off), v128.load(out + off)));
    }
    for (; o < C; o++) {
      const off = <usize>(o << 2);
      store<f32>(out + off, load<f32>(out + off) + load<f32>(a + off) * load<f32>(b + off));
    }
    return;
  }
  for (; o < C; o++) {
    const off = <usize>(o << 2);
    store<f32>(out + off, load<f32>(out + off) + load<f32>(a + (<usize>((o / mult) << 2))) * load<f32>(b + off));
  }
}

/**
 * mode 0, forward: y = depthwise(x = a, filter = b), written whole.
 * mode 1, input gradient: dx (zeroed by the caller) += the taps of dy = a through filter = b.
 * mode 2, filter gradient: df (zeroed by the caller) += x = a times dy = b, tap by tap.
 * Images, output pixels and taps (row-major) in order, as the reference backend walks them.
 */
export function depthwise(
  mode: i32, a: usize, b: usize, out: usize,
  n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32,
  mult: i32,
): void {
  const C = c * mult;
  const CB = <usize>(C << 2);
  const cb = <usize>(c << 2);
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const op = <usize>((img * oh + oy) * ow + ox) * CB; // byte offset of the output pixel
        if (mode == 0) memory.fill(out + op, 0, CB);
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= w) continue;
            const ip = <usize>((img * h + iy) * w + ix) * cb;
            const tap = <usize>(ky * fw + kx) * CB;
            if (mode == 0) mulAdd(out + op, a + ip, b + tap, C, mult);
            else if (mode == 2) mulAdd(out + tap, a + ip, b + op, C, mult);
            else if (mult == 1) mulAdd(out + ip, a + op, b + tap, C, 1);
            else {
              // dx[ci] += sum over q of dy[ci * mult + q] * filter[tap, ci * mult + q]
              for (let ci = 0; ci < c; ci++) {
                let acc: f32 = 0;
                for (let q = 0; q < mult; q++) {
                  const off = <usize>((ci * mult + q) << 2);
                  acc += load<f32>(a + op + off) * load<f32>(b + tap + off);
                }
                const d = out + ip + (<usize>(ci << 2));
                store<f32>(d, load<f32>(d) + acc);
              }
            }
          }
        }
      }
    }
  }
}
