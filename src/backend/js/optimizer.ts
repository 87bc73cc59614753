/**
 * Reference kernels of the fused optimizer updates (`OptimizerKernels`). Every step is rounded
 * to float32 (`Math.fround`) in the order the kernel list writes it, scalars included: this is
 * exactly what a float32 SIMD kernel computes (float32 +, -, *, / and sqrt are correctly
 * rounded, and so is a double result of float32 operands rounded once to float32), so other
 * backends can match these values bit for bit.
 */
import type { KernelImpl } from '../backend.js';
import type { OptimizerKernels } from '../kernels.js';
import { alloc, floatsOf } from './util.js';

type OptimizerTable = { readonly [K in keyof OptimizerKernels]: KernelImpl<K> };

const f = Math.fround;

export const optimizerKernels: OptimizerTable = {
  Axpby: ([x, y], { a, b }, out) => {
    const xs = floatsOf(x);
    const ys = floatsOf(y);
    const zs = alloc(out);
    const fa = f(a);
    const fb = f(b);
    for (let i = 0; i < zs.length; i++)
      zs[i] = f(fa * (xs[i] as number)) + f(fb * (ys[i] as number));
    return zs;
  },
  AxpbySquare: ([x, y], { a, b }, out) => {
    const xs = floatsOf(x);
    const ys = floatsOf(y);
    const zs = alloc(out);
    const fa = f(a);
    const fb = f(b);
    for (let i = 0; i < zs.length; i++) {
      const yi = ys[i] as number;
      zs[i] = f(fa * (xs[i] as number)) + f(fb * f(yi * yi));
    }
    return zs;
  },
  AdamStep: ([w, m, v], { lr, eps }, out) => {
    const ws = floatsOf(w);
    const ms = floatsOf(m);
    const vs = floatsOf(v);
    const zs = alloc(out);
    const flr = f(lr);
    const feps = f(eps);
    for (let i = 0; i < zs.length; i++) {
      const den = f(f(Math.sqrt(vs[i] as number)) + feps);
      zs[i] = (ws[i] as number) - f(f((ms[i] as number) * flr) / den);
    }
    return zs;
  },
  RmsStep: ([x, g, v], { a, lr, eps }, out) => {
    const xs = floatsOf(x);
    const gs = floatsOf(g);
    const vs = floatsOf(v);
    const zs = alloc(out);
    const fa = f(a);
    const flr = f(lr);
    const feps = f(eps);
    for (let i = 0; i < zs.length; i++) {
      const den = f(Math.sqrt(f((vs[i] as number) + feps)));
      zs[i] = f(fa * (xs[i] as number)) - f(f((gs[i] as number) * flr) / den);
    }
    return zs;
  },
};
