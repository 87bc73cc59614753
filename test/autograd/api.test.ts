/**
 * Exact-value tests of the differentiation API: grad, grads, valueAndGrad(s), variableGrads,
 * noGrad, stopGradient and customGrad, and their errors.
 *
 * Tolerance: assertClose with rtol = atol = 1e-6 (the values are small integers or simple
 * products, exact in float32).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  abs,
  add,
  cast,
  customGrad,
  grad,
  grads,
  mul,
  noGrad,
  ones,
  scalar,
  sign,
  square,
  stopGradient,
  sum,
  tensor,
  valueAndGrad,
  valueAndGrads,
  variable,
  variableGrads,
  type Tensor,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { LaminaRangeError, LaminaTypeError } from '../../src/errors.js';

forEachBackend('autograd API', () => {
  test('grad: derivative of x^2', () => {
    assertClose(grad((x) => square(x))(tensor([1, -2, 3])), [2, -4, 6]);
  });

  test('grad: with dy', () => {
    assertClose(grad((x) => mul(x, 3))(tensor([1, 2]), tensor([10, -1])), [30, -3]);
  });

  test('grads: two arguments', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    const [ga, gb] = grads((p, q) => mul(p, q))([a, b]);
    assertClose(ga as Tensor, [4, 5, 6]);
    assertClose(gb as Tensor, [1, 2, 3]);
  });

  test('valueAndGrad: value and gradient', () => {
    const { value, grad: g } = valueAndGrad((x) => sum(square(x)))(tensor([1, 2, 3]));
    assertClose(value, 14);
    assertClose(g, [2, 4, 6]);
  });

  test('valueAndGrads: with a non-default dy', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([5, 6]);
    const dy = tensor([
      [1, -1],
      [2, 0.5],
    ]);
    const { value, grads: gs } = valueAndGrads((p, q) => mul(p, q))([a, b], dy);
    assertClose(value, [
      [5, 12],
      [15, 24],
    ]);
    // dL/da = dy * b; dL/db = sum over rows of dy * a.
    assertClose(gs[0] as Tensor, [
      [5, -6],
      [10, 3],
    ]);
    assertClose(gs[1] as Tensor, [1 * 1 + 2 * 3, -1 * 2 + 0.5 * 4]);
  });

  test('variableGrads without a var list: trainable variables read, keyed by name', () => {
    const w = variable(tensor([1, 2, 3]), { name: 'api_w' });
    const b = variable(tensor([0.5]), { name: 'api_b' });
    const frozen = variable(tensor([4, 5, 6]), { name: 'api_frozen', trainable: false });
    const unused = variable(tensor([7]), { name: 'api_unused' });
    assert.ok(unused.trainable);
    const { value, grads: gs } = variableGrads(() => sum(add(mul(w, frozen), b)));
    assertClose(value, 4 + 10 + 18 + 1.5);
    assert.deepEqual(Object.keys(gs).sort(), ['api_b', 'api_w']);
    assertClose(gs.api_w as Tensor, [4, 5, 6]);
    // b is broadcast over three elements.
    assertClose(gs.api_b as Tensor, [3]);
  });

  test('variableGrads with a var list: only those, zeros for unused ones', () => {
    const w = variable(tensor([1, 2]), { name: 'list_w' });
    const b = variable(tensor([3, 4]), { name: 'list_b' });
    const u = variable(tensor([[1, 1]]), { name: 'list_u' });
    const { value, grads: gs } = variableGrads(() => sum(mul(w, b)), [w, u]);
    assertClose(value, 11);
    assert.deepEqual(Object.keys(gs).sort(), ['list_u', 'list_w']);
    assertClose(gs.list_w as Tensor, [3, 4]);
    assertClose(gs.list_u as Tensor, [[0, 0]]);
  });

  test('variableGrads: a variable used twice gets the summed gradient', () => {
    const w = variable(tensor([1, -2, 3]), { name: 'twice_w' });
    const { grads: gs } = variableGrads(() => add(sum(mul(w, w)), sum(mul(w, 3))));
    assertClose(gs.twice_w as Tensor, [5, -1, 9]);
  });

  test('variableGrads: f returning a trainable variable itself', () => {
    const w = variable(scalar(3), { name: 'returned_w' });
    const { value, grads: gs } = variableGrads(() => w);
    assertClose(value, 3);
    assert.deepEqual(Object.keys(gs), ['returned_w']);
    assertClose(gs.returned_w as Tensor, 1);
    assertClose(variableGrads(() => w, [w]).grads.returned_w as Tensor, 1);
  });

  test('variableGrads: errors for a non-scalar result', () => {
    const w = variable(tensor([1, 2]), { name: 'err_w' });
    assert.throws(() => variableGrads(() => mul(w, 2)), LaminaRangeError);
  });

  test('a tensor used twice gets the summed gradient', () => {
    assertClose(grad((x) => add(mul(x, x), x))(tensor([1, 2])), [3, 5]);
  });

  test('noGrad: nothing is recorded inside', () => {
    const g = grad((x) =>
      add(
        noGrad(() => mul(x, 2)),
        x,
      ),
    )(tensor([1, 2, 3]));
    assertClose(g, [1, 1, 1]);
  });

  test('stopGradient: the result is a constant', () => {
    const x = tensor([1, 2, 3]);
    // d/dx (c * x) with c = x held constant is c = x, not 2x.
    assertClose(grad((t) => mul(stopGradient(t), t))(x), [1, 2, 3]);
    assertClose(grad((t) => stopGradient(square(t)))(x), [0, 0, 0]);
  });

  test('customGrad: the custom gradient is used instead of the true one', () => {
    // Value x^2, but a deliberately wrong gradient 10 * dy.
    const f = customGrad((x) => ({ value: square(x), gradFunc: (dy) => mul(dy, 10) }));
    const x = tensor([1, 2, 3]);
    assertClose(f(x), [1, 4, 9]);
    assertClose(grad((t) => f(t))(x), [10, 10, 10]);
    // Composed with other ops: the chain rule runs through the custom gradient.
    assertClose(grad((t) => mul(f(mul(t, 2)), 3))(x), [60, 60, 60]);
    // The finite-difference check notices the mismatch.
    assert.throws(() => checkGrad((t) => f(t), [x]), /analytic/);
  });

  test('customGrad: several inputs and a gradient list', () => {
    const f = customGrad((a, b) => ({
      value: mul(a, b),
      gradFunc: (dy) => [mul(dy, 2), mul(dy, -1)],
    }));
    const [ga, gb] = grads((p, q) => f(p, q))([tensor([1, 2]), tensor([3, 4])]);
    assertClose(ga as Tensor, [2, 2]);
    assertClose(gb as Tensor, [-1, -1]);
  });

  test('customGrad: errors for a wrong number of gradients', () => {
    const f = customGrad((a, b) => ({ value: mul(a, b), gradFunc: (dy) => [dy] }));
    assert.throws(() => grads((p, q) => f(p, q))([tensor([1]), tensor([2])]), LaminaRangeError);
  });

  test('abs and sign have derivative 0 at 0', () => {
    assertClose(grad(abs)(tensor([0, 2, -3])), [0, 1, -1]);
    assertClose(grad(sign)(tensor([0, 2, -3])), [0, 0, 0]);
  });

  test('an input not used by f gets a zero gradient of its shape', () => {
    const [ga, gb] = grads((p) => square(p))([tensor([1, 2]), tensor([[1, 2, 3]])]);
    assertClose(ga as Tensor, [2, 4]);
    assertClose(gb as Tensor, [[0, 0, 0]]);
    assertClose(grad(() => ones([2]))(tensor([5, 6, 7])), [0, 0, 0]);
  });

  test('the identity function has gradient dy', () => {
    assertClose(grad((x) => x)(tensor([1, 2])), [1, 1]);
    assertClose(grad((x) => x)(tensor([1, 2]), tensor([3, 4])), [3, 4]);
  });

  test('errors: f returns a non-tensor or an int32 tensor', () => {
    const x = tensor([1, 2]);
    assert.throws(() => grad(() => 3 as unknown as Tensor)(x), LaminaTypeError);
    assert.throws(() => grad(() => undefined as unknown as Tensor)(x), LaminaTypeError);
    assert.throws(() => grad((t) => cast(t, 'int32'))(x), /float32/);
    assert.throws(() => valueAndGrads(() => tensor([1], [1], 'int32'))([x]), LaminaTypeError);
    assert.throws(() => variableGrads(() => 1 as unknown as Tensor), LaminaTypeError);
  });

  test('errors: x is not a tensor', () => {
    assert.throws(() => grad((t) => t)([1, 2] as unknown as Tensor), LaminaTypeError);
    assert.throws(() => grads((t) => t)([tensor([1]), 2 as unknown as Tensor]), LaminaTypeError);
  });

  test('errors: dy that is not float32', () => {
    const x = tensor([1, 2, 3]);
    assert.throws(
      () => grad((t) => mul(t, 2))(x, tensor([1, 1, 1], [3], 'int32')),
      LaminaTypeError,
    );
  });

  test('errors: dy with the wrong shape', () => {
    const x = tensor([1, 2, 3]);
    assert.throws(() => grad((t) => mul(t, 2))(x, tensor([1, 2])), /dy must have the shape/);
    assert.throws(() => valueAndGrads((t) => sum(t))([x], tensor([1])), LaminaRangeError);
  });

  test('a tensor kept from one call and reused in a second call is a constant there', () => {
    const x = tensor([1, 2, 3]);
    let kept: Tensor | undefined;
    const first = valueAndGrad((t) => {
      kept = square(t);
      return sum(mul(kept, t));
    })(x);
    assertClose(first.value, 36);
    assertClose(first.grad, [3, 12, 27]);
    const y = first.value;
    const k = kept as Tensor;
    // Second call on the same x: kept (= x^2) and y must not carry x's gradient again.
    assertClose(grad((t) => mul(t, k))(x), [1, 4, 9]);
    assertClose(grad((t) => add(mul(t, y), k))(x), [36, 36, 36]);
    // The first call's results are unchanged.
    assertClose(first.grad, [3, 12, 27]);
    assertClose(k, [1, 4, 9]);
    // A third call differentiating with respect to the kept tensor itself.
    assertClose(grad((t) => mul(t, x))(k), [1, 2, 3]);
  });

  test('a failed call releases its recorded graph', () => {
    let kept: Tensor | undefined;
    assert.throws(() =>
      grad((t) => {
        kept = square(t);
        return cast(kept, 'int32');
      })(tensor([1, 2])),
    );
    // `node` is internal: the tape record that would keep the graph alive.
    assert.equal((kept as Tensor).node, null);
  });

  test('calls are independent: the same function differentiated twice', () => {
    const g = grad((t) => sum(square(t)));
    const x = tensor([1, 2]);
    assertClose(g(x), [2, 4]);
    assertClose(g(x), [2, 4]);
    assertClose(g(scalar(3)), 6);
  });
});
