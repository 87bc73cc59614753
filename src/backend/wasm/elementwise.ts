/**
 * The wasm backend's elementwise kernels: unary math, binary arithmetic with the common
 * broadcasts as fast modes (general broadcasting through the meta table), comparisons, Where and
 * Cast. Op codes are those of `assembly/elementwise.ts` and `assembly/strided.ts`.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';
import { broadcastStrides } from '../js/util.js';
import {
  collapse,
  ELEMENT_GRAIN,
  PARALLEL_MIN_ELEMENTS,
  splitElements,
  type NativeTable,
  type WasmKernelContext,
} from './context.js';
import { clipBounds } from './fused.js';
import { elementBytes, type WasmData } from './memory.js';

export function elementwiseKernels({
  k,
  meta,
  ptrOf,
  output,
  native,
  writeMeta,
  parallel,
}: WasmKernelContext): NativeTable {
  /** Strips leading 1s: [1, 1, 5] -> [5]. */
  const squeezeLeading = (s: Shape): Shape => {
    let i = 0;
    while (i < s.length - 1 && s[i] === 1) i++;
    return s.slice(i);
  };
  const isTrailingOf = (s: Shape, outShape: Shape): boolean => {
    const t = squeezeLeading(s);
    if (t.length > outShape.length) return false;
    for (let i = 1; i <= t.length; i++)
      if (t[t.length - i] !== outShape[outShape.length - i]) return false;
    return true;
  };

  const binary =
    (op: number) =>
    ([a, b]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData | null => {
      const ai = a as TensorInfo;
      const bi = b as TensorInfo;
      const n = sizeOf(out.shape);
      const na = sizeOf(ai.shape);
      const nb = sizeOf(bi.shape);
      let mode: number;
      let m = 0;
      if (na === n && nb === n) mode = 0;
      else if (nb === 1 && na === n) mode = 1;
      else if (na === 1 && nb === n) mode = 2;
      else if (na === n && nb > 0 && isTrailingOf(bi.shape, out.shape)) {
        mode = 3;
        m = nb;
      } else if (nb === n && na > 0 && isTrailingOf(ai.shape, out.shape)) {
        mode = 4;
        m = na;
      } else return broadcast(op, ai, bi, out);
      const pa = ptrOf(ai);
      const pb = ptrOf(bi);
      const y = output(out);
      // Split across the pool: a full-size operand advances with the part, a scalar or a
      // repeated row does not (parts of a row broadcast start on row boundaries).
      const aFull = mode === 0 || mode === 1 || mode === 3;
      const bFull = mode === 0 || mode === 2 || mode === 4;
      const grain = mode >= 3 ? m : ELEMENT_GRAIN;
      parallel('binary', n, grain, PARALLEL_MIN_ELEMENTS, (i, count) => [
        op,
        mode,
        aFull ? pa + i * 4 : pa,
        bFull ? pb + i * 4 : pb,
        y.ptr + i * 4,
        count,
        m,
      ]);
      return y;
    };

  /** Binary op `op` (see assembly/strided.ts) over general broadcasting. */
  function broadcast(op: number, a: TensorInfo, b: TensorInfo, out: OutputInfo): WasmData | null {
    const c = collapse(out.shape, [
      broadcastStrides(a.shape, out.shape),
      broadcastStrides(b.shape, out.shape),
    ]);
    if (!writeMeta(c)) return null;
    const pa = ptrOf(a);
    const pb = ptrOf(b);
    const y = output(out);
    if (sizeOf(out.shape) > 0) k.binaryBroadcast(op, pa, pb, y.ptr, c.shape.length, meta);
    return y;
  }

  const broadcastOp =
    (op: number) =>
    ([a, b]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData | null =>
      broadcast(op, a as TensorInfo, b as TensorInfo, out);

  const floatInputs = (inputs: readonly TensorInfo[]): boolean =>
    inputs.every((i) => i.dtype === 'float32');

  const where = ([c, a, b]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo) => {
    const ci = c as TensorInfo;
    const ai = a as TensorInfo;
    const bi = b as TensorInfo;
    const col = collapse(out.shape, [
      broadcastStrides(ci.shape, out.shape),
      broadcastStrides(ai.shape, out.shape),
      broadcastStrides(bi.shape, out.shape),
    ]);
    if (!writeMeta(col)) return null;
    const pc = ptrOf(ci);
    const pa = ptrOf(ai);
    const pb = ptrOf(bi);
    const y = output(out);
    if (sizeOf(out.shape) > 0) k.where(pc, pa, pb, y.ptr, col.shape.length, meta);
    return y;
  };

  const CAST_MODES: Record<string, number> = {
    'float32>int32': 0,
    'float32>bool': 1,
    'int32>float32': 2,
    'bool>float32': 3,
    'int32>bool': 4,
    'bool>int32': 5,
  };

  const cast = ([x]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData => {
    const xi = x as TensorInfo;
    const px = ptrOf(xi);
    const y = output(out);
    const n = sizeOf(out.shape);
    if (xi.dtype === out.dtype) k.copy(y.ptr, px, n * elementBytes(out.dtype));
    else k.cast(px, y.ptr, n, CAST_MODES[`${xi.dtype}>${out.dtype}`] as number);
    return y;
  };

  const clip = (
    [x]: readonly TensorInfo[],
    { min, max }: { min: number; max: number },
    out: OutputInfo,
  ): WasmData => {
    const px = ptrOf(x as TensorInfo);
    const y = output(out);
    const { lo, hi, loValue, hiValue } = clipBounds(min, max);
    splitElements(parallel, 'clip', [], [px, y.ptr], sizeOf(out.shape), [lo, hi, loValue, hiValue]);
    return y;
  };

  const anyDtype = (): boolean => true;

  const unary =
    (op: number) =>
    ([x]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData => {
      const px = ptrOf(x as TensorInfo);
      const y = output(out);
      splitElements(parallel, 'unary', [op], [px, y.ptr], sizeOf(out.shape));
      return y;
    };

  return {
    Add: native('Add', binary(0)),
    Sub: native('Sub', binary(1)),
    Mul: native('Mul', binary(2)),
    Div: native('Div', binary(3)),
    Neg: native('Neg', unary(0)),
    Abs: native('Abs', unary(1)),
    Square: native('Square', unary(2)),
    Relu: native('Relu', unary(3)),
    ClipByValue: native('ClipByValue', clip),
    Exp: native('Exp', unary(4)),
    Log: native('Log', unary(5)),
    Sigmoid: native('Sigmoid', unary(6)),
    Tanh: native('Tanh', unary(7)),
    Sign: native('Sign', unary(8)),
    Sqrt: native('Sqrt', unary(9)),
    Rsqrt: native('Rsqrt', unary(10)),
    Reciprocal: native('Reciprocal', unary(11)),
    Floor: native('Floor', unary(12)),
    Ceil: native('Ceil', unary(13)),
    Maximum: native('Maximum', broadcastOp(4)),
    Minimum: native('Minimum', broadcastOp(5)),
    Equal: native('Equal', broadcastOp(8), floatInputs),
    NotEqual: native('NotEqual', broadcastOp(9), floatInputs),
    Greater: native('Greater', broadcastOp(10), floatInputs),
    GreaterEqual: native('GreaterEqual', broadcastOp(11), floatInputs),
    Less: native('Less', broadcastOp(12), floatInputs),
    LessEqual: native('LessEqual', broadcastOp(13), floatInputs),
    Where: native(
      'Where',
      where,
      ([c, a, b], out) =>
        c?.dtype === 'bool' &&
        out.dtype !== 'bool' &&
        a?.dtype === out.dtype &&
        b?.dtype === out.dtype,
    ),
    Cast: native('Cast', cast, anyDtype),
  };
}
