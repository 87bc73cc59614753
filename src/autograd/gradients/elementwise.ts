import type { BinaryKernels, UnaryKernels } from '../../backend/kernels.js';
import { sigmoid } from '../../ops/activations.js';
import {
  add,
  cos,
  div,
  equal,
  exp,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  logicalAnd,
  mul,
  neg,
  pow,
  sign,
  sin,
  square,
  sub,
  where,
} from '../../ops/elementwise.js';
import { clipByValueGrad, reluGrad } from '../../ops/fused.js';
import type { Tensor } from '../../tensor/tensor.js';
import { sumToShape, type GradTable } from './types.js';

const mask = (condition: Tensor, dy: Tensor): Tensor => where(condition, dy, 0);

export const unaryGradients: GradTable<keyof UnaryKernels> = {
  Neg: ({ dy }) => [neg(dy)],
  // sign(0) = 0, so the derivative of |x| at 0 is 0.
  Abs: ({ dy, inputs: [x] }) => [mul(dy, sign(x))],
  Sign: () => [null],
  Exp: ({ dy, output: y }) => [mul(dy, y)],
  Log: ({ dy, inputs: [x] }) => [div(dy, x)],
  Log1p: ({ dy, inputs: [x] }) => [div(dy, add(x, 1))],
  Sqrt: ({ dy, output: y }) => [div(dy, mul(y, 2))],
  Rsqrt: ({ dy, output: y }) => [mul(dy, mul(mul(square(y), y), -0.5))],
  Square: ({ dy, inputs: [x] }) => [mul(dy, mul(x, 2))],
  Reciprocal: ({ dy, output: y }) => [neg(mul(dy, square(y)))],
  Floor: () => [null],
  Ceil: () => [null],
  Round: () => [null],
  Sin: ({ dy, inputs: [x] }) => [mul(dy, cos(x))],
  Cos: ({ dy, inputs: [x] }) => [neg(mul(dy, sin(x)))],
  Erf: ({ dy, inputs: [x] }) => [mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)))],
  Relu: ({ dy, inputs: [x] }) => [reluGrad(dy, x)],
  Relu6: ({ dy, inputs: [x] }) => [mask(logicalAnd(greater(x, 0), less(x, 6)), dy)],
  LeakyRelu: ({ dy, inputs: [x], attrs: { alpha } }) => [where(greater(x, 0), dy, mul(dy, alpha))],
  Elu: ({ dy, inputs: [x], output: y }) => [where(greater(x, 0), dy, mul(dy, add(y, 1)))],
  Sigmoid: ({ dy, output: y }) => [mul(dy, mul(y, sub(1, y)))],
  Tanh: ({ dy, output: y }) => [mul(dy, sub(1, square(y)))],
  Softplus: ({ dy, inputs: [x] }) => [mul(dy, sigmoid(x))],
  LogicalNot: () => [null],
  // Only float-to-float casts could carry a gradient, and those never reach the kernel.
  Cast: () => [null],
  ClipByValue: ({ dy, inputs: [x], attrs: { min, max } }) => [clipByValueGrad(dy, x, min, max)],
};

const none = (): readonly null[] => [null, null];

export const binaryGradients: GradTable<keyof BinaryKernels> = {
  Add: ({ dy, inputs: [a, b] }) => [sumToShape(dy, a.shape), sumToShape(dy, b.shape)],
  Sub: ({ dy, inputs: [a, b] }) => [sumToShape(dy, a.shape), sumToShape(neg(dy), b.shape)],
  Mul: ({ dy, inputs: [a, b] }) => [
    sumToShape(mul(dy, b), a.shape),
    sumToShape(mul(dy, a), b.shape),
  ],
  Div: ({ dy, inputs: [a, b] }) => [
    sumToShape(div(dy, b), a.shape),
    sumToShape(neg(div(mul(dy, a), square(b))), b.shape),
  ],
  Pow: ({ dy, inputs: [a, b], output: y }) => {
    if (a.dtype !== 'float32') return [null, null];
    // d/da a^0 = 0, also at a = 0 (where b a^(b-1) would be 0 * Infinity = NaN), as in PyTorch.
    const da = where(equal(b, 0), 0, mul(dy, mul(b, pow(a, sub(b, 1)))));
    // d/db a^b = a^b log(a), taken as 0 where a <= 0 (as TensorFlow does) instead of NaN.
    const positive = greater(a, 0);
    const logA = where(positive, log(where(positive, a, 1)), 0);
    return [sumToShape(da, a.shape), sumToShape(mul(dy, mul(y, logA)), b.shape)];
  },
  Maximum: ({ dy, inputs: [a, b] }) => [
    sumToShape(mask(greaterEqual(a, b), dy), a.shape),
    sumToShape(mask(less(a, b), dy), b.shape),
  ],
  Minimum: ({ dy, inputs: [a, b] }) => [
    sumToShape(mask(lessEqual(a, b), dy), a.shape),
    sumToShape(mask(greater(a, b), dy), b.shape),
  ],
  Equal: none,
  NotEqual: none,
  Greater: none,
  GreaterEqual: none,
  Less: none,
  LessEqual: none,
  LogicalAnd: none,
  LogicalOr: none,
  Where: ({ dy, inputs: [c, a, b] }) => [
    null,
    sumToShape(where(c, dy, 0), a.shape),
    sumToShape(where(c, 0, dy), b.shape),
  ],
};
