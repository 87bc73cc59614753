/**
 * Reference kernels of the fused layer, backprop and penalty steps (`FusedKernels`).
 * `PenaltyGradAdd`, `BiasActivation` and the others round every step to float32 (`Math.fround`)
 * in the order the kernel list writes it, so a float32 SIMD kernel matches them bit for bit;
 * `Penalty` sums in float64 and `WeightGradPenalty` adds the penalty after the product (other
 * backends may sum in another order, so those two agree to rounding, not to the bit).
 */
import type { KernelImpl, TensorInfo } from '../backend.js';
import type { FusedKernels } from '../kernels.js';
import { convKernels } from './conv.js';
import { linalgKernels } from './matmul.js';
import { maxPoolGrad } from './pool.js';
import { alloc, floatsOf } from './util.js';

type FusedTable = { readonly [K in keyof FusedKernels]: KernelImpl<K> };

const f = Math.fround;

/** zs = gs + (a * sign(xs) + b * xs), rounded as PenaltyGradAdd (zs may be gs). */
function addPenaltyGrad(
  zs: Float32Array,
  gs: Float32Array,
  xs: Float32Array,
  a: number,
  b: number,
): void {
  const fa = f(a);
  const fb = f(b);
  for (let i = 0; i < zs.length; i++) {
    const v = xs[i] as number;
    // a * sign(x), with sign(+-0) = +0 (a NaN x makes b * x, hence the sum, NaN).
    const t = v > 0 ? fa : v < 0 ? -fa : 0;
    zs[i] = (gs[i] as number) + f(t + f(fb * v));
  }
}

/** a b (or a^T b) of 2-D matrices, through the reference BatchMatMul. */
function matMul2d(a: TensorInfo, b: TensorInfo, transposeA: boolean): Float32Array {
  const [a0, a1] = a.shape as [number, number];
  const [b0, n] = b.shape as [number, number];
  return linalgKernels.BatchMatMul(
    [
      { ...a, shape: [1, a0, a1] },
      { ...b, shape: [1, b0, n] },
    ],
    { transposeA, transposeB: false },
    { shape: [1, transposeA ? a1 : a0, n], dtype: 'float32' },
  ) as Float32Array;
}

/** activation(ys + bias) in place, bias along the last axis (BiasActivation's arithmetic). */
function biasActivateInPlace(ys: Float32Array, bs: Float32Array, relu: boolean): void {
  const n = bs.length;
  for (let i = 0; i < ys.length; i += n) {
    for (let j = 0; j < n; j++) {
      const z = f((ys[i + j] as number) + (bs[j] as number));
      ys[i + j] = relu ? (z > 0 ? z : z === z ? 0 : z) : z;
    }
  }
}

export const fusedKernels: FusedTable = {
  BiasActivation: ([x, bias], { activation }, out) => {
    const zs = alloc(out) as Float32Array;
    zs.set(floatsOf(x));
    biasActivateInPlace(zs, floatsOf(bias), activation === 'relu');
    return zs;
  },
  MatMulBiasActivation: ([a, b, bias], { activation }) => {
    const ys = matMul2d(a, b, false);
    biasActivateInPlace(ys, floatsOf(bias), activation === 'relu');
    return ys;
  },
  Conv2DBiasActivation: ([x, filter, bias], { activation, ...attrs }, out) => {
    const ys = convKernels.Conv2D([x, filter], attrs, out) as Float32Array;
    biasActivateInPlace(ys, floatsOf(bias), activation === 'relu');
    return ys;
  },
  ClipByValueGrad: ([dy, x], { min, max }, out) => {
    const ds = floatsOf(dy);
    const xs = floatsOf(x);
    const zs = alloc(out);
    for (let i = 0; i < zs.length; i++) {
      const v = xs[i] as number;
      zs[i] = v >= min && v <= max ? (ds[i] as number) : 0;
    }
    return zs;
  },
  ReluGrad: ([dy, x], _attrs, out) => {
    const ds = floatsOf(dy);
    const xs = floatsOf(x);
    const zs = alloc(out);
    for (let i = 0; i < zs.length; i++) zs[i] = (xs[i] as number) > 0 ? (ds[i] as number) : 0;
    return zs;
  },
  MaxPoolReluGrad: ([x, dy], attrs, out) => maxPoolGrad(x, dy, attrs, out, true),
  Penalty: ([x], { l1, l2 }, out) => {
    const xs = floatsOf(x);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i] as number;
      s1 += Math.abs(v);
      s2 += v * v;
    }
    const zs = alloc(out);
    zs[0] = (l1 !== 0 ? l1 * s1 : 0) + (l2 !== 0 ? l2 * s2 : 0);
    return zs;
  },
  WeightGradPenalty: ([x, dz, w], { a, b }) => {
    const zs = matMul2d(x, dz, true);
    addPenaltyGrad(zs, zs, floatsOf(w), a, b);
    return zs;
  },
  PenaltyGradAdd: ([g, x], { a, b }, out) => {
    const zs = alloc(out) as Float32Array;
    addPenaltyGrad(zs, floatsOf(g), floatsOf(x), a, b);
    return zs;
  },
};
