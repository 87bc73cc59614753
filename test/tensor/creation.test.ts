import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dropoutMask,
  eye,
  fill,
  linspace,
  ones,
  onesLike,
  randomNormal,
  randomUniform,
  range,
  scalar,
  setSeed,
  Tensor,
  tensor,
  truncatedNormal,
  variable,
  Variable,
  zeros,
  zerosLike,
} from '../../src/index.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';
import { LaminaTypeError } from '../../src/errors.js';

function stats(values: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  const mu = s / values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += ((values[i] as number) - mu) ** 2;
  return { mean: mu, std: Math.sqrt(v / values.length) };
}

forEachBackend('tensor and scalar', () => {
  test('nested arrays infer shape and float32', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual([...t.shape], [2, 3]);
    assert.equal(t.size, 6);
    assert.equal(t.rank, 2);
    assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4, 5, 6]);
    assert.ok(t.dataSync() instanceof Float32Array);
    assertExact(tensor([[[1], [2]]]), [[[1], [2]]]);
    // Integer-valued JS numbers still default to float32, as in TensorFlow.js.
    assert.equal(tensor([1, 2]).dtype, 'float32');
  });

  test('dtype inference: typed arrays and booleans', () => {
    const i = tensor(Int32Array.from([1, 2, 3, 4]), [2, 2]);
    assert.equal(i.dtype, 'int32');
    assertExact(i, [
      [1, 2],
      [3, 4],
    ]);
    assert.ok(i.dataSync() instanceof Int32Array);
    const f = tensor(new Float32Array([0.5, 1.5]));
    assert.equal(f.dtype, 'float32');
    assert.deepEqual([...f.shape], [2]);
    const bl = tensor([
      [true, false],
      [false, true],
    ]);
    assert.equal(bl.dtype, 'bool');
    assertExact(bl, [
      [true, false],
      [false, true],
    ]);
    assert.deepEqual(Array.from(bl.dataSync()), [1, 0, 0, 1]);
    assert.equal(tensor(new Uint8Array([1, 0])).dtype, 'bool');
    assertExact(tensor(new Uint8Array([1, 0])), [true, false], 'bool');
    // Bytes other than 0 and 1 are not booleans.
    assert.throws(
      () => tensor(new Uint8Array([1, 2])),
      /tensor: expected a boolean \(or 0\/1\) for dtype bool, received 2 at flat index 1/,
    );
  });

  test('explicit dtype and shape', () => {
    assertExact(tensor([1, 2, 3, 4, 5, 6], [3, 2]), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assertExact(tensor([1, 2], undefined, 'int32'), [1, 2], 'int32');
    assertExact(tensor([0, 1], [2], 'bool'), [false, true], 'bool');
    assertExact(tensor(new Float32Array([1, 2, 3, 4]), [2, 2], 'int32'), [
      [1, 2],
      [3, 4],
    ]);
    assertExact(tensor([[1, 2]], [2]), [1, 2]);
    assert.throws(
      () => tensor([1.5], undefined, 'int32'),
      /tensor: expected an int32 value, received 1.5/,
    );
    assert.throws(() => tensor([2], undefined, 'bool'), /tensor: expected a boolean .*received 2/);
    assert.throws(
      () => tensor([1, 2, 3], [2, 2]),
      /tensor: shape \[2,2\] needs 4 values, received 3/,
    );
    assert.throws(() => tensor([1], undefined, 'float64' as 'float32'), /tensor: dtype must be/);
    assert.throws(() => tensor([1, 2], [-2]), /tensor: shape must hold non-negative integers/);
  });

  test('the typed array given is copied', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    assertExact(t, [1, 2]);
    const out = t.dataSync();
    out[1] = 42;
    assertExact(t, [1, 2]);
  });

  test('ragged nested arrays throw', () => {
    assert.throws(
      () => tensor([[1, 2], [3]]),
      /tensor: ragged nested array: expected 2 elements at \[1\], received 1/,
    );
    assert.throws(
      () => tensor([[1, 2], 3] as number[][]),
      /ragged nested array.*received a scalar/,
    );
    assert.throws(
      () => tensor([1, [2, 3]] as number[]),
      /ragged nested array: element \[1\] has more dimensions/,
    );
    assert.throws(
      () => tensor(['a'] as unknown as number[]),
      /tensor: expected numbers or booleans, received string/,
    );
  });

  test('empty tensors', () => {
    const e = tensor([]);
    assert.deepEqual([...e.shape], [0]);
    assert.equal(e.size, 0);
    assert.deepEqual(e.arraySync(), []);
    const e2 = zeros([2, 0]);
    assert.equal(e2.size, 0);
    assert.deepEqual(e2.arraySync(), [[], []]);
  });

  test('scalar', () => {
    const s = scalar(3.5);
    assert.equal(s.rank, 0);
    assert.deepEqual([...s.shape], []);
    assert.equal(s.size, 1);
    assert.equal(s.dtype, 'float32');
    assert.equal(s.arraySync(), 3.5);
    assertExact(scalar(7, 'int32'), 7, 'int32');
    assertExact(scalar(true), true, 'bool');
    assert.equal(tensor(2).rank, 0);
  });

  test('dataSync / arraySync / data() / array()', async () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4]);
    assert.deepEqual(t.arraySync(), [
      [1, 2],
      [3, 4],
    ]);
    const d = await t.data();
    assert.ok(d instanceof Float32Array);
    assert.deepEqual(Array.from(d), [1, 2, 3, 4]);
    assert.deepEqual(await t.array(), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(await tensor([true, false]).array(), [true, false]);
  });

  test('float32 rounding is visible in the values', () => {
    assert.equal(tensor([0.1]).dataSync()[0], Math.fround(0.1));
    assert.notEqual(tensor([0.1]).dataSync()[0], 0.1);
  });

  test('toString names the dtype and shape and shows the values', () => {
    const s = tensor([
      [1, 2],
      [3, 4],
    ]).toString();
    assert.ok(s.includes('float32'), s);
    assert.ok(s.includes('[2,2]'), s);
    assert.match(s, /\[\[1, 2\],\s*\[3, 4\]\]/);
    const i = tensor(Int32Array.from([5])).toString();
    assert.match(i, /int32/);
    assert.match(i, /\[1\]/);
    assert.match(scalar(true).toString(), /Tensor bool \[\]\s+true/);
    const big = zeros([2000]).toString();
    assert.match(big, /\.\.\./);
    assert.ok(big.length < 200, `elided output expected, got ${big.length} chars`);
  });

  test('method chaining', () => {
    const t = tensor([-1, 2]).add(1).relu();
    assert.ok(t instanceof Tensor);
    assertExact(t, [0, 3], 'float32');
    assertExact(tensor([1, 4]).sqrt().mul(2).sub(1), [1, 3]);
  });
});

