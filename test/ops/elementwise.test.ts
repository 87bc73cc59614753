import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  abs,
  add,
  cast,
  ceil,
  clipByValue,
  cos,
  div,
  equal,
  erf,
  exp,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  log1p,
  logicalAnd,
  logicalNot,
  logicalOr,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  reciprocal,
  round,
  rsqrt,
  scalar,
  sign,
  sin,
  sqrt,
  square,
  squaredDifference,
  sub,
  tensor,
  where,
} from '../../src/index.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';
import { LaminaRangeError, LaminaTypeError } from '../../src/errors.js';

const i32 = (v: number[], shape?: number[]) =>
  tensor(Int32Array.from(v), shape ?? [v.length], 'int32');
const b = (v: boolean[]) => tensor(v);

forEachBackend('elementwise arithmetic', () => {
  test('add / sub / mul / div on equal shapes', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = tensor([
      [10, 20, 30],
      [0.5, -1, 2],
    ]);
    assertExact(
      add(x, y),
      [
        [11, 22, 33],
        [4.5, 4, 8],
      ],
      'float32',
    );
    assertExact(
      sub(x, y),
      [
        [-9, -18, -27],
        [3.5, 6, 4],
      ],
      'float32',
    );
    assertExact(
      mul(x, y),
      [
        [10, 40, 90],
        [2, -5, 12],
      ],
      'float32',
    );
    assertClose(
      div(x, y),
      [
        [0.1, 0.1, 0.1],
        [8, -5, 3],
      ],
      { rtol: 1e-6 },
    );
  });

  test('broadcast [2,3] + [3] (bias-like)', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(add(x, tensor([10, 20, 30])), [
      [11, 22, 33],
      [14, 25, 36],
    ]);
    assertExact(sub(tensor([10, 20, 30]), x), [
      [9, 18, 27],
      [6, 15, 24],
    ]);
  });

  test('broadcast [2,1] + [1,3] gives an outer sum', () => {
    const r = add(tensor([[1], [2]]), tensor([[10, 20, 30]]));
    assertExact(r, [
      [11, 21, 31],
      [12, 22, 32],
    ]);
    const s = sub(tensor([[1], [2]]), tensor([[10, 20, 30]]));
    assertExact(s, [
      [-9, -19, -29],
      [-8, -18, -28],
    ]);
  });

  test('broadcast [3,1,2] * [2,1] gives [3,2,2]', () => {
    const a = tensor([[[1, 2]], [[3, 4]], [[5, 6]]]);
    const c = tensor([[10], [100]]);
    const r = mul(a, c);
    assert.deepEqual([...r.shape], [3, 2, 2]);
    assertExact(r, [
      [
        [10, 20],
        [100, 200],
      ],
      [
        [30, 40],
        [300, 400],
      ],
      [
        [50, 60],
        [500, 600],
      ],
    ]);
    // Operand order must not matter for a commutative op.
    assertExact(mul(c, a), r.arraySync());
  });

  test('broadcast [2,1,3] with [1,3] and [4,1] with [3]', () => {
    const a = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    assertExact(add(a, tensor([[100, 200, 300]])), [[[101, 202, 303]], [[104, 205, 306]]]);
    assertExact(sub(tensor([[1], [2], [3], [4]]), tensor([1, 2, 3])), [
      [0, -1, -2],
      [1, 0, -1],
      [2, 1, 0],
      [3, 2, 1],
    ]);
  });

  test('scalar operands as JS numbers, on either side', () => {
    const x = tensor([1, 2, 3]);
    assertExact(add(x, 1), [2, 3, 4], 'float32');
    assertExact(add(1, x), [2, 3, 4], 'float32');
    assertExact(sub(10, x), [9, 8, 7]);
    assertExact(sub(x, 10), [-9, -8, -7]);
    assertExact(mul(x, -2), [-2, -4, -6]);
    assertExact(div(x, 2), [0.5, 1, 1.5]);
    assertExact(div(6, x), [6, 3, 2]);
    assertExact(add(2, 3), 5, 'float32');
    assertExact(add(scalar(2), tensor([[1], [2]])), [[3], [4]]);
  });

  test('int32 with int32 stays int32; JS numbers take the int32 dtype', () => {
    const a = i32([1, -2, 3]);
    const c = i32([4, 5, -6]);
    assertExact(add(a, c), [5, 3, -3], 'int32');
    assertExact(sub(a, c), [-3, -7, 9], 'int32');
    assertExact(mul(a, c), [4, -10, -18], 'int32');
    assertExact(mul(a, 3), [3, -6, 9], 'int32');
    assertExact(add(7, a), [8, 5, 10], 'int32');
    assertExact(add(i32([1, 2], [2, 1]), i32([10, 20, 30])), [
      [11, 21, 31],
      [12, 22, 32],
    ]);
    assertExact(neg(a), [-1, 2, -3], 'int32');
    assertExact(abs(a), [1, 2, 3], 'int32');
    assertExact(square(a), [1, 4, 9], 'int32');
    assertExact(sign(i32([-5, 0, 7])), [-1, 0, 1], 'int32');
    assertExact(pow(i32([2, 3, -2]), i32([3, 2, 3])), [8, 9, -8], 'int32');
  });

  test('IEEE special values: division by zero, log(0), NaN propagation', () => {
    assertExact(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
    assertExact(log(tensor([0, -1, Infinity])), [-Infinity, NaN, Infinity]);
    assertExact(add(tensor([NaN, Infinity, Infinity]), tensor([1, 1, -Infinity])), [
      NaN,
      Infinity,
      NaN,
    ]);
    assertExact(mul(tensor([0, NaN]), tensor([Infinity, 0])), [NaN, NaN]);
    assertExact(sqrt(tensor([-1, 0, Infinity])), [NaN, 0, Infinity]);
    assertExact(exp(tensor([-Infinity, Infinity, NaN])), [0, Infinity, NaN]);
    assertExact(reciprocal(tensor([0, -0])), [Infinity, -Infinity]);
    assertExact(rsqrt(tensor([0])), [Infinity]);
    assertExact(log1p(tensor([-1, -2])), [-Infinity, NaN]);
  });

  test('dtype mismatch throws a TypeError naming the op and both dtypes', () => {
    const f = tensor([1, 2]);
    const n = i32([1, 2]);
    assert.throws(
      () => add(f, n),
      (e: unknown) =>
        e instanceof LaminaTypeError &&
        /add/.test(e.message) &&
        /float32/.test(e.message) &&
        /int32/.test(e.message),
    );
    assert.throws(() => mul(n, f), /mul: .*int32 and float32/);
    assert.throws(() => sub(f, tensor([true, false])), /sub: .*float32 and bool/);
  });

  test('div and float-only math functions reject int32', () => {
    const n = i32([4, 2]);
    assert.throws(() => div(n, n), LaminaTypeError);
    assert.throws(() => div(n, n), /div: .*float32.*int32/);
    assert.throws(() => exp(n), /exp: .*int32/);
    assert.throws(() => sqrt(n), /sqrt/);
    assert.throws(() => floor(n), /floor/);
    assert.throws(() => add(tensor([true]), tensor([false])), /add: .*bool/);
  });

  test('incompatible shapes throw naming the op and both shapes', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.throws(
      () => add(x, tensor([1, 2, 3, 4])),
      (e: unknown) =>
        e instanceof LaminaRangeError &&
        e.message.includes('add') &&
        e.message.includes('[2,3]') &&
        e.message.includes('[4]'),
    );
    assert.throws(() => mul(tensor([[1, 2]]), tensor([[1, 2, 3]])), /mul: .*\[1,2\].*\[1,3\]/);
    assert.throws(() => maximum(tensor([1, 2]), tensor([1, 2, 3])), /maximum/);
  });

  test('pow (float32)', () => {
    assertClose(pow(tensor([2, 4, 9, -2, 0]), tensor([3, 0.5, 0.5, 2, 0])), [8, 2, 3, 4, 1]);
    assertClose(pow(tensor([2, 10]), -1), [0.5, 0.1]);
    assertExact(pow(tensor([-8]), 1 / 3), [NaN]);
    assertClose(pow(tensor([[1], [2]]), tensor([1, 2, 3])), [
      [1, 1, 1],
      [2, 4, 8],
    ]);
  });
});

