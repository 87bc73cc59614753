/**
 * The fused optimizer kernels (`src/ops/fused.ts`): exact values on small inputs (7 elements, so
 * a SIMD backend runs both its 4-wide loop and its scalar tail), float32 rounding step by step in
 * the documented order (hence the same bits on every backend), agreement with the elementwise
 * ops they replace, argument checks, and that they are never recorded for gradients.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradients } from '../../src/autograd/gradients/index.js';
import { add, grad, mul, noGrad, sqrt, sub, sum, tensor, type Tensor } from '../../src/index.js';
import { adamStep, axpby, axpbySquare, rmsStep } from '../../src/ops/fused.js';
import { assertExact, forEachBackend } from '../helpers.js';
import { LaminaRangeError, LaminaTypeError } from '../../src/errors.js';

const X = [1, 2, -3, 4, 0.5, -8, 10];
const Y = [2, -1, 0.25, 0, 4, 0.5, -2];

let seed = 11;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const randoms = (n: number, positive = false): Float32Array =>
  Float32Array.from({ length: n }, () => (positive ? Math.abs(rand()) * 3 : rand() * 5));

const f = Math.fround;
const bits = (t: Tensor): number[] => Array.from(t.dataSync());
/** The expected float32 values of `fn` applied elementwise. */
const expect = (n: number, fn: (i: number) => number): number[] =>
  Array.from(Float32Array.from({ length: n }, (_, i) => fn(i)));