forEachBackend('filled tensors', () => {
  test('zeros / ones / fill', () => {
    assertExact(
      zeros([2, 3]),
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      'float32',
    );
    assertExact(ones([3]), [1, 1, 1], 'float32');
    assertExact(ones([2], 'int32'), [1, 1], 'int32');
    assertExact(zeros([2], 'bool'), [false, false], 'bool');
    assertExact(ones([1], 'bool'), [true], 'bool');
    assertExact(
      fill([2, 2], 7),
      [
        [7, 7],
        [7, 7],
      ],
      'float32',
    );
    assertExact(fill([2], -3, 'int32'), [-3, -3], 'int32');
    assertExact(fill([2], true), [true, true], 'bool');
    assertExact(fill([], 2.5), 2.5);
    assertExact(fill([2], NaN), [NaN, NaN]);
  });

  test('fill errors', () => {
    assert.throws(() => fill([2], 1.5, 'int32'), /fill: value 1.5 is not an integer/);
    assert.throws(() => fill([2], 2, 'bool'), /fill: value 2 is not a boolean/);
    assert.throws(
      () => zeros([2, -1]),
      /fill: shape must hold non-negative integers, received -1 at dimension 1/,
    );
    assert.throws(() => ones([1.5]), /fill: shape must hold non-negative integers/);
    assert.throws(() => zeros([1], 'complex64' as 'float32'), /fill: dtype must be/);
  });

  test('zerosLike / onesLike keep shape and dtype', () => {
    const i = tensor(Int32Array.from([5, 6, 7, 8]), [2, 2]);
    assertExact(
      zerosLike(i),
      [
        [0, 0],
        [0, 0],
      ],
      'int32',
    );
    assertExact(
      onesLike(i),
      [
        [1, 1],
        [1, 1],
      ],
      'int32',
    );
    assertExact(onesLike(tensor([true])), [true], 'bool');
    assertExact(zerosLike(scalar(4)), 0, 'float32');
  });

  test('range', () => {
    assertExact(range(5), [0, 1, 2, 3, 4], 'float32');
    assertExact(range(2, 5), [2, 3, 4]);
    assertExact(range(0, 10, 3), [0, 3, 6, 9]);
    assertExact(range(0, 9, 3), [0, 3, 6]);
    assertExact(range(5, 0, -2), [5, 3, 1]);
    assertExact(range(3, 0, -1), [3, 2, 1]);
    assertExact(range(0, 5, -1), []);
    assertExact(range(3, 3), []);
    assertClose(range(0, 1, 0.25), [0, 0.25, 0.5, 0.75]);
    assertClose(range(0, 0.5, 0.1), [0, 0.1, 0.2, 0.3, 0.4]);
    assertExact(range(-2, 2, 1, 'int32'), [-2, -1, 0, 1], 'int32');
    assertExact(range(4, undefined, 1, 'int32'), [0, 1, 2, 3], 'int32');
  });

  test('range errors', () => {
    assert.throws(() => range(0, 5, 0), /range: step must be a finite non-zero number, received 0/);
    assert.throws(() => range(0, Infinity), /range: start and stop must be finite/);
    assert.throws(
      () => range(0, 2, 0.5, 'int32'),
      /range: int32 needs integer start, stop and step/,
    );
    assert.throws(() => range(0, 2, 1, 'bool'), /range: dtype must be float32 or int32/);
    assert.throws(
      () => range(0, 2, 1, 'x' as 'int32'),
      /range: dtype must be float32 or int32, received x/,
    );
  });

  test('eye (square and rectangular)', () => {
    assertExact(
      eye(3),
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      'float32',
    );
    assertExact(eye(2, 3), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assertExact(eye(3, 2), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    assertExact(
      eye(2, 2, 'int32'),
      [
        [1, 0],
        [0, 1],
      ],
      'int32',
    );
    assertExact(eye(0), []);
    assert.throws(() => eye(-1), /eye: shape must hold non-negative integers/);
    assert.throws(() => eye(2, 2, 'x' as 'int32'), /eye: dtype must be/);
  });

  test('linspace includes both ends', () => {
    assertClose(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    assertClose(linspace(-1, 1, 3), [-1, 0, 1]);
    assertClose(linspace(10, 0, 6), [10, 8, 6, 4, 2, 0]);
    assertExact(linspace(3, 7, 1), [3]);
    // The last value is exactly `stop`, not start + 6 * step rounded.
    assert.equal(linspace(0.1, 0.7, 7).dataSync()[6], Math.fround(0.7));
    assert.throws(() => linspace(0, 1, 0), /linspace: num must be a positive integer, received 0/);
    assert.throws(() => linspace(0, 1, 2.5), /linspace: num must be a positive integer/);
  });
});

forEachBackend('random ops', () => {
  test('same seed gives identical values; different seeds differ', () => {
    const ops = [
      (seed: number) => randomNormal([50], 0, 1, seed),
      (seed: number) => randomUniform([50], 0, 1, seed),
      (seed: number) => truncatedNormal([50], 0, 1, seed),
      (seed: number) => dropoutMask([50], 0.5, seed),
    ];
    for (const op of ops) {
      const a = Array.from(op(42).dataSync());
      const c = Array.from(op(42).dataSync());
      const d = Array.from(op(43).dataSync());
      assert.deepEqual(a, c);
      assert.notDeepEqual(a, d);
    }
  });

  test('setSeed makes unseeded draws reproducible', () => {
    setSeed(7);
    const a1 = Array.from(randomNormal([20]).dataSync());
    const a2 = Array.from(randomUniform([20]).dataSync());
    assert.notDeepEqual(a1, Array.from(randomNormal([20]).dataSync()));
    setSeed(7);
    assert.deepEqual(Array.from(randomNormal([20]).dataSync()), a1);
    assert.deepEqual(Array.from(randomUniform([20]).dataSync()), a2);
    setSeed(8);
    assert.notDeepEqual(Array.from(randomNormal([20]).dataSync()), a1);
  });

  test('shapes and dtypes', () => {
    const n = randomNormal([2, 3, 4], 0, 1, 1);
    assert.deepEqual([...n.shape], [2, 3, 4]);
    assert.equal(n.dtype, 'float32');
    assert.equal(randomUniform([], 0, 1, 1).rank, 0);
    assert.equal(truncatedNormal([0], 0, 1, 1).size, 0);
  });

  test('randomNormal mean and stddev', () => {
    const s = stats(randomNormal([10000], 0, 1, 123).dataSync());
    assert.ok(Math.abs(s.mean) < 0.05, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 1) < 0.05, `std ${s.std}`);
    const t = stats(randomNormal([10000], 5, 2, 321).dataSync());
    assert.ok(Math.abs(t.mean - 5) < 0.1, `mean ${t.mean}`);
    assert.ok(Math.abs(t.std - 2) < 0.1, `std ${t.std}`);
    assertExact(randomNormal([3], 4, 0, 9), [4, 4, 4]);
  });

  test('randomUniform range and moments', () => {
    const v = randomUniform([10000], -2, 3, 5).dataSync();
    for (const x of v) assert.ok(x >= -2 && x < 3, `value ${x}`);
    const s = stats(v);
    assert.ok(Math.abs(s.mean - 0.5) < 0.05, `mean ${s.mean}`);
    // Uniform on [a, b) has stddev (b - a) / sqrt(12).
    assert.ok(Math.abs(s.std - 5 / Math.sqrt(12)) < 0.05, `std ${s.std}`);
    assertExact(randomUniform([2], 1, 1, 3), [1, 1]);
  });

  test('randomUniform never returns maxval, even when float32 rounding would reach it', () => {
    // Seed 30770746 draws u = 0.99999998672..., which rounds to 1 in float32.
    assertExact(randomUniform([1], 0, 1, 30770746), [Math.fround(1 - 2 ** -24)]);
    const v = randomUniform([1], -2, 0, 30770746).dataSync()[0] as number;
    assert.ok(v < 0 && v > -1e-6, `value ${v}`);
  });

  test('truncatedNormal stays within 2 stddev of the mean', () => {
    const v = truncatedNormal([10000], 1, 0.5, 11).dataSync();
    let outside = 0;
    for (const x of v) if (Math.abs(x - 1) > 1 + 1e-6) outside++;
    assert.equal(outside, 0);
    const s = stats(v);
    assert.ok(Math.abs(s.mean - 1) < 0.05, `mean ${s.mean}`);
    // A standard normal truncated to [-2, 2] has stddev 0.8796; scaled by 0.5.
    assert.ok(Math.abs(s.std - 0.5 * 0.8796) < 0.02, `std ${s.std}`);
  });

  test('dropoutMask zero fraction and kept values', () => {
    const rate = 0.3;
    const v = dropoutMask([10000], rate, 99).dataSync();
    let zeros = 0;
    for (const x of v) {
      if (x === 0) zeros++;
      else assert.equal(x, Math.fround(1 / (1 - rate)));
    }
    assert.ok(Math.abs(zeros / v.length - rate) < 0.02, `zero fraction ${zeros / v.length}`);
    assertExact(dropoutMask([3], 0, 1), [1, 1, 1]);
  });

  test('random op errors', () => {
    assert.throws(() => randomNormal([2], 0, -1), /randomNormal: stddev must be >= 0, received -1/);
    assert.throws(() => randomNormal([2], NaN), /randomNormal: mean must be a finite number/);
    assert.throws(
      () => randomUniform([2], 1, 0),
      /randomUniform: maxval \(0\) must be >= minval \(1\)/,
    );
    assert.throws(() => truncatedNormal([-1]), /truncatedNormal: shape must hold non-negative/);
    assert.throws(() => dropoutMask([2], 1), /dropoutMask: rate must be in \[0, 1\), received 1/);
    assert.throws(() => dropoutMask([2], -0.1), /dropoutMask: rate must be in/);
  });
});

forEachBackend('Variable', () => {
  test('variable holds a value, a name and trainable flag', () => {
    const v = variable(tensor([1, 2]), { name: 'w' });
    assert.ok(v instanceof Variable);
    assert.ok(v instanceof Tensor);
    assert.equal(v.name, 'w');
    assert.equal(v.trainable, true);
    assertExact(v, [1, 2], 'float32');
    assert.equal(variable(tensor([1]), { trainable: false }).trainable, false);
    const auto = variable(tensor([1]));
    assert.match(auto.name, /^variable_\d+$/);
    assert.notEqual(variable(tensor([1])).name, auto.name);
  });

  test('assign replaces the value; ops see the new value', () => {
    const v = variable(tensor([1, 2]), { name: 'w' });
    const before = v.add(1);
    v.assign(tensor([10, 20]));
    assertExact(v, [10, 20]);
    assertExact(v.add(1), [11, 21]);
    // Tensors computed before the assign keep their values.
    assertExact(before, [2, 3]);
  });

  test('the initial tensor is not changed by assign', () => {
    const init = tensor([1, 2]);
    const v = variable(init);
    v.assign(tensor([5, 6]));
    assertExact(init, [1, 2]);
  });

  test('assign errors name the variable, shapes and dtypes', () => {
    const v = variable(tensor([1, 2]), { name: 'kernel' });
    assert.throws(
      () => v.assign(tensor([1, 2, 3])),
      (e: unknown) =>
        e instanceof LaminaTypeError &&
        e.message.includes('kernel') &&
        e.message.includes('[2]') &&
        e.message.includes('[3]'),
    );
    assert.throws(
      () => v.assign(tensor(Int32Array.from([1, 2]))),
      /kernel.*dtype float32.*dtype int32/,
    );
    assert.throws(
      () => variable([1, 2] as unknown as Tensor),
      /variable: initialValue must be a Tensor/,
    );
    assert.throws(
      () => variable(tensor([1]), { name: '' }),
      /variable: name must be a non-empty string/,
    );
  });
});
