/**
 * Finite-difference gradient checks for the activations. Inputs stay at least 0.1 away from every
 * kink (0 and 6 for relu6, 0 for the relu family, -3 and 3 for hardSigmoid), further than the
 * finite-difference step.
 *
 * Tolerance: checkGrad defaults (eps 1e-2, rtol 2e-2, atol 2e-3); exact-value tests use
 * assertClose with rtol = atol = 1e-6 (1e-5 where noted).
 */
import { test } from 'node:test';
import {
  elu,
  gelu,
  grad,
  hardSigmoid,
  leakyRelu,
  logSoftmax,
  randomNormal,
  relu,
  relu6,
  selu,
  sigmoid,
  softmax,
  softplus,
  softsign,
  swish,
  tanh,
  tensor,
  type Tensor,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

/** Both sides of 0, |x| >= 0.15. */
const aroundZero = (): Tensor =>
  tensor(
    [
      [-2.1, -0.8, -0.15, 0.2, 0.9, 1.7],
      [-1.3, -0.45, 0.15, 0.55, 2.4, -3.2],
    ],
    [2, 6],
  );

forEachBackend('activation gradients', () => {
  test('relu', () => {
    checkGrad(relu, [aroundZero()]);
    assertClose(grad(relu)(tensor([-1, 0.5, 2])), [0, 1, 1]);
  });

  test('relu6 (away from 0 and 6)', () => {
    const x = tensor([-1.5, -0.3, 0.4, 2.2, 5.1, 5.85, 6.2, 7.5]);
    checkGrad(relu6, [x]);
    assertClose(grad(relu6)(x), [0, 0, 1, 1, 1, 1, 0, 0]);
  });

  test('leakyRelu (default alpha and alpha 0.05)', () => {
    checkGrad((x) => leakyRelu(x), [aroundZero()]);
    checkGrad((x) => leakyRelu(x, 0.05), [aroundZero()]);
    assertClose(grad((x) => leakyRelu(x, 0.05))(tensor([-2, 3])), [0.05, 1]);
  });

  test('elu', () => checkGrad(elu, [aroundZero()]));
  test('selu', () => checkGrad(selu, [aroundZero()]));

  test('gelu (exact erf form)', () => {
    checkGrad((x) => gelu(x), [randomNormal([2, 5], 0, 1.5, 41)]);
    // d/dx x Phi(x) at 0 is 1/2.
    assertClose(grad((x) => gelu(x))(tensor([0])), [0.5]);
  });

  test('gelu (tanh approximation)', () => {
    checkGrad((x) => gelu(x, true), [randomNormal([2, 5], 0, 1.5, 42)]);
    assertClose(grad((x) => gelu(x, true))(tensor([0])), [0.5]);
  });

  test('sigmoid', () => {
    checkGrad(sigmoid, [randomNormal([2, 5], 0, 2, 43)]);
    assertClose(grad(sigmoid)(tensor([0])), [0.25]);
  });

  test('hardSigmoid (away from -3 and 3)', () => {
    const x = tensor([-4.5, -3.2, -2.7, -1.0, 0.3, 2.8, 3.3, 5.0]);
    checkGrad(hardSigmoid, [x]);
    assertClose(grad(hardSigmoid)(x), [0, 0, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 0, 0]);
  });

  test('tanh', () => {
    checkGrad(tanh, [randomNormal([2, 5], 0, 1.5, 44)]);
    assertClose(grad(tanh)(tensor([0])), [1]);
  });

  test('softplus', () => {
    checkGrad(softplus, [randomNormal([2, 5], 0, 3, 45)]);
    assertClose(grad(softplus)(tensor([0])), [0.5]);
  });

  test('softsign (away from 0)', () => {
    checkGrad(softsign, [aroundZero()]);
    // d/dx x / (1 + |x|) = 1 / (1 + |x|)^2.
    assertClose(grad(softsign)(tensor([1, -3])), [0.25, 1 / 16]);
  });

  test('swish (beta 1 and beta 2)', () => {
    checkGrad((x) => swish(x), [randomNormal([2, 5], 0, 2, 46)]);
    checkGrad((x) => swish(x, 2), [randomNormal([2, 5], 0, 2, 47)]);
    assertClose(grad((x) => swish(x))(tensor([0])), [0.5]);
  });

  test('softmax, axis -1 and axis 0', () => {
    const x = randomNormal([3, 4], 0, 1.5, 48);
    checkGrad((t) => softmax(t), [x]);
    checkGrad((t) => softmax(t, -1), [x]);
    checkGrad((t) => softmax(t, 0), [x]);
  });

  test('softmax, middle axis of a rank-3 tensor', () => {
    checkGrad((t) => softmax(t, 1), [randomNormal([2, 3, 2], 0, 1.5, 49)]);
  });

  test('softmax: the gradient of sum(softmax) is 0', () => {
    const g = grad((t) => softmax(t))(tensor([[1, 2, 3]]));
    assertClose(g, [[0, 0, 0]], { atol: 1e-6 });
  });

  test('logSoftmax, axis -1 and axis 0', () => {
    const x = randomNormal([3, 4], 0, 1.5, 50);
    checkGrad((t) => logSoftmax(t), [x]);
    checkGrad((t) => logSoftmax(t, 0), [x]);
  });

  test('logSoftmax, middle axis of a rank-3 tensor', () => {
    checkGrad((t) => logSoftmax(t, 1), [randomNormal([2, 3, 2], 0, 1.5, 51)]);
  });

  test('logSoftmax: exact gradient of the sum', () => {
    // d/dx_j sum_i (x_i - lse) = 1 - n softmax_j.
    const x = tensor([[0, Math.log(2), Math.log(5)]]);
    assertClose(grad((t) => logSoftmax(t))(x), [[1 - 3 / 8, 1 - 6 / 8, 1 - 15 / 8]], {
      rtol: 1e-5,
    });
  });
});
