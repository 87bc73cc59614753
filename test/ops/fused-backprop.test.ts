/**
 * The fused backprop and penalty kernels (`ReluGrad`, `Penalty`, `PenaltyGradAdd`): exact values
 * on 7 elements (a SIMD backend's 4-wide loop and scalar tail), the same bits on every backend
 * for the elementwise ones, float64 accumulation for the penalty, finite-difference checks of
 * the rules of those the tape records (the backward ones are refused), and the deferred penalty term in backpropagation (added to a tensor's
 * other gradient in one pass, evaluated alone where nothing else reaches the tensor).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  abs,
  add,
  grads,
  matMul,
  mul,
  relu,
  sign,
  square,
  sum,
  tensor,
  variable,
  variableGrads,
  where,
  greater,
  conv2d,
  clipByValue,
  type Tensor,
} from '../../src/index.js';
import {
  biasActivation,
  clipByValueGrad,
  matMulBiasActivation,
  penalty,
  penaltyGradAdd,
  reluGrad,
  weightGradPenalty,
} from '../../src/ops/fused.js';
import { getBackend, l1l2, type Variable } from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { jsBackend } from '../../src/backend/js/index.js';

type AnyKernel = (...args: unknown[]) => unknown;
/** The kernel table of the backend in use (tests swap entries to spy on calls). */
function currentKernels(): Record<string, AnyKernel> {
  const backend = getBackend() === 'wasm' && wasmBackend !== null ? wasmBackend : jsBackend;
  return backend.kernels as unknown as Record<string, AnyKernel>;
}
import { conv2dBiasActivation } from '../../src/ops/conv.js';
import { layers } from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

const X = [1, -2, 0, 4, -0.5, 8, -10];
const G = [0.5, 1, -1, 2, 3, -4, 0.25];

let seed = 7;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const randoms = (n: number): Float32Array => Float32Array.from({ length: n }, () => rand() * 3);
const f = Math.fround;

