/** Arithmetic, math functions, comparisons and logic, elementwise with NumPy broadcasting. */
import { runKernel } from '../engine/engine.js';
import type { BinaryKernels, UnaryKernels } from '../backend/kernels.js';
import { isDType, type DType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, assertDType, type TensorLike } from './convert.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

const NUMERIC: readonly DType[] = ['float32', 'int32'];
const FLOAT: readonly DType[] = ['float32'];
const ANY: readonly DType[] = ['float32', 'int32', 'bool'];

type BinaryName = Exclude<keyof BinaryKernels, 'Where'>;
type UnaryName = Exclude<keyof UnaryKernels, 'LeakyRelu' | 'Cast' | 'ClipByValue'>;

/** Converts both operands (a bare number takes the other's dtype) and checks dtypes agree. */
export function binaryOperands(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  const likeA = a instanceof Tensor ? a.dtype : undefined;
  const likeB = b instanceof Tensor ? b.dtype : undefined;
  const x = asTensor(a, op, 'a', likeB);
  const y = asTensor(b, op, 'b', likeA ?? x.dtype);
  if (x.dtype !== y.dtype) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: dtypes of a and b must match, received ${x.dtype} and ${y.dtype} (use cast)`,
    );
  }
  return [x, y];
}

function binary(
  kernel: BinaryName,
  op: string,
  a: TensorLike,
  b: TensorLike,
  allowed: readonly DType[],
  outDType?: DType,
): Tensor {
  const [x, y] = binaryOperands(a, b, op);
  assertDType(x, allowed, op, 'a');
  const shape = broadcastShapes(x.shape, y.shape, op);
  return runKernel(kernel, [x, y], {}, { shape, dtype: outDType ?? x.dtype });
}

function unary(kernel: UnaryName, op: string, x: TensorLike, allowed: readonly DType[]): Tensor {
  const t = asTensor(x, op, 'x');
  assertDType(t, allowed, op, 'x');
  return runKernel(kernel, [t], {}, { shape: t.shape, dtype: t.dtype });
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('Add', 'add', a, b, NUMERIC);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('Sub', 'sub', a, b, NUMERIC);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('Mul', 'mul', a, b, NUMERIC);
/** True division; float32 only (cast integers first). */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('Div', 'div', a, b, FLOAT);
/**
 * base ** exponent. As TensorFlow.js, a float32 tensor with an int32 tensor (either way round)
 * gives float32: the int32 operand is converted (exactly, for |values| < 2^24).
 */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  const mixed =
    base instanceof Tensor &&
    exponent instanceof Tensor &&
    base.dtype !== exponent.dtype &&
    NUMERIC.includes(base.dtype) &&
    NUMERIC.includes(exponent.dtype);
  if (mixed) return binary('Pow', 'pow', cast(base, 'float32'), cast(exponent, 'float32'), FLOAT);
  return binary('Pow', 'pow', base, exponent, NUMERIC);
}
/** Elementwise maximum; NaN if either operand is NaN. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('Maximum', 'maximum', a, b, NUMERIC);
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('Minimum', 'minimum', a, b, NUMERIC);
export const squaredDifference = (a: TensorLike, b: TensorLike): Tensor => square(sub(a, b));

export const equal = (a: TensorLike, b: TensorLike): Tensor =>
  binary('Equal', 'equal', a, b, ANY, 'bool');
export const notEqual = (a: TensorLike, b: TensorLike): Tensor =>
  binary('NotEqual', 'notEqual', a, b, ANY, 'bool');
export const greater = (a: TensorLike, b: TensorLike): Tensor =>
  binary('Greater', 'greater', a, b, NUMERIC, 'bool');
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor =>
  binary('GreaterEqual', 'greaterEqual', a, b, NUMERIC, 'bool');
export const less = (a: TensorLike, b: TensorLike): Tensor =>
  binary('Less', 'less', a, b, NUMERIC, 'bool');
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor =>
  binary('LessEqual', 'lessEqual', a, b, NUMERIC, 'bool');
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor =>
  binary('LogicalAnd', 'logicalAnd', a, b, ['bool']);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor =>
  binary('LogicalOr', 'logicalOr', a, b, ['bool']);
export const logicalNot = (x: TensorLike): Tensor => unary('LogicalNot', 'logicalNot', x, ['bool']);

export const neg = (x: TensorLike): Tensor => unary('Neg', 'neg', x, NUMERIC);
export const abs = (x: TensorLike): Tensor => unary('Abs', 'abs', x, NUMERIC);
export const sign = (x: TensorLike): Tensor => unary('Sign', 'sign', x, NUMERIC);
export const square = (x: TensorLike): Tensor => unary('Square', 'square', x, NUMERIC);
export const exp = (x: TensorLike): Tensor => unary('Exp', 'exp', x, FLOAT);
export const log = (x: TensorLike): Tensor => unary('Log', 'log', x, FLOAT);
export const log1p = (x: TensorLike): Tensor => unary('Log1p', 'log1p', x, FLOAT);
export const sqrt = (x: TensorLike): Tensor => unary('Sqrt', 'sqrt', x, FLOAT);
export const rsqrt = (x: TensorLike): Tensor => unary('Rsqrt', 'rsqrt', x, FLOAT);
export const reciprocal = (x: TensorLike): Tensor => unary('Reciprocal', 'reciprocal', x, FLOAT);
export const floor = (x: TensorLike): Tensor => unary('Floor', 'floor', x, FLOAT);
export const ceil = (x: TensorLike): Tensor => unary('Ceil', 'ceil', x, FLOAT);
/** Rounds half to even, as TensorFlow does. */
export const round = (x: TensorLike): Tensor => unary('Round', 'round', x, FLOAT);
export const sin = (x: TensorLike): Tensor => unary('Sin', 'sin', x, FLOAT);
export const cos = (x: TensorLike): Tensor => unary('Cos', 'cos', x, FLOAT);
export const erf = (x: TensorLike): Tensor => unary('Erf', 'erf', x, FLOAT);

export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = asTensor(x, 'cast', 'x');
  if (!isDType(dtype))
    throw new LaminaTypeError(
      'invalid-argument',
      `cast: dtype must be 'float32', 'int32' or 'bool', received ${String(dtype)}`,
    );
  if (t.dtype === dtype) return t;
  return runKernel('Cast', [t], { dtype }, { shape: t.shape, dtype });
}

/** Picks `a` where `condition` (bool) is true, else `b`; all three broadcast together. */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const op = 'where';
  const c = asTensor(condition, op, 'condition');
  assertDType(c, ['bool'], op, 'condition');
  const [x, y] = binaryOperands(a, b, op);
  const shape = broadcastShapes(broadcastShapes(c.shape, x.shape, op), y.shape, op);
  return runKernel('Where', [c, x, y], {}, { shape, dtype: x.dtype });
}

export function clipByValue(x: TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
  const op = 'clipByValue';
  const t = asTensor(x, op, 'x');
  assertDType(t, NUMERIC, op, 'x');
  if (!(clipValueMin <= clipValueMax)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: clipValueMin (${clipValueMin}) must be <= clipValueMax (${clipValueMax})`,
    );
  }
  return runKernel(
    'ClipByValue',
    [t],
    { min: clipValueMin, max: clipValueMax },
    { shape: t.shape, dtype: t.dtype },
  );
}