forEachBackend('elementwise unary math', () => {
  test('neg / abs / sign / square', () => {
    const x = tensor([-2.5, -0, 0, 3, NaN]);
    assertExact(neg(tensor([-2.5, 0, 3])), [2.5, -0, -3]);
    assertExact(abs(x), [2.5, 0, 0, 3, NaN]);
    assertExact(sign(tensor([-2.5, 0, 3, -0.001])), [-1, 0, 1, -1]);
    assertExact(sign(tensor([NaN])), [NaN]);
    assertExact(square(tensor([-3, 0.5, 1e20])), [9, 0.25, Infinity]);
  });

  test('exp / log / log1p', () => {
    assertClose(exp(tensor([-1, 0, 1, 2])), [0.36787944, 1, 2.7182818, 7.3890561]);
    assertClose(log(tensor([1, 2, 10, 0.5])), [0, 0.69314718, 2.3025851, -0.69314718]);
    // log1p is accurate for tiny arguments where log(1 + x) would round to 0.
    assertClose(log1p(tensor([0, 1e-7, 1, -0.5])), [0, 1e-7, 0.69314718, -0.69314718], {
      rtol: 1e-6,
      atol: 1e-12,
    });
  });

  test('sqrt / rsqrt / reciprocal', () => {
    assertExact(sqrt(tensor([0, 1, 4, 2.25])), [0, 1, 2, 1.5]);
    assertClose(rsqrt(tensor([4, 2, 0.25])), [0.5, 0.70710678, 2]);
    assertClose(reciprocal(tensor([2, -4, 0.1])), [0.5, -0.25, 10]);
  });

  test('floor / ceil', () => {
    const x = tensor([-1.5, -0.2, 0, 0.2, 1.5, 2]);
    assertExact(floor(x), [-2, -1, 0, 0, 1, 2]);
    assertExact(ceil(x), [-1, -0, 0, 1, 2, 2]);
  });

  test('round is half to even', () => {
    assertExact(round(tensor([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5])), [0, 2, 2, 4, -0, -2, -2]);
    assertExact(round(tensor([2.4, 2.6, -2.4, -2.6, 7, -7])), [2, 3, -2, -3, 7, -7]);
  });

  test('sin / cos', () => {
    const x = tensor([0, 0.5, 1, -2]);
    assertClose(sin(x), [0, 0.47942554, 0.84147098, -0.90929743]);
    assertClose(cos(x), [1, 0.87758256, 0.54030231, -0.41614684]);
    assertClose(sin(tensor([Math.PI / 2])), [1]);
    assertClose(cos(tensor([Math.PI])), [-1]);
  });

  test('erf matches reference values across all approximation ranges', () => {
    // Values of the exact erf (scipy.special.erf).
    const x = tensor([0, 0.3, 0.5, 0.75, 1, 2, 3, -1.5, 4.5, -6]);
    assertClose(
      erf(x),
      [
        0, 0.32862676, 0.52049988, 0.71115563, 0.84270079, 0.99532227, 0.99997791, -0.96610515, 1,
        -1,
      ],
      { rtol: 1e-6, atol: 1e-7 },
    );
    assertExact(erf(tensor([Infinity, -Infinity, NaN])), [1, -1, NaN]);
  });

  test('maximum / minimum, with broadcasting and NaN propagation', () => {
    const a = tensor([1, 5, -3, NaN, 2]);
    const c = tensor([2, 4, -3, 1, NaN]);
    assertExact(maximum(a, c), [2, 5, -3, NaN, NaN]);
    assertExact(minimum(a, c), [1, 4, -3, NaN, NaN]);
    assertExact(maximum(tensor([[-1], [3]]), tensor([0, 2])), [
      [0, 2],
      [3, 3],
    ]);
    assertExact(minimum(tensor([-Infinity, Infinity]), 0), [-Infinity, 0]);
    assertExact(maximum(i32([1, 9]), i32([4, 2])), [4, 9], 'int32');
    assertExact(minimum(i32([1, 9]), 3), [1, 3], 'int32');
  });

  test('squaredDifference', () => {
    assertExact(squaredDifference(tensor([1, 5, -2]), tensor([4, 5, 2])), [9, 0, 16]);
    assertExact(squaredDifference(tensor([[1], [3]]), tensor([0, 1])), [
      [1, 0],
      [9, 4],
    ]);
    assertExact(squaredDifference(i32([3]), i32([-1])), [16], 'int32');
  });

  test('clipByValue', () => {
    assertExact(clipByValue(tensor([-5, -1, 0, 0.5, 1, 7, NaN]), -1, 1), [
      -1,
      -1,
      0,
      0.5,
      1,
      1,
      NaN,
    ]);
    assertExact(clipByValue(i32([-3, 2, 9]), 0, 5), [0, 2, 5], 'int32');
    assertExact(clipByValue(tensor([3, -3]), 2, 2), [2, 2]);
    assertThrowsClip();
  });
});

