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
  ELEMENT_GRAIN,
  PARALLEL_MIN_ELEMENTS,
  type NativeTable,
  type WasmKernelContext,
} from './context.js';
import type { WasmData } from './memory.js';

export function fusedKernels({
  k,
  mem,
  ptrOf,
  output,
  native,
  parallel,
}: WasmKernelContext): NativeTable {
  const biasActivation = (
    [x, bias]: readonly TensorInfo[],
    { activation }: KernelAttrs<'BiasActivation'>,
    out: OutputInfo,
  ): WasmData => {
    const px = ptrOf(x as TensorInfo);
    const pb = ptrOf(bias as TensorInfo);
    const y = output(out);
    const n = sizeOf((bias as TensorInfo).shape);
    const rows = n === 0 ? 0 : sizeOf(out.shape) / n;
    const relu = activation === 'relu' ? 1 : 0;
    const minRows = Math.ceil(PARALLEL_MIN_ELEMENTS / Math.max(n, 1));
    parallel('biasActivation', rows, 1, minRows, (r, count) => [
      px + r * n * 4,
      pb,
      y.ptr + r * n * 4,
      count,
      n,
      relu,
    ]);
    return y;
  };

  const reluGrad = ([dy, x]: readonly TensorInfo[], _: unknown, out: OutputInfo): WasmData => {
    const pd = ptrOf(dy as TensorInfo);
    const px = ptrOf(x as TensorInfo);
    const y = output(out);
    parallel('reluGrad', sizeOf(out.shape), ELEMENT_GRAIN, PARALLEL_MIN_ELEMENTS, (i, count) => [
      pd + i * 4,
      px + i * 4,
      y.ptr + i * 4,
      count,
    ]);
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
    const n = sizeOf(out.shape);
    const floats = 0b110000; // a, b
    parallel(
      'penaltyGradAdd',
      n,
      ELEMENT_GRAIN,
      PARALLEL_MIN_ELEMENTS,
      (i, count) => [pg + i * 4, px + i * 4, y.ptr + i * 4, count, a, b],
      floats,
    );
    return y;
  };

  return {
    BiasActivation: native('BiasActivation', biasActivation),
    ReluGrad: native('ReluGrad', reluGrad),
    Penalty: native('Penalty', penalty),
    PenaltyGradAdd: native('PenaltyGradAdd', penaltyGradAdd),
  };
}
