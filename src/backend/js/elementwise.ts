import type { ImplOf, KernelImpl, TensorInfo } from '../backend.js';
import type { BinaryKernels, BinarySpec, UnaryKernels, UnarySpec } from '../kernels.js';
import { allocate } from '../../tensor/dtype.js';
import { shapesEqual, sizeOf, type Shape } from '../../tensor/shape.js';
import { erf } from './special.js';
import { alloc, broadcastStrides, valuesOf } from './util.js';

type UnaryTable = { readonly [K in keyof UnaryKernels]: KernelImpl<K> };
type BinaryTable = { readonly [K in keyof BinaryKernels]: KernelImpl<K> };

function map(fn: (v: number) => number): ImplOf<UnarySpec> {
  return ([x], _attrs, out) => {
    const xs = valuesOf(x);
    const ys = alloc(out);
    for (let i = 0; i < xs.length; i++) ys[i] = fn(xs[i] as number);
    return ys;
  };
}

function softplus(x: number): number {
  // log(1 + e^x) without overflow for large x or loss of precision for very negative x.
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export const unaryKernels: UnaryTable = {
  Neg: map((v) => -v),
  Abs: map(Math.abs),
  Sign: map((v) => (v > 0 ? 1 : v < 0 ? -1 : v === v ? 0 : v)),
  Exp: map(Math.exp),
  Log: map(Math.log),
  Log1p: map(Math.log1p),
  Sqrt: map(Math.sqrt),
  Rsqrt: map((v) => 1 / Math.sqrt(v)),
  Square: map((v) => v * v),
  Reciprocal: map((v) => 1 / v),
  Floor: map(Math.floor),
  Ceil: map(Math.ceil),
  // Round half to even, as TensorFlow and NumPy do.
  Round: map((v) => {
    const r = Math.round(v);
    return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }),
  Sin: map(Math.sin),
  Cos: map(Math.cos),
  Erf: map(erf),
  Relu: map((v) => (v > 0 ? v : v === v ? 0 : v)),
  Relu6: map((v) => (v !== v ? v : v < 0 ? 0 : v > 6 ? 6 : v)),
  LeakyRelu: ([x], { alpha }, out) => {
    const xs = valuesOf(x);
    const ys = alloc(out);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i] as number;
      ys[i] = v < 0 ? alpha * v : v;
    }
    return ys;
  },
  Elu: map((v) => (v > 0 ? v : Math.expm1(v))),
  Sigmoid: map(sigmoid),
  Tanh: map(Math.tanh),
  Softplus: map(softplus),
  LogicalNot: map((v) => (v === 0 ? 1 : 0)),
  Cast: ([x], { dtype }, out) => {
    const xs = valuesOf(x);
    const ys = alloc(out);
    if (dtype === 'bool') for (let i = 0; i < xs.length; i++) ys[i] = xs[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32')
      for (let i = 0; i < xs.length; i++) ys[i] = Math.trunc(xs[i] as number);
    else ys.set(xs);
    return ys;
  },
  ClipByValue: ([x], { min, max }, out) => {
    const xs = valuesOf(x);
    const ys = alloc(out);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i] as number;
      ys[i] = v < min ? min : v > max ? max : v;
    }
    return ys;
  },
};

/** Applies `fn` over broadcast inputs; fast paths for equal shapes and a scalar operand. */
function zip(fn: (a: number, b: number) => number): ImplOf<BinarySpec> {
  return ([a, b], _attrs, out) => {
    const as = valuesOf(a);
    const bs = valuesOf(b);
    const ys = alloc(out);
    const n = ys.length;
    if (shapesEqual(a.shape, b.shape)) {
      for (let i = 0; i < n; i++) ys[i] = fn(as[i] as number, bs[i] as number);
    } else if (bs.length === 1) {
      const bv = bs[0] as number;
      for (let i = 0; i < n; i++) ys[i] = fn(as[i] as number, bv);
    } else if (as.length === 1) {
      const av = as[0] as number;
      for (let i = 0; i < n; i++) ys[i] = fn(av, bs[i] as number);
    } else if (isSuffix(b.shape, out.shape) && as.length === n) {
      // Bias-like: b repeats over the leading dimensions of a.
      const m = bs.length;
      for (let i = 0; i < n; i++) ys[i] = fn(as[i] as number, bs[i % m] as number);
    } else {
      broadcastApply(a, b, out.shape, (i, ia, ib) => {
        ys[i] = fn(as[ia] as number, bs[ib] as number);
      });
    }
    return ys;
  };
}

