/**
 * Finite-difference gradient checks for the elementwise ops, including broadcast operands whose
 * gradients must be summed back to each input's shape.
 *
 * Tolerance: checkGrad defaults (eps 1e-2, rtol 2e-2, atol 2e-3) unless a test says otherwise;
 * exact-value tests use assertClose with rtol = atol = 1e-6.
 */
import { test } from 'node:test';
import {
  abs,
  add,
  cast,
  clipByValue,
  cos,
  div,
  erf,
  exp,
  grad,
  grads,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  ones,
  pow,
  randomNormal,
  randomUniform,
  reciprocal,
  rsqrt,
  scalar,
  sin,
  sqrt,
  square,
  squaredDifference,
  sub,
  sum,
  tensor,
  where,
  type Tensor,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

type Binary = (a: Tensor, b: Tensor) => Tensor;

/** Values with |x| >= 0.3, for ops with a kink or a pole at 0. */
function awayFromZero(shape: number[], seed: number): Tensor {
  const x = randomNormal(shape, 0, 1, seed);
  return add(x, mul(where(x.greaterEqual(0), scalar(1), scalar(-1)), 0.3));
}

/** Operand pairs for the broadcast checks; no element of a is within 0.1 of its partner in b. */
function broadcastPairs(): { name: string; a: Tensor; b: Tensor }[] {
  return [
    {
      name: '[2,3] with [3]',
      a: tensor([
        [0.1, 1.2, -0.7],
        [0.9, -1.1, 0.4],
      ]),
      b: tensor([0.5, -0.2, 0.0]),
    },
    {
      name: '[2,1] with [1,3]',
      a: tensor([[0.3], [-0.6]]),
      b: tensor([[0.8, -0.1, -1.0]]),
    },
    {
      name: 'scalar with [2,2]',
      a: scalar(0.2),
      b: tensor([
        [0.5, -0.3],
        [1.1, -0.9],
      ]),
    },
  ];
}

/** A positive version of t (>= 0.5), for denominators and bases of pow. */
const positive = (t: Tensor): Tensor => add(abs(t), 0.5);

const binaryOps: { name: string; f: Binary; posA?: boolean; posB?: boolean }[] = [
  { name: 'add', f: add },
  { name: 'sub', f: sub },
  { name: 'mul', f: mul },
  { name: 'div', f: div, posB: true },
  { name: 'pow', f: pow, posA: true },
  { name: 'maximum', f: maximum },
  { name: 'minimum', f: minimum },
  { name: 'squaredDifference', f: squaredDifference },
];

forEachBackend('elementwise gradients: binary ops, same shape', () => {
  const a = randomNormal([2, 3], 0, 1, 11);
  // b differs from a by at least 0.3 in each element (no ties for maximum / minimum).
  const b = add(a, tensor([0.5, -0.4, 0.8, -0.6, 0.3, -1.2], [2, 3]));
  for (const { name, f, posA, posB } of binaryOps) {
    test(name, () => {
      checkGrad(f, [posA === true ? positive(a) : a, posB === true ? positive(b) : b]);
    });
  }

  test('pow: gradient with respect to the exponent (positive base)', () => {
    const base = randomUniform([2, 3], 0.5, 2.5, 12);
    const exponent = randomNormal([2, 3], 0, 1, 13);
    checkGrad(pow, [base, exponent]);
  });

  test('pow: negative base with an integer exponent (base gradient only)', () => {
    const base = tensor([-1.5, -0.7, 0.8, 1.3]);
    checkGrad((x) => pow(x, 3), [base]);
    checkGrad((x) => pow(x, tensor([2, 3, 2, 3])), [base]);
  });

  test('pow: exponent 0 has base gradient 0, also at base 0', () => {
    const [da, db] = grads(pow)([tensor([0, 0, 2, -1]), tensor([0, 2, 0, 0])]);
    // d/da a^b: 0 for b = 0; 2a = 0 for a = 0, b = 2.
    assertClose(da as Tensor, [0, 0, 0, 0]);
    // d/db a^b = a^b log a, taken as 0 where a <= 0.
    assertClose(db as Tensor, [0, 0, Math.log(2), 0], { rtol: 1e-6 });
    assertClose(grad((t) => pow(t, 0))(tensor([0, 3])), [0, 0]);
  });

  test('pow: exact values', () => {
    const [da, db] = grads(pow)([tensor([2, 3]), tensor([3, 2])]);
    // d/da a^b = b a^(b-1); d/db a^b = a^b log a.
    assertClose(da as Tensor, [12, 6], { rtol: 1e-5 });
    assertClose(db as Tensor, [8 * Math.log(2), 9 * Math.log(3)], { rtol: 1e-5 });
  });
});

forEachBackend('elementwise gradients: binary ops, broadcast operands', () => {
  for (const { name, f, posA, posB } of binaryOps) {
    for (const pair of broadcastPairs()) {
      const a = posA === true ? positive(pair.a) : pair.a;
      const b = posB === true ? positive(pair.b) : pair.b;
      test(`${name}: ${pair.name}`, () => checkGrad(f, [a, b]));
      // The other order: for div and pow, keep the constrained operand in its place.
      const a2 = posA === true ? positive(pair.b) : pair.b;
      const b2 = posB === true ? positive(pair.a) : pair.a;
      test(`${name}: ${pair.name}, operands swapped`, () => checkGrad(f, [a2, b2]));
    }
  }

  test('pow: exponent gradient with a broadcast exponent', () => {
    checkGrad(pow, [randomUniform([2, 3], 0.5, 2, 14), tensor([0.5, -1.5, 2.2])]);
    checkGrad(pow, [randomUniform([2, 3], 0.5, 2, 15), scalar(1.7)]);
  });

  test('add: broadcast gradient is summed to each input shape (exact)', () => {
    const [ga, gb] = grads(add)([ones([2, 3]), ones([3])]);
    assertClose(ga as Tensor, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assertClose(gb as Tensor, [2, 2, 2]);
    const [gs, gm] = grads(mul)([scalar(3), tensor([1, 2, 3, 4], [2, 2])]);
    assertClose(gs as Tensor, 10);
    assertClose(gm as Tensor, [
      [3, 3],
      [3, 3],
    ]);
    const [gc, gr] = grads(sub)([ones([2, 1]), ones([1, 3])]);
    assertClose(gc as Tensor, [[3], [3]]);
    assertClose(gr as Tensor, [[-2, -2, -2]]);
  });
});

forEachBackend('elementwise gradients: unary ops', () => {
  const x = randomNormal([2, 3], 0, 1, 21);
  const pos = randomUniform([2, 3], 0.3, 2.5, 22);

  test('neg', () => checkGrad(neg, [x]));
  test('abs (away from 0)', () => checkGrad(abs, [awayFromZero([2, 3], 23)]));
  test('exp', () => checkGrad(exp, [x]));
  test('log', () => checkGrad(log, [pos]));
  test('log1p', () => checkGrad(log1p, [randomUniform([2, 3], -0.6, 2, 24)]));
  test('sqrt', () => checkGrad(sqrt, [pos]));
  test('rsqrt', () => checkGrad(rsqrt, [randomUniform([2, 3], 0.5, 2.5, 25)]));
  test('square', () => checkGrad(square, [x]));
  test('reciprocal', () => checkGrad(reciprocal, [awayFromZero([2, 3], 26)]));
  test('sin', () => checkGrad(sin, [randomNormal([2, 3], 0, 2, 27)]));
  test('cos', () => checkGrad(cos, [randomNormal([2, 3], 0, 2, 28)]));
  test('erf', () => checkGrad(erf, [x]));

  test('clipByValue (inputs inside and outside the range, away from the bounds)', () => {
    const v = tensor([-1.3, -0.7, -0.3, 0.0, 0.45, 0.62, 1.5, -0.52]);
    checkGrad((t) => clipByValue(t, -0.5, 0.6), [v]);
    assertClose(grad((t) => clipByValue(t, -0.5, 0.6))(v), [0, 0, 1, 1, 1, 0, 0, 0]);
  });

  test('composition of unary ops', () => {
    checkGrad((t) => sqrt(add(exp(sin(t)), square(t))), [x]);
  });

  test('exact derivatives', () => {
    const v = tensor([0.5, 1, 2]);
    assertClose(grad(log)(v), [2, 1, 0.5], { rtol: 1e-6 });
    assertClose(grad(sqrt)(tensor([1, 4, 9])), [0.5, 0.25, 1 / 6], { rtol: 1e-6 });
    assertClose(grad(rsqrt)(tensor([1, 4])), [-0.5, -1 / 16], { rtol: 1e-6 });
    assertClose(grad(reciprocal)(v), [-4, -1, -0.25], { rtol: 1e-6 });
    assertClose(grad(exp)(v), [Math.exp(0.5), Math.E, Math.exp(2)], { rtol: 1e-6 });
    assertClose(grad(erf)(tensor([0])), [2 / Math.sqrt(Math.PI)], { rtol: 1e-6 });
  });
});

forEachBackend('elementwise gradients: where and cast', () => {
  test('where: gradients to a and b (same shapes)', () => {
    const c = tensor([true, false, true, false, false, true], [2, 3], 'bool');
    const a = randomNormal([2, 3], 0, 1, 31);
    const b = randomNormal([2, 3], 0, 1, 32);
    checkGrad((cond, x, y) => where(cond, x, y), [c, a, b]);
    const [, ga, gb] = grads((cond, x, y) => where(cond, x, y))([c, a, b]);
    assertClose(ga as Tensor, [
      [1, 0, 1],
      [0, 0, 1],
    ]);
    assertClose(gb as Tensor, [
      [0, 1, 0],
      [1, 1, 0],
    ]);
  });

  test('where: broadcast condition and operands', () => {
    const c = tensor([[true], [false]], [2, 1], 'bool');
    const a = randomNormal([3], 0, 1, 33);
    const b = scalar(0.7);
    checkGrad((cond, x, y) => where(cond, x, y), [c, a, b]);
    const [, ga, gb] = grads((cond, x, y) => where(cond, mul(x, 2), y))([c, a, b]);
    assertClose(ga as Tensor, [2, 2, 2]);
    assertClose(gb as Tensor, 3);
  });

  test('cast float32 -> float32 is the identity', () => {
    const x = randomNormal([2, 3], 0, 1, 34);
    checkGrad((t) => mul(cast(t, 'float32'), t), [x]);
    assertClose(grad((t) => cast(t, 'float32'))(x), [
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  test('cast through int32 blocks the gradient', () => {
    const x = tensor([1.5, -2.25, 3]);
    const g = grad((t) => add(cast(cast(t, 'int32'), 'float32'), t))(x);
    assertClose(g, [1, 1, 1]);
  });

  test('sum of a broadcast product', () => {
    checkGrad((x, y) => sum(mul(x, y), 0), [randomNormal([2, 3], 0, 1, 35), tensor([1, -2, 3])]);
  });
});
