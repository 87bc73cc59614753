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