forEachBackend('fused backprop and penalty kernels', () => {
  test('biasActivation: x + bias along the last axis, then relu (NaN stays NaN, -0 -> +0)', () => {
    const x = tensor([
      [1, -2, 0.5, 3, -1],
      [NaN, -0, 2, -3, 0.25],
    ]);
    const b = tensor([0.5, 1, -0.5, -3, 0]);
    assertExact(biasActivation(x, b, 'linear'), [
      [1.5, -1, 0, 0, -1],
      [NaN, 1, 1.5, -6, 0.25],
    ]);
    assertExact(biasActivation(x, b, 'relu'), [
      [1.5, 0, 0, 0, 0],
      [NaN, 1, 1.5, 0, 0.25],
    ]);
    const z = biasActivation(tensor([-0]), tensor([-0]), 'relu').dataSync()[0] as number;
    assert.ok(Object.is(z, 0), 'relu(-0 + -0) is +0');
    assertExact(biasActivation(tensor([], [0, 3]), tensor([1, 2, 3]), 'relu'), [], 'float32');
  });

  test('biasActivation equals add then relu bit for bit, with 4-wide rows and tails', () => {
    const x = tensor(randoms(3 * 7 * 9), [3, 7, 9]);
    const b = tensor(randoms(9));
    assert.deepEqual(
      Array.from(biasActivation(x, b, 'relu').dataSync()),
      Array.from(relu(add(x, b)).dataSync()),
    );
    assert.deepEqual(
      Array.from(biasActivation(x, b, 'linear').dataSync()),
      Array.from(add(x, b).dataSync()),
    );
  });

  test('biasActivation gradients (finite differences) and argument checks', () => {
    const away = Float32Array.from(randoms(12), (v) => (Math.abs(v) < 0.3 ? v + 0.6 : v));
    const bias = tensor([0.1, -0.2, 0.05, 0]);
    checkGrad((x, b) => biasActivation(x, b, 'relu'), [tensor(away, [3, 4]), bias]);
    checkGrad((x, b) => biasActivation(x, b, 'linear'), [tensor(randoms(12), [3, 4]), bias]);
    assert.throws(
      () => biasActivation(tensor([[1, 2]]), tensor([1, 2, 3]), 'relu'),
      /biasActivation: argument 'bias' must have shape \[2\]/,
    );
    assert.throws(
      () => biasActivation(tensor([[1, 2]]), tensor([1, 2]), 'tanh' as 'relu'),
      /argument 'activation' must be 'linear' or 'relu', received tanh/,
    );
  });

  test('matMulBiasActivation and conv2dBiasActivation equal the separate ops bit for bit', () => {
    const a = tensor(randoms(13 * 21), [13, 21]);
    const w = tensor(randoms(21 * 19), [21, 19]);
    const b = tensor(randoms(19));
    for (const act of ['relu', 'linear'] as const) {
      const sep = biasActivation(matMul(a, w), b, act);
      assert.deepEqual(
        Array.from(matMulBiasActivation(a, w, b, act).dataSync()),
        Array.from(sep.dataSync()),
      );
    }
    const x = tensor(randoms(2 * 9 * 7 * 3), [2, 9, 7, 3]);
    const f = tensor(randoms(3 * 3 * 3 * 5), [3, 3, 3, 5]);
    const cb = tensor(randoms(5));
    for (const [strides, padding] of [
      [1, 'valid'],
      [2, 'same'],
    ] as const) {
      const sep = biasActivation(conv2d(x, f, strides, padding), cb, 'relu');
      const fused = conv2dBiasActivation(x, f, cb, 'relu', strides, padding);
      assert.deepEqual([...fused.shape], [...sep.shape]);
      assert.deepEqual(Array.from(fused.dataSync()), Array.from(sep.dataSync()));
    }
    // Few input channels (the direct kernel on wasm) and a wide output (a 4-wide tail).
    const thin = tensor(randoms(3 * 8 * 8), [3, 8, 8, 1]);
    const tf = tensor(randoms(9 * 6), [3, 3, 1, 6]);
    const tb = tensor(randoms(6));
    assert.deepEqual(
      Array.from(conv2dBiasActivation(thin, tf, tb, 'linear').dataSync()),
      Array.from(biasActivation(conv2d(thin, tf), tb, 'linear').dataSync()),
    );
  });

  test('matMulBiasActivation and conv2dBiasActivation: gradients and argument checks', () => {
    const away = (n: number): Tensor =>
      tensor(Float32Array.from(randoms(n), (v) => (Math.abs(v) < 0.3 ? v + 0.6 : v)));
    const bias = tensor([0.01, -0.02, 0.03]);
    checkGrad(
      (a, w, b) => matMulBiasActivation(a, w, b, 'linear'),
      [tensor(randoms(8), [2, 4]), tensor(randoms(12), [4, 3]), bias],
    );
    // relu: inputs with outputs away from 0 (a = I-like rows keep a w + b away from the kink).
    const eye = tensor([1, 0, 0, 0, 0, 1, 0, 0], [2, 4]);
    checkGrad(
      (a, w, b) => matMulBiasActivation(a, w, b, 'relu'),
      [eye, away(12).reshape([4, 3]), bias],
    );
    const x = tensor(randoms(2 * 4 * 4 * 2), [2, 4, 4, 2]);
    checkGrad(
      (xx, ff, bb) => conv2dBiasActivation(xx, ff, bb, 'linear', 1, 'same'),
      [x, tensor(randoms(2 * 2 * 2 * 3), [2, 2, 2, 3]), bias],
    );
    assert.throws(
      () => matMulBiasActivation(tensor([[1, 2]]), tensor([[1], [2]]), tensor([1, 2]), 'relu'),
      /matMulBiasActivation: argument 'bias' must have shape \[1\]/,
    );
    assert.throws(
      () => matMulBiasActivation(tensor([[1, 2]]), tensor([[1, 2]]), tensor([1, 2]), 'relu'),
      /matMulBiasActivation: expected a \[m, k\] and b \[k, n\]/,
    );
    assert.throws(
      () => conv2dBiasActivation(x, tensor(randoms(8), [1, 1, 2, 4]), tensor([1]), 'relu'),
      /conv2dBiasActivation: argument 'bias' must have shape \[4\]/,
    );
  });

  test('Dense and Conv2D with relu give the values of the separate ops', () => {
    const dense = layers.dense({ units: 5, activation: 'relu', biasInitializer: 'randomNormal' });
    const x = tensor(randoms(24), [2, 3, 4]);
    const y = dense.apply(x) as Tensor;
    const d = dense.getWeights();
    const want = relu(add(matMul(x.reshape([6, 4]), d[0] as Tensor), d[1] as Tensor));
    assert.deepEqual(Array.from(y.dataSync()), Array.from(want.dataSync()));
    assert.deepEqual([...y.shape], [2, 3, 5]);
    const conv = layers.conv2d({
      filters: 3,
      kernelSize: 2,
      activation: 'relu',
      biasInitializer: 'ones',
    });
    const img = tensor(randoms(2 * 4 * 4 * 2), [2, 4, 4, 2]);
    const out = conv.apply(img) as Tensor;
    const [k, b] = conv.getWeights();
    const ref = relu(add(conv2d(img, k as Tensor, 1, 'valid'), b as Tensor));
    assert.deepEqual(Array.from(out.dataSync()), Array.from(ref.dataSync()));
  });

  test('clipByValue and its gradient: exact at bounds that float32 cannot hold, NaN, infinities', () => {
    const f0 = Math.fround(0.1); // 0.10000000149011612 > 0.1
    const f1 = Math.fround(0.7); // 0.699999988079071 < 0.7
    const below = f0 - 2 ** -27; // the float32 below fround(0.1)
    const xs = [below, f0, 0.5, f1, 0.7000000476837158, NaN, -Infinity, Infinity, -0];
    const x = tensor(xs);
    const want = xs.map((v) => (v < 0.1 ? 0.1 : v > 0.7 ? 0.7 : v));
    assertExact(clipByValue(x, 0.1, 0.7), Array.from(Float32Array.from(want)), 'float32');
    const dy = tensor(xs.map((_, i) => i + 1));
    const g = xs.map((v, i) => (v >= 0.1 && v <= 0.7 ? i + 1 : 0));
    assertExact(clipByValueGrad(dy, x, 0.1, 0.7), g);
    assertExact(clipByValueGrad(dy, x, -Infinity, Infinity), [1, 2, 3, 4, 5, 0, 7, 8, 9]);
    // A bound whose float32 lies inside the range: float32(0.7) < 0.7 is below min = 0.7, and
    // float32(0.1) > 0.1 is above max = 0.1, so neither passes a gradient.
    assertExact(clipByValueGrad(dy, x, 0.7, 0.75), [0, 0, 0, 0, 5, 0, 0, 0, 0]);
    assertExact(clipByValueGrad(dy, x, 0.05, 0.1), [1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assertExact(clipByValue(tensor([-3, 2, 9]), -Infinity, 5), [-3, 2, 5]);
    // The gradient through clipByValue (a loss's clipping) goes through ClipByValueGrad.
    const [gx] = grads((t: Tensor) => clipByValue(t, 0.1, 0.7))([x], dy);
    assertExact(gx as Tensor, g);
    // Large and ragged, so a SIMD backend runs its 4-wide loop and its tail.
    const big = tensor(randoms(1003), [17, 59]);
    const bigDy = tensor(randoms(1003), [17, 59]);
    const bx = Array.from(big.dataSync());
    const bd = Array.from(bigDy.dataSync());
    assert.deepEqual(
      Array.from(clipByValue(big, -1.3, 0.3).dataSync()),
      Array.from(Float32Array.from(bx.map((v) => (v < -1.3 ? -1.3 : v > 0.3 ? 0.3 : v)))),
    );
    assert.deepEqual(
      Array.from(clipByValueGrad(bigDy, big, -1.3, 0.3).dataSync()),
      bx.map((v, i) => (v >= -1.3 && v <= 0.3 ? (bd[i] as number) : 0)),
    );
    // A backward kernel: never recorded, so differentiating it is refused.
    assert.throws(
      () =>
        grads((d: Tensor) => clipByValueGrad(d, tensor([0.2, 0.9, -1]), 0, 0.5))([
          tensor([1, 2, 3]),
        ]),
      /ClipByValueGrad: this kernel is not differentiable/,
    );
    assert.throws(
      () => clipByValueGrad(dy, x, 1, 0),
      /clipByValueGrad: expected numbers min <= max/,
    );
  });

  test('weightGradPenalty: x^T dz plus the penalty gradient, as the separate ops to rounding', () => {
    const x = tensor(randoms(7 * 300), [300, 7]);
    const dz = tensor(randoms(300 * 9), [300, 9]);
    const w = tensor(randoms(7 * 9), [7, 9]);
    const sep = penaltyGradAdd(matMul(x, dz, true, false), w, 0.25, 0.5);
    assertClose(weightGradPenalty(x, dz, w, 0.25, 0.5), sep.arraySync() as number[][], {
      rtol: 1e-5,
      atol: 1e-5,
    });
    assert.throws(
      () => grads((a: Tensor) => weightGradPenalty(a, dz, w, 0.3, 0.7))([x]),
      /WeightGradPenalty: this kernel is not differentiable/,
    );
    assert.throws(
      () => weightGradPenalty(x, dz, tensor(randoms(9 * 7), [9, 7]), 1, 1),
      /weightGradPenalty: expected x \[m, k\], dz \[m, n\] and w \[k, n\]/,
    );
  });

  test("a penalized Dense kernel's gradient folds its penalty into the product (no extra pass)", () => {
    const dense = layers.dense({
      units: 6,
      activation: 'relu',
      kernelRegularizer: l1l2({ l1: 0.01, l2: 0.02 }),
      biasInitializer: 'ones',
    });
    const x = tensor(randoms(5 * 4), [5, 4]);
    dense.apply(x);
    const [k, b] = dense.getWeights() as [Tensor, Tensor];
    const calls: string[] = [];
    const table = currentKernels();
    const spied = ['WeightGradPenalty', 'PenaltyGradAdd'] as const;
    const saved = spied.map((name) => table[name]);
    spied.forEach((name, i) => {
      table[name] = (...args: unknown[]) => {
        calls.push(name);
        return (saved[i] as (...a: unknown[]) => unknown)(...args);
      };
    });
    let got: Tensor;
    try {
      const loss = (): Tensor =>
        add(sum(square(dense.apply(x) as Tensor)), dense.losses[0] as Tensor);
      got = variableGrads(loss, [dense.kernel as unknown as Variable]).grads[
        (dense.kernel as unknown as Variable).name
      ] as Tensor;
    } finally {
      spied.forEach((name, i) => (table[name] = saved[i]!));
    }
    assert.deepEqual(calls, ['WeightGradPenalty']);
    // The same gradient from the separate ops: d/dk sum(relu(x k + b)^2) + penalty.
    const z = add(matMul(x, k), b);
    const y = relu(z);
    const dzRef = where(greater(z, 0), mul(y, 2), 0);
    const want = add(matMul(x, dzRef, true, false), add(mul(sign(k), 0.01), mul(k, 0.04)));
    assertClose(got, want.arraySync() as number[][], { rtol: 1e-5, atol: 1e-6 });
  });

  test('reluGrad: dy where x > 0, else 0 (x = 0 and NaN give 0)', () => {
    assertExact(reluGrad(tensor(G), tensor(X)), [0.5, 0, 0, 2, 0, -4, 0], 'float32');
    assertExact(reluGrad(tensor([1, 2]), tensor([NaN, 1])), [0, 2]);
    assertExact(reluGrad(tensor([]), tensor([])), []);
  });

  test('relu gradient goes through ReluGrad and equals where(x > 0, dy, 0)', () => {
    const x = tensor(randoms(1003), [17, 59]);
    const dy = tensor(randoms(1003), [17, 59]);
    const [g] = grads((t: Tensor) => relu(t))([x], dy);
    assert.deepEqual(
      Array.from((g as Tensor).dataSync()),
      Array.from(where(greater(x, 0), dy, 0).dataSync()),
    );
  });

  test('penalty: l1 * sum|x| + l2 * sum x^2, a zero factor left out', () => {
    // sum|x| = 25.5, sum x^2 = 185.25
    assertClose(penalty(tensor(X), 0.1, 0), 2.55);
    assertClose(penalty(tensor(X), 0, 0.01), 1.8525);
    assertClose(penalty(tensor(X), 0.1, 0.01), 4.4025);
    assertExact(penalty(tensor([Infinity, 1]), 0, 0), 0);
    assertExact(penalty(tensor([]), 0.1, 0.1), 0);
    assertExact(penalty(tensor([[3, -4]]), 1, 1), 32);
  });

  test('penalty accumulates in float64: a float32 running sum would drop the small terms', () => {
    // 2^25 then 3999 ones: a float32 accumulator (ulp 4 at 2^25) drops every 1 added to it.
    const xs = new Float32Array(4000).fill(1);
    xs[0] = 2 ** 25;
    assertExact(penalty(tensor(xs), 1, 0), f(2 ** 25 + 3999));
    xs[0] = 2 ** 13; // squared: 2^26, ulp 8
    assertExact(penalty(tensor(xs), 0, 1), f(2 ** 26 + 3999));
  });

  test('penaltyGradAdd: g + (a sign(x) + b x), rounded as written (same bits everywhere)', () => {
    assertExact(
      penaltyGradAdd(tensor(G), tensor(X), 0.5, 2),
      [3, -3.5, -1, 10.5, 1.5, 12.5, -20.25],
      'float32',
    );
    const n = 1003;
    const [g, x] = [randoms(n), randoms(n)];
    x[5] = 0;
    x[6] = -0;
    const [a, b] = [1.3e-3, 2e-4];
    const want = Float32Array.from({ length: n }, (_, i) => {
      const v = x[i] as number;
      const t = v > 0 ? f(a) : v < 0 ? -f(a) : 0;
      return (g[i] as number) + f(t + f(f(b) * v));
    });
    const got = penaltyGradAdd(tensor(g, [17, 59]), tensor(x, [17, 59]), a, b);
    assert.deepEqual(Array.from(got.dataSync()), Array.from(want));
  });

  test('argument checks name the op and the argument', () => {
    assert.throws(
      () => reluGrad(tensor([1, 2]), tensor([1])),
      /reluGrad: argument 'x' must have the shape of 'dy'/,
    );
    assert.throws(() => penalty(tensor([1], [1], 'int32'), 1, 0), /penalty/);
    assert.throws(
      () => penalty(tensor([1]), NaN, 0),
      /penalty: argument 'l1' must be a finite number/,
    );
    assert.throws(() => penaltyGradAdd(tensor([1]), tensor([1, 2]), 1, 1), /penaltyGradAdd/);
  });

  test('gradient checks: penalty; reluGrad and penaltyGradAdd are never recorded', () => {
    const away = Float32Array.from(randoms(12), (v) => (Math.abs(v) < 0.2 ? v + 0.5 : v));
    checkGrad((x) => penalty(x, 0.3, 0.2), [tensor(away, [3, 4])]);
    checkGrad((x) => penalty(x, 0, 0.7), [tensor(away, [12])]);
    assert.throws(
      () =>
        grads((dy: Tensor) => reluGrad(dy, tensor(away, [3, 4])))([tensor(randoms(12), [3, 4])]),
      /ReluGrad: this kernel is not differentiable/,
    );
    assert.throws(
      () =>
        grads((g: Tensor) => penaltyGradAdd(g, tensor(away.slice(0, 7)), 0.4, 1.5))([
          tensor(randoms(7)),
        ]),
      /PenaltyGradAdd: this kernel is not differentiable/,
    );
  });

  test('the penalty gradient is added to the data gradient in one pass, with the same values', () => {
    const w = variable(tensor(randoms(12), [4, 3]), { name: 'fused_w' });
    const x = tensor(randoms(8), [2, 4]);
    const loss = (): Tensor => add(sum(square(matMul(x, w))), penalty(w, 0.01, 0.02));
    const plain = (): Tensor =>
      add(sum(square(matMul(x, w))), add(mul(sum(abs(w)), 0.01), mul(sum(square(w)), 0.02)));
    const fused = variableGrads(loss, [w]).grads.fused_w as Tensor;
    const reference = variableGrads(plain, [w]).grads.fused_w as Tensor;
    assertClose(fused, reference.arraySync() as number[][], { rtol: 1e-5, atol: 1e-6 });
  });

  test('a penalty alone, two penalties on one tensor, and a penalty before the data term', () => {
    const w = variable(tensor([1, -2, 0, 3]), { name: 'fused_v' });
    const only = variableGrads(() => penalty(w, 0.5, 0.25), [w]).grads.fused_v as Tensor;
    assertExact(only, [1, -1.5, 0, 2]); // 0.5 sign(w) + 0.5 w
    const twice = variableGrads(() => add(penalty(w, 0.5, 0), penalty(w, 0, 0.25)), [w]);
    assertExact(twice.grads.fused_v as Tensor, [1, -1.5, 0, 2]);
    // The penalty recorded first, then a data term reading w: the term waits for it.
    const before = variableGrads(() => add(penalty(w, 0, 1), sum(mul(w, 3))), [w]);
    assertExact(before.grads.fused_v as Tensor, [5, -1, 3, 9]);
    // An activity penalty on an intermediate tensor, scaled by the upstream gradient 1/2.
    const [gx] = grads((t: Tensor) => {
      const a = mul(t, 2);
      return add(mul(penalty(a, 1, 0), 0.5), sum(a));
    })([tensor([1, -1, 0])]);
    assertExact(gx as Tensor, [3, 1, 2]); // 2 * (1 + 0.5 sign(a))
  });
});