function assertThrowsClip(): void {
  assert.throws(
    () => clipByValue(tensor([1]), 2, 1),
    /clipByValue: clipValueMin \(2\) must be <= clipValueMax \(1\)/,
  );
  assert.throws(() => clipByValue(tensor([true]), 0, 1), /clipByValue: .*bool/);
}

forEachBackend('comparisons, logic, where and cast', () => {
  test('comparisons return bool and broadcast', () => {
    const a = tensor([1, 2, 3]);
    const c = tensor([3, 2, 1]);
    assertExact(equal(a, c), [false, true, false], 'bool');
    assertExact(notEqual(a, c), [true, false, true], 'bool');
    assertExact(greater(a, c), [false, false, true], 'bool');
    assertExact(greaterEqual(a, c), [false, true, true], 'bool');
    assertExact(less(a, c), [true, false, false], 'bool');
    assertExact(lessEqual(a, c), [true, true, false], 'bool');
    assertExact(
      greater(tensor([[1], [4]]), tensor([0, 2, 5])),
      [
        [true, false, false],
        [true, true, false],
      ],
      'bool',
    );
    assertExact(less(a, 2), [true, false, false], 'bool');
    assertExact(equal(i32([1, 2]), 2), [false, true], 'bool');
    assertExact(equal(b([true, false]), b([true, true])), [true, false], 'bool');
  });

  test('comparisons with NaN are false except notEqual', () => {
    const n = tensor([NaN]);
    assertExact(equal(n, n), [false]);
    assertExact(notEqual(n, n), [true]);
    assertExact(greater(n, 0), [false]);
    assertExact(greaterEqual(n, 0), [false]);
    assertExact(less(n, 0), [false]);
    assertExact(lessEqual(n, 0), [false]);
  });

  test('ordering comparisons reject bool; logic ops require bool', () => {
    assert.throws(() => greater(b([true]), b([false])), /greater: .*bool/);
    assert.throws(() => logicalAnd(tensor([1]), tensor([0])), /logicalAnd: .*float32/);
    assert.throws(() => logicalNot(tensor([1])), /logicalNot: .*float32/);
  });

  test('logicalAnd / logicalOr / logicalNot', () => {
    const p = b([true, true, false, false]);
    const q = b([true, false, true, false]);
    assertExact(logicalAnd(p, q), [true, false, false, false], 'bool');
    assertExact(logicalOr(p, q), [true, true, true, false], 'bool');
    assertExact(logicalNot(p), [false, false, true, true], 'bool');
    assertExact(
      logicalAnd(tensor([[true], [false]]), b([true, false])),
      [
        [true, false],
        [false, false],
      ],
      'bool',
    );
  });

  test('where picks elementwise and broadcasts all three operands', () => {
    const cond = b([true, false, true]);
    assertExact(where(cond, tensor([1, 2, 3]), tensor([10, 20, 30])), [1, 20, 3], 'float32');
    assertExact(where(cond, 1, 0), [1, 0, 1]);
    assertExact(where(tensor([[true], [false]]), tensor([1, 2, 3]), tensor([[-1], [-2]])), [
      [1, 2, 3],
      [-2, -2, -2],
    ]);
    assertExact(where(cond, i32([1, 2, 3]), 0), [1, 0, 3], 'int32');
    assert.throws(
      () => where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])),
      /where: .*condition.*bool/,
    );
    assert.throws(() => where(cond, tensor([1, 2]), tensor([3, 4])), /where: .*\[3\].*\[2\]/);
  });

  test('cast float32 -> int32 truncates toward zero', () => {
    assertExact(
      cast(tensor([1.9, -1.9, 0.5, -0.5, 3, 2.5]), 'int32'),
      [1, -1, 0, 0, 3, 2],
      'int32',
    );
  });

  test('cast to bool maps nonzero to true', () => {
    assertExact(cast(tensor([0, 2.5, -1, 0]), 'bool'), [false, true, true, false], 'bool');
    assertExact(cast(i32([0, 7]), 'bool'), [false, true], 'bool');
  });

  test('cast from bool and int32 to float32, and identity casts', () => {
    assertExact(cast(b([true, false]), 'float32'), [1, 0], 'float32');
    assertExact(cast(b([true, false]), 'int32'), [1, 0], 'int32');
    assertExact(cast(i32([-3, 4]), 'float32'), [-3, 4], 'float32');
    const t = tensor([1.5]);
    assert.equal(cast(t, 'float32'), t);
    assert.throws(() => cast(t, 'float64' as 'float32'), /cast: dtype must be/);
  });

  test('cast then div works on integers', () => {
    assertExact(div(cast(i32([1, 3]), 'float32'), 2), [0.5, 1.5], 'float32');
  });
});

forEachBackend('elementwise method chaining', () => {
  test('methods mirror the functions', () => {
    const x = tensor([-2, 0.5, 4]);
    assertExact(x.add(1).mul(2), [-2, 3, 10]);
    assertExact(x.abs().sqrt(), [Math.fround(Math.SQRT2), Math.fround(Math.SQRT1_2), 2]);
    assertExact(x.greater(0), [false, true, true], 'bool');
    assertExact(x.clipByValue(0, 1), [0, 0.5, 1]);
    assertExact(x.cast('int32'), [-2, 0, 4], 'int32');
  });
});