function isSuffix(shape: Shape, outShape: Shape): boolean {
  if (shape.length > outShape.length) return false;
  for (let i = 1; i <= shape.length; i++) {
    if (shape[shape.length - i] !== outShape[outShape.length - i]) return false;
  }
  return true;
}

/** Visits every output index with the matching flat indices of two broadcast inputs. */
export function broadcastApply(
  a: TensorInfo,
  b: TensorInfo,
  outShape: Shape,
  visit: (i: number, ia: number, ib: number) => void,
): void {
  const rank = outShape.length;
  const sa = broadcastStrides(a.shape, outShape);
  const sb = broadcastStrides(b.shape, outShape);
  const n = sizeOf(outShape);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    visit(i, ia, ib);
    for (let d = rank - 1; d >= 0; d--) {
      const k = (idx[d] as number) + 1;
      if (k < (outShape[d] as number)) {
        idx[d] = k;
        ia += sa[d] as number;
        ib += sb[d] as number;
        break;
      }
      idx[d] = 0;
      ia -= (k - 1) * (sa[d] as number);
      ib -= (k - 1) * (sb[d] as number);
    }
  }
}

export const binaryKernels: BinaryTable = {
  Add: zip((a, b) => a + b),
  Sub: zip((a, b) => a - b),
  Mul: zip((a, b) => a * b),
  Div: zip((a, b) => a / b),
  Pow: zip(Math.pow),
  Maximum: zip((a, b) => (a !== a || b !== b ? NaN : a > b ? a : b)),
  Minimum: zip((a, b) => (a !== a || b !== b ? NaN : a < b ? a : b)),
  Equal: zip((a, b) => (a === b ? 1 : 0)),
  NotEqual: zip((a, b) => (a !== b ? 1 : 0)),
  Greater: zip((a, b) => (a > b ? 1 : 0)),
  GreaterEqual: zip((a, b) => (a >= b ? 1 : 0)),
  Less: zip((a, b) => (a < b ? 1 : 0)),
  LessEqual: zip((a, b) => (a <= b ? 1 : 0)),
  LogicalAnd: zip((a, b) => (a !== 0 && b !== 0 ? 1 : 0)),
  LogicalOr: zip((a, b) => (a !== 0 || b !== 0 ? 1 : 0)),
  Where: ([cond, a, b], _attrs, out) => {
    const cs = valuesOf(cond);
    const as = valuesOf(a);
    const bs = valuesOf(b);
    const ys = allocate(out.dtype, sizeOf(out.shape));
    const rank = out.shape.length;
    const sc = broadcastStrides(cond.shape, out.shape);
    const sa = broadcastStrides(a.shape, out.shape);
    const sb = broadcastStrides(b.shape, out.shape);
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < ys.length; i++) {
      let ic = 0;
      let ia = 0;
      let ib = 0;
      for (let d = 0; d < rank; d++) {
        const k = idx[d] as number;
        ic += k * (sc[d] as number);
        ia += k * (sa[d] as number);
        ib += k * (sb[d] as number);
      }
      ys[i] = cs[ic] !== 0 ? (as[ia] as number) : (bs[ib] as number);
      for (let d = rank - 1; d >= 0; d--) {
        const k = (idx[d] as number) + 1;
        if (k < (out.shape[d] as number)) {
          idx[d] = k;
          break;
        }
        idx[d] = 0;
      }
    }
    return ys;
  },
};