forEachBackend('fused optimizer kernels', () => {
  test('axpby: a * x + b * y', () => {
    assertExact(axpby(tensor(X), tensor(Y), 0.5, 2), [4.5, -1, -1, 2, 8.25, -3, 1], 'float32');
    assertExact(axpby(tensor([[1, 2, 3, 4, 5, 6]]), tensor([[1, 1, 1, 1, 1, 1]]), 1, -1), [
      [0, 1, 2, 3, 4, 5],
    ]);
  });

  test('axpbySquare: a * x + b * y^2', () => {
    assertExact(
      axpbySquare(tensor(X), tensor(Y), 0.5, 2),
      [8.5, 3, -1.375, 2, 32.25, -3.5, 13],
      'float32',
    );
  });

  test('adamStep: w - lr * m / (sqrt(v) + eps)', () => {
    const v = [1, 9, 49, 0, 1, 9, 225];
    assertExact(
      adamStep(tensor(X), tensor(Y), tensor(v), 0.5, 1),
      [0.5, 2.125, -3.015625, 4, -0.5, -8.0625, 10.0625],
      'float32',
    );
  });

  test('rmsStep: a * x - lr * g / sqrt(v + eps)', () => {
    const v = [3, 15, 63, 0, 3, 15, 255];
    assertExact(
      rmsStep(tensor(X), tensor(Y), tensor(v), 2, 0.5, 1),
      [1.5, 4.125, -6.015625, 8, 0, -16.0625, 20.0625],
      'float32',
    );
  });

  test('empty and rank-0 inputs', () => {
    assertExact(axpby(tensor([]), tensor([]), 2, 3), []);
    assertExact(adamStep(tensor(1), tensor(2), tensor(9), 0.5, 1), 0.75);
  });

  test('every step is rounded to float32 in the documented order (same bits on each backend)', () => {
    const n = 1003;
    const [x, y, g] = [randoms(n), randoms(n), randoms(n)];
    const v = randoms(n, true);
    const [a, b, lr, eps] = [0.9, 0.1, 1.3e-3, 1e-7];
    const [fa, fb, flr, feps] = [f(a), f(b), f(lr), f(eps)];
    const at = (arr: Float32Array, i: number): number => arr[i] as number;
    const [tx, ty, tg, tv] = [x, y, g, v].map((arr) => tensor(arr, [17, 59]));
    const tensors = { x: tx as Tensor, y: ty as Tensor, g: tg as Tensor, v: tv as Tensor };
    assert.deepEqual(
      bits(axpby(tensors.x, tensors.y, a, b)),
      expect(n, (i) => f(fa * at(x, i)) + f(fb * at(y, i))),
    );
    assert.deepEqual(
      bits(axpbySquare(tensors.x, tensors.y, a, b)),
      expect(n, (i) => f(fa * at(x, i)) + f(fb * f(at(y, i) * at(y, i)))),
    );
    assert.deepEqual(
      bits(adamStep(tensors.x, tensors.g, tensors.v, lr, eps)),
      expect(n, (i) => at(x, i) - f(f(at(g, i) * flr) / f(f(Math.sqrt(at(v, i))) + feps))),
    );
    assert.deepEqual(
      bits(rmsStep(tensors.x, tensors.g, tensors.v, a, lr, eps)),
      expect(n, (i) => f(fa * at(x, i)) - f(f(at(g, i) * flr) / f(Math.sqrt(f(at(v, i) + feps))))),
    );
  });

  test('same bits as the elementwise ops where the formula is the same', () => {
    const x = tensor(randoms(37));
    const y = tensor(randoms(37));
    const v = tensor(randoms(37, true));
    // Plain gradient descent and RMSprop's second moment and step, written with ops.
    assert.deepEqual(bits(axpby(x, y, 1, -0.01)), bits(sub(x, mul(y, 0.01))));
    assert.deepEqual(
      bits(axpbySquare(x, y, 0.9, 1 - 0.9)),
      bits(mul(x, 0.9).add(mul(y.square(), 1 - 0.9))),
    );
    assert.deepEqual(
      bits(rmsStep(x, y, v, 1, 1e-3, 1e-7)),
      bits(sub(x, mul(y, 1e-3).div(sqrt(v.add(1e-7))))),
    );
    assert.deepEqual(
      bits(adamStep(x, y, v, 1e-3, 1e-7)),
      bits(sub(x, mul(y, 1e-3).div(sqrt(v).add(1e-7)))),
    );
  });

  test('they are never differentiated: recording one is refused, and none has a rule', () => {
    const y = tensor([1, 2, 3]);
    const v = tensor([1, 4, 9]);
    const cases: ((x: Tensor) => Tensor)[] = [
      (x) => axpby(x, y, 2, 3),
      (x) => axpby(y, x, 2, 3),
      (x) => axpbySquare(x, x, 2, 3),
      (x) => adamStep(x, x, v, 0.1, 1e-7),
      (x) => rmsStep(y, v, x, 1, 0.1, 1e-7),
    ];
    for (const fn of cases) {
      assert.throws(
        () => grad((x) => sum(fn(x)))(tensor([1, 1, 1])),
        /(Axpby|AxpbySquare|AdamStep|RmsStep): this kernel is not differentiable/,
      );
    }
    // Under noGrad (as optimizers run them) nothing is recorded, so nothing is refused.
    assertExact(
      grad((x) =>
        sum(
          add(
            x,
            noGrad(() => axpby(x, y, 2, 3)),
          ),
        ),
      )(tensor([1, 1, 1])),
      [1, 1, 1],
    );
    for (const name of ['Axpby', 'AxpbySquare', 'AdamStep', 'RmsStep'])
      assert.equal(Object.prototype.hasOwnProperty.call(gradients, name), false, name);
  });
});

test('fused ops check dtypes, shapes and scalars', () => {
  const x = tensor([1, 2, 3]);
  assert.throws(() => axpby(x, tensor([1, 2, 3], undefined, 'int32'), 1, 1), {
    name: 'LaminaTypeError',
    message: /axpby: argument 'y' must have dtype float32/,
  });
  assert.throws(() => axpbySquare(x, tensor([1, 2]), 1, 1), {
    name: 'LaminaRangeError',
    message: /axpbySquare: argument 'y' must have the shape of 'x'/,
  });
  // No broadcasting, even where it would be possible.
  assert.throws(() => adamStep(x, x, tensor(1), 1, 1), LaminaRangeError);
  assert.throws(() => rmsStep(x, x, x, 1, Number.NaN, 1), {
    name: 'LaminaTypeError',
    message: /rmsStep: argument 'lr' must be a finite number/,
  });
  assert.throws(() => axpby(x, [1, 2, 3] as unknown as Tensor, 1, 1), LaminaTypeError);
});
