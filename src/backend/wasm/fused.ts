/**
 * The wasm backend's fused steps (`assembly/fused.ts`): f32x4 SIMD, one pass each.
 * BiasActivation, ReluGrad and PenaltyGradAdd give the reference kernels' bits; Penalty sums in
 * float64 in another order. Ops guarantee float32 inputs of one shape (and a bias of the last
 * dimension).
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { KernelAttrs } from '../kernels.js';
import { sizeOf } from '../../tensor/shape.js';
import {
  PARALLEL_MIN_ELEMENTS,
  splitElements,
  type NativeTable,
  type WasmKernelContext,
} from './context.js';
import type { WasmData } from './memory.js';

/**
 * y = activation(x + bias) over `size` floats at byte offsets px -> py (py may be px: each
 * element is read before it is written), bias of n floats at pb; split across the pool by rows.
 */
export function biasActivate(
  { parallel }: WasmKernelContext,
  px: number,
  py: number,
  size: number,
  pb: number,
  n: number,
  activation: 'linear' | 'relu',
): void {
  if (size === 0 || n === 0) return;
  const relu = activation === 'relu' ? 1 : 0;
  const minRows = Math.ceil(PARALLEL_MIN_ELEMENTS / n);
  parallel('biasActivation', size / n, 1, minRows, (r, count) => [
    px + r * n * 4,
    pb,
    py + r * n * 4,
    count,
    n,
    relu,
  ]);
}

const bitsF32 = new Float32Array(1);
const bitsI32 = new Int32Array(bitsF32.buffer);

/** The float32 next to `f` towards +Infinity (up) or -Infinity. */
function nextF32(f: number, up: boolean): number {
  if (f === 0) return up ? 2 ** -149 : -(2 ** -149);
  bitsF32[0] = f;
  bitsI32[0] = (bitsI32[0] as number) + (f > 0 === up ? 1 : -1);
  return bitsF32[0] as number;
}

/**
 * Float32 bounds equivalent to clipping at `min` and `max` (JS numbers) for float32 x: x < min
 * exactly when x < lo, x > max exactly when x > hi; and the float32 values min and max store as.
 */
export function clipBounds(
  min: number,
  max: number,
): { lo: number; hi: number; loValue: number; hiValue: number } {
  const fmin = Math.fround(min);
  const fmax = Math.fround(max);
  return {
    lo: fmin >= min ? fmin : nextF32(fmin, true),
    hi: fmax <= max ? fmax : nextF32(fmax, false),
    loValue: fmin,
    hiValue: fmax,
  };
}

export function fusedKernels(ctx: WasmKernelContext): NativeTable {
  const { k, mem, ptrOf, output, native, parallel, gemm } = ctx;
  const biasActivation = (
    [x, bias]: readonly TensorInfo[],
    { activation }: KernelAttrs<'BiasActivation'>,
    out: OutputInfo,
  ): WasmData => {
    const px = ptrOf(x as TensorInfo);
    const pb = ptrOf(bias as TensorInfo);
    const y = output(out);
    biasActivate(
      ctx,
      px,
      y.ptr,
      sizeOf(out.shape),
      pb,
      sizeOf((bias as TensorInfo).shape),
      activation,
    );
    return y;
  };

  /** The product into the output block, then bias and activation in place: one output. */
  const matMulBiasActivation = (
    [a, b, bias]: readonly TensorInfo[],
    { activation }: KernelAttrs<'MatMulBiasActivation'>,
    out: OutputInfo,
  ): WasmData => {
    const [m, kk] = (a as TensorInfo).shape as [number, number];
    const n = (b as TensorInfo).shape[1] as number;
    const pa = ptrOf(a as TensorInfo);
    const pbm = ptrOf(b as TensorInfo);
    const pb = ptrOf(bias as TensorInfo);
    const y = output(out);
    gemm(m, n, kk, pa, kk, 1, pbm, n, 1, y.ptr, n, true);
    biasActivate(ctx, y.ptr, y.ptr, m * n, pb, n, activation);
    return y;
  };

  const reluGrad = ([dy, x]: readonly TensorInfo[], _: unknown, out: OutputInfo): WasmData => {
    const pd = ptrOf(dy as TensorInfo);
    const px = ptrOf(x as TensorInfo);
    const y = output(out);
    splitElements(parallel, 'reluGrad', [], [pd, px, y.ptr], sizeOf(out.shape));
    return y;
  };

  const clipByValueGrad = (
    [dy, x]: readonly TensorInfo[],
    { min, max }: KernelAttrs<'ClipByValueGrad'>,
    out: OutputInfo,
  ): WasmData => {
    const pd = ptrOf(dy as TensorInfo);
    const px = ptrOf(x as TensorInfo);
    const y = output(out);
    const { lo, hi } = clipBounds(min, max);
    splitElements(parallel, 'clipGrad', [], [pd, px, y.ptr], sizeOf(out.shape), [lo, hi]);
    return y;
  };

  /** The penalty's gradient written into the output block, then the product added to it. */
  const weightGradPenalty = (
    [x, dz, w]: readonly TensorInfo[],
    { a, b }: KernelAttrs<'WeightGradPenalty'>,
    out: OutputInfo,
  ): WasmData => {
    const [m, kk] = (x as TensorInfo).shape as [number, number];
    const n = (dz as TensorInfo).shape[1] as number;
    const px = ptrOf(x as TensorInfo);
    const pdz = ptrOf(dz as TensorInfo);
    const pw = ptrOf(w as TensorInfo);
    const y = output(out);
    splitElements(parallel, 'penaltyGrad', [], [pw, y.ptr], kk * n, [a, b]);
    // y += x^T dz: A = x^T has row stride 1 and column stride kk.
    gemm(kk, n, m, px, 1, kk, pdz, n, 1, y.ptr, n, false);
    return y;
  };

  const penalty = (
    [x]: readonly TensorInfo[],
    { l1, l2 }: KernelAttrs<'Penalty'>,
    out: OutputInfo,
  ): WasmData => {
    const info = x as TensorInfo;
    const px = ptrOf(info);
    const value = k.penalty(px, sizeOf(info.shape), l1, l2);
    const y = output(out);
    mem.f32[y.ptr >>> 2] = value;
    return y;
  };

  const penaltyGradAdd = (
    [g, x]: readonly TensorInfo[],
    { a, b }: KernelAttrs<'PenaltyGradAdd'>,
    out: OutputInfo,
  ): WasmData => {
    const pg = ptrOf(g as TensorInfo);
    const px = ptrOf(x as TensorInfo);
    const y = output(out);
    splitElements(parallel, 'penaltyGradAdd', [], [pg, px, y.ptr], sizeOf(out.shape), [a, b]);
    return y;
  };

  return {
    BiasActivation: native('BiasActivation', biasActivation),
    MatMulBiasActivation: native('MatMulBiasActivation', matMulBiasActivation),
    ReluGrad: native('ReluGrad', reluGrad),
    ClipByValueGrad: native('ClipByValueGrad', clipByValueGrad),
    Penalty: native('Penalty', penalty),
    PenaltyGradAdd: native('PenaltyGradAdd', penaltyGradAdd),
    WeightGradPenalty: native('WeightGradPenalty', weightGradPenalty),
  };
}
