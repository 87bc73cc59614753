/**
 * The wasm backend's fused steps (`assembly/fused.ts`): f32x4 SIMD, one pass each.
 * BiasActivation, ReluGrad and PenaltyGradAdd give the reference kernels' bits; Penalty sums in
 * float64 in another order. Ops guarantee float32 inputs of one shape (and a bias of the last
 * dimension).
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { KernelAttrs } from '../kernels.js';
import { sizeOf } from '../../tensor/shape.js';
import type { NativeTable, WasmKernelContext } from './context.js';
import type { WasmData } from './memory.js';

export function fusedKernels({ k, mem, ptrOf, output, native }: WasmKernelContext): NativeTable {
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
    k.biasActivation(px, pb, y.ptr, rows, n, activation === 'relu' ? 1 : 0);
    return y;
  };

  const reluGrad = ([dy, x]: readonly TensorInfo[], _: unknown, out: OutputInfo): WasmData => {
    const pd = ptrOf(dy as TensorInfo);
    const px = ptrOf(x as TensorInfo);
    const y = output(out);
    k.reluGrad(pd, px, y.ptr, sizeOf(out.shape));
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
    k.penaltyGradAdd(pg, px, y.ptr, sizeOf(out.shape), a, b);
    return y;
  };

  return {
    BiasActivation: native('BiasActivation', biasActivation),
    ReluGrad: native('ReluGrad', reluGrad),
    Penalty: native('Penalty', penalty),
    PenaltyGradAdd: native('PenaltyGradAdd', penaltyGradAdd),
  };
}
