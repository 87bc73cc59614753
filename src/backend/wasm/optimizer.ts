/**
 * The wasm backend's fused optimizer updates (`assembly/optimizer.ts`): f32x4 SIMD, one pass and
 * one output each, bit for bit the reference kernels' values. Ops guarantee float32 inputs of the
 * output's shape.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { KernelAttrs } from '../kernels.js';
import { sizeOf } from '../../tensor/shape.js';
import { splitElements, type NativeTable, type WasmKernelContext } from './context.js';
import type { WasmData } from './memory.js';

export function optimizerKernels({
  ptrOf,
  output,
  native,
  parallel,
}: WasmKernelContext): NativeTable {
  const axpby =
    (square: boolean) =>
    ([x, z]: readonly TensorInfo[], { a, b }: KernelAttrs<'Axpby'>, out: OutputInfo): WasmData => {
      const px = ptrOf(x as TensorInfo);
      const pz = ptrOf(z as TensorInfo);
      const y = output(out);
      splitElements(
        parallel,
        square ? 'axpbySquare' : 'axpby',
        [],
        [px, pz, y.ptr],
        sizeOf(out.shape),
        [a, b],
      );
      return y;
    };

  const adamStep = (
    [w, m, v]: readonly TensorInfo[],
    { lr, eps }: KernelAttrs<'AdamStep'>,
    out: OutputInfo,
  ): WasmData => {
    const pw = ptrOf(w as TensorInfo);
    const pm = ptrOf(m as TensorInfo);
    const pv = ptrOf(v as TensorInfo);
    const y = output(out);
    splitElements(parallel, 'adamStep', [], [pw, pm, pv, y.ptr], sizeOf(out.shape), [lr, eps]);
    return y;
  };

  const rmsStep = (
    [x, g, v]: readonly TensorInfo[],
    { a, lr, eps }: KernelAttrs<'RmsStep'>,
    out: OutputInfo,
  ): WasmData => {
    const px = ptrOf(x as TensorInfo);
    const pg = ptrOf(g as TensorInfo);
    const pv = ptrOf(v as TensorInfo);
    const y = output(out);
    splitElements(parallel, 'rmsStep', [], [px, pg, pv, y.ptr], sizeOf(out.shape), [a, lr, eps]);
    return y;
  };

  return {
    Axpby: native('Axpby', axpby(false)),
    AxpbySquare: native('AxpbySquare', axpby(true)),
    AdamStep: native('AdamStep', adamStep),
    RmsStep: native('RmsStep', rmsStep),
  };
}
