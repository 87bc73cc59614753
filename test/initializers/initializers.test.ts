import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eye, matMul, reshape, setSeed, tensor, transpose, type Tensor } from '../../src/index.js';
import {
  computeFans,
  Constant,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  Identity,
  initializers,
  LecunNormal,
  LecunUniform,
  Ones,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  TruncatedNormal,
  VarianceScaling,
  Zeros,
  type Initializer,
} from '../../src/initializers/index.js';
import { Random } from '../../src/tensor/rng.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

/** Mean, standard deviation and extremes, in float64. */
function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.dataSync();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { mean, std: Math.sqrt(ss / v.length), min, max };
}

function assertRel(actual: number, expected: number, rtol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.abs(expected),
    `${what}: expected ${expected} within ${rtol * 100}%, got ${actual}`,
  );
}

/** Checks a zero-mean normal-like sample: |mean| small against std, std within 3%. */
function assertNormalLike(t: Tensor, std: number, what: string): void {
  const s = stats(t);
  assert.ok(Math.abs(s.mean) < 0.02 * std, `${what}: mean ${s.mean} not ~0 (std ${std})`);
  assertRel(s.std, std, 0.03, `${what} std`);
}

/** Checks a uniform sample in [-limit, limit): bounds, std limit / sqrt(3), extremes near limit. */
function assertUniformLike(t: Tensor, limit: number, what: string): void {
  const s = stats(t);
  assert.ok(
    s.min >= Math.fround(-limit) && s.max < limit,
    `${what}: values outside [-${limit}, ${limit})`,
  );
  assert.ok(
    s.max > 0.99 * limit && s.min < -0.99 * limit,
    `${what}: extremes ${s.min}, ${s.max} not near ${limit}`,
  );
  assert.ok(Math.abs(s.mean) < 0.02 * limit, `${what}: mean ${s.mean} not ~0`);
  assertRel(s.std, limit / Math.sqrt(3), 0.03, `${what} std`);
}

const BIG: [number, number] = [200, 500]; // fan_in 200, fan_out 500, fan_avg 350

forEachBackend('deterministic initializers', () => {
  test('Zeros and Ones: shape, dtype and values, any dtype', () => {
    assertExact(
      new Zeros().generate([2, 3]),
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      'float32',
    );
    assertExact(new Ones().generate([3]), [1, 1, 1], 'float32');
    assertExact(new Ones().generate([2], 'int32'), [1, 1], 'int32');
    assertExact(new Zeros().generate([2], 'bool'), [false, false], 'bool');
    assertExact(new Ones().generate([]), 1, 'float32');
    assert.deepEqual([...new Zeros().generate([0, 4]).shape], [0, 4]);
  });

  test('Constant fills with its value; 0 by default', () => {
    assertExact(
      new Constant({ value: 3.5 }).generate([2, 2]),
      [
        [3.5, 3.5],
        [3.5, 3.5],
      ],
      'float32',
    );
    assertExact(new Constant().generate([2]), [0, 0], 'float32');
    assertExact(
      initializers.constant({ value: -2 }).generate([1, 3], 'int32'),
      [[-2, -2, -2]],
      'int32',
    );
    assert.throws(
      () => new Constant({ value: 0.5 }).generate([2], 'int32'),
      /Constant: value 0.5 is not an integer/,
    );
    assert.throws(
      () => new Constant({ value: NaN }),
      /Constant: Invalid value for argument value: expected a finite number\. Received: value=NaN/,
    );
  });

  test('Identity: eye(rows, cols) * gain, rank 2 only', () => {
    assertExact(
      new Identity().generate([2, 2]),
      [
        [1, 0],
        [0, 1],
      ],
      'float32',
    );
    assertExact(new Identity({ gain: 2.5 }).generate([2, 3]), [
      [2.5, 0, 0],
      [0, 2.5, 0],
    ]);
    assertExact(
      initializers.identity({ gain: 3 }).generate([3, 2], 'int32'),
      [
        [3, 0],
        [0, 3],
        [0, 0],
      ],
      'int32',
    );
    assert.throws(
      () => new Identity().generate([2, 2, 2]),
      /Identity: can only initialize 2D matrices, received shape \[2,2,2\] of rank 3/,
    );
    assert.throws(() => new Identity().generate([4]), /Identity: .*rank 1/);
  });

  test('bad shapes are refused naming the class', () => {
    assert.throws(
      () => new Zeros().generate([2, -1]),
      /Zeros: shape must hold non-negative integers/,
    );
    assert.throws(() => new GlorotUniform().generate([2, 1.5]), /GlorotUniform: shape must hold/);
  });
});

forEachBackend('random initializers: distributions', () => {
  test('RandomNormal: mean and stddev (defaults 0 and 0.05)', () => {
    const d = new RandomNormal({ seed: 1 });
    assert.equal(d.mean, 0);
    assert.equal(d.stddev, 0.05);
    const t = d.generate(BIG);
    assert.deepEqual([...t.shape], BIG);
    assert.equal(t.dtype, 'float32');
    assertNormalLike(t, 0.05, 'RandomNormal()');
    const s = stats(new RandomNormal({ mean: 1, stddev: 2, seed: 2 }).generate(BIG));
    assert.ok(Math.abs(s.mean - 1) < 0.04, `mean ${s.mean}`);
    assertRel(s.std, 2, 0.03, 'RandomNormal(1, 2) std');
  });

  test('RandomUniform: in [minval, maxval) (defaults -0.05 and 0.05)', () => {
    assertUniformLike(new RandomUniform({ seed: 3 }).generate(BIG), 0.05, 'RandomUniform()');
    const s = stats(new RandomUniform({ minval: 2, maxval: 5, seed: 4 }).generate(BIG));
    assert.ok(s.min >= 2 && s.max < 5 && s.min < 2.01 && s.max > 4.99);
    assert.ok(Math.abs(s.mean - 3.5) < 0.02);
    assertRel(s.std, 3 / Math.sqrt(12), 0.03, 'RandomUniform(2, 5) std');
  });

  test('TruncatedNormal: within two stddev of the mean, stddev 0.8796 * stddev', () => {
    const t = new TruncatedNormal({ mean: 1, stddev: 0.5, seed: 5 }).generate(BIG);
    const s = stats(t);
    assert.ok(s.min >= 1 - 1 - 1e-6 && s.max <= 1 + 1 + 1e-6, `range ${s.min}..${s.max}`);
    assert.ok(s.min < 0.02 && s.max > 1.98, 'the tails reach two stddev');
    assert.ok(Math.abs(s.mean - 1) < 0.01);
    assertRel(s.std, 0.5 * 0.87962566103423978, 0.03, 'TruncatedNormal std');
    const d = stats(new TruncatedNormal({ seed: 6 }).generate(BIG));
    assert.ok(d.max <= 0.1 + 1e-7 && d.min >= -0.1 - 1e-7);
  });

  test('VarianceScaling: every mode and distribution', () => {
    const fans = { fan_in: 200, fan_out: 500, fan_avg: 350 } as const;
    let seed = 10;
    for (const mode of ['fan_in', 'fan_out', 'fan_avg'] as const) {
      const n = fans[mode];
      const scale = 3;
      const truncated = new VarianceScaling({ scale, mode, seed: seed++ }).generate(BIG);
      assert.equal(truncated.dtype, 'float32');
      // Truncation at 2 stddev leaves exactly sqrt(scale / n).
      assertNormalLike(truncated, Math.sqrt(scale / n), `truncated ${mode}`);
      const bound = (2 * Math.sqrt(scale / n)) / 0.87962566103423978;
      const ts = stats(truncated);
      assert.ok(
        ts.max <= bound * (1 + 1e-6) && ts.min >= -bound * (1 + 1e-6),
        `truncated ${mode} bound`,
      );
      const untruncated = new VarianceScaling({
        scale,
        mode,
        distribution: 'untruncated_normal',
        seed: seed++,
      }).generate(BIG);
      assertNormalLike(untruncated, Math.sqrt(scale / n), `untruncated ${mode}`);
      assert.ok(stats(untruncated).max > bound, 'untruncated values go past 2 stddev');
      const uniform = new VarianceScaling({ scale, mode, distribution: 'uniform', seed: seed++ });
      assertUniformLike(uniform.generate(BIG), Math.sqrt((3 * scale) / n), `uniform ${mode}`);
    }
  });

  test('VarianceScaling defaults: scale 1, fan_in, truncated_normal', () => {
    const v = new VarianceScaling();
    assert.deepEqual(v.getConfig(), {
      scale: 1,
      mode: 'fan_in',
      distribution: 'truncated_normal',
      seed: null,
    });
    assertNormalLike(
      new VarianceScaling({ seed: 30 }).generate(BIG),
      Math.sqrt(1 / 200),
      'default',
    );
  });

  test('the presets: Glorot, He and Lecun, normal and uniform', () => {
    const cases: [Initializer, 'normal' | 'uniform', number][] = [
      [new GlorotUniform({ seed: 40 }), 'uniform', Math.sqrt(6 / 700)],
      [new GlorotNormal({ seed: 41 }), 'normal', Math.sqrt(2 / 700)],
      [new HeNormal({ seed: 42 }), 'normal', Math.sqrt(2 / 200)],
      [new HeUniform({ seed: 43 }), 'uniform', Math.sqrt(6 / 200)],
      [new LecunNormal({ seed: 44 }), 'normal', Math.sqrt(1 / 200)],
      [new LecunUniform({ seed: 45 }), 'uniform', Math.sqrt(3 / 200)],
    ];
    for (const [init, kind, param] of cases) {
      const t = init.generate(BIG);
      if (kind === 'uniform') assertUniformLike(t, param, init.className);
      else {
        assertNormalLike(t, param, init.className);
        const s = stats(t);
        const bound = (2 * param) / 0.87962566103423978;
        assert.ok(
          s.max <= bound * (1 + 1e-6) && s.min >= -bound * (1 + 1e-6),
          `${init.className} is truncated`,
        );
      }
    }
    assert.ok(new GlorotUniform() instanceof VarianceScaling);
    assert.equal(new HeNormal().scale, 2);
    assert.equal(new HeNormal().mode, 'fan_in');
    assert.equal(new GlorotUniform().distribution, 'uniform');
  });

  test('fans of a conv kernel [3, 3, 16, 32]: fan_in 144, fan_out 288', () => {
    const shape = [3, 3, 16, 32];
    assert.deepEqual(computeFans(shape), { fanIn: 144, fanOut: 288 });
    assertUniformLike(
      new HeUniform({ seed: 50 }).generate(shape),
      Math.sqrt(6 / 144),
      'HeUniform conv',
    );
    assertUniformLike(
      new GlorotUniform({ seed: 51 }).generate(shape),
      Math.sqrt(6 / 432),
      'GlorotUniform conv',
    );
    assertUniformLike(
      new VarianceScaling({ mode: 'fan_out', distribution: 'uniform', seed: 52 }).generate(shape),
      Math.sqrt(3 / 288),
      'fan_out uniform conv',
    );
    const t = new VarianceScaling({
      mode: 'fan_out',
      distribution: 'untruncated_normal',
      seed: 53,
    });
    assertRel(stats(t.generate(shape)).std, Math.sqrt(1 / 288), 0.03, 'fan_out normal conv std');
    assert.deepEqual(computeFans([5, 3, 8]), { fanIn: 15, fanOut: 40 });
  });

  test('fans of rank 0, 1 and 2, and empty dimensions (n at least 1)', () => {
    assert.deepEqual(computeFans([]), { fanIn: 1, fanOut: 1 });
    assert.deepEqual(computeFans([7]), { fanIn: 7, fanOut: 7 });
    assert.deepEqual(computeFans([4, 9]), { fanIn: 4, fanOut: 9 });
    const limit1 = Math.sqrt(3);
    const scalar = new VarianceScaling({ distribution: 'uniform', seed: 1 }).generate([]);
    assert.deepEqual([...scalar.shape], []);
    assert.ok(Math.abs(scalar.dataSync()[0] as number) < limit1);
    assert.equal(new VarianceScaling().varianceFor([0, 5]), 1);
    assert.equal(new VarianceScaling({ mode: 'fan_out' }).varianceFor([0, 5]), 1 / 5);
    assert.equal(new VarianceScaling().varianceFor([0, 0]), 1);
    assert.equal(new VarianceScaling({ mode: 'fan_avg', scale: 2 }).varianceFor([4, 8]), 2 / 6);
    assert.deepEqual([...new GlorotNormal().generate([0, 3]).shape], [0, 3]);
  });

  test('random initializers make float32 only', () => {
    assert.throws(
      () => new RandomNormal().generate([2], 'int32'),
      /RandomNormal: dtype must be 'float32' for random values, received 'int32'/,
    );
    assert.throws(() => new HeNormal().generate([2], 'bool'), /HeNormal: dtype must be 'float32'/);
    assert.throws(() => new Orthogonal().generate([2, 2], 'int32'), /Orthogonal: dtype/);
  });
});

forEachBackend('Orthogonal', () => {
  const gram = (w: Tensor, wide: boolean): Tensor =>
    wide ? matMul(w, w, false, true) : matMul(w, w, true, false);

  test('tall: columns orthonormal, W^T W ~ I', () => {
    const w = new Orthogonal({ seed: 1 }).generate([64, 32]);
    assert.deepEqual([...w.shape], [64, 32]);
    assert.equal(w.dtype, 'float32');
    assertClose(gram(w, false), eye(32).arraySync(), { atol: 1e-5 });
  });

  test('wide: rows orthonormal, W W^T ~ I', () => {
    const w = new Orthogonal({ seed: 2 }).generate([16, 40]);
    assertClose(gram(w, true), eye(16).arraySync(), { atol: 1e-5 });
  });

  test('square: both; gain scales: W^T W ~ gain^2 I', () => {
    const w = new Orthogonal({ seed: 3 }).generate([24, 24]);
    assertClose(gram(w, false), eye(24).arraySync(), { atol: 1e-5 });
    assertClose(gram(w, true), eye(24).arraySync(), { atol: 1e-5 });
    const g = new Orthogonal({ gain: 2, seed: 3 }).generate([24, 24]);
    assertClose(g, w.mul(2).arraySync(), { atol: 1e-6 });
    assertClose(gram(g, false), eye(24).mul(4).arraySync(), { atol: 1e-4 });
  });

  test('conv kernels are flattened to [prod(shape[:-1]), shape[-1]]', () => {
    const w = new Orthogonal({ seed: 4 }).generate([3, 3, 4, 8]);
    assert.deepEqual([...w.shape], [3, 3, 4, 8]);
    assertClose(gram(reshape(w, [36, 8]), false), eye(8).arraySync(), { atol: 1e-5 });
    const wide = new Orthogonal({ seed: 5 }).generate([1, 2, 3, 10]);
    assertClose(gram(reshape(wide, [6, 10]), true), eye(6).arraySync(), { atol: 1e-5 });
  });

  test("Q of a normal matrix's QR, sign-corrected so that R = Q^T A has a positive diagonal", () => {
    const seed = 77;
    for (const [rows, cols] of [
      [7, 4],
      [4, 7],
    ] as const) {
      const m = Math.max(rows, cols);
      const n = Math.min(rows, cols);
      const rng = new Random(seed);
      const a = Float32Array.from({ length: m * n }, () => rng.normal());
      const w = new Orthogonal({ seed }).generate([rows, cols]);
      const q = rows >= cols ? w : transpose(w);
      const r = matMul(q, tensor(a, [m, n]), true, false).arraySync() as number[][];
      for (let i = 0; i < n; i++) {
        const row = r[i] as number[];
        assert.ok((row[i] as number) > 0, `R[${i}][${i}] = ${row[i]} should be positive`);
        for (let j = 0; j < i; j++)
          assert.ok(Math.abs(row[j] as number) < 1e-5, `R[${i}][${j}] = ${row[j]}`);
      }
    }
  });

  test('blocked QR: orthonormal across several panels, tall, wide, square and uneven', () => {
    // The QR works in panels of 32 columns: these shapes have 1 to 5 panels, the last partial.
    for (const [shape, wide] of [
      [[100, 70], false],
      [[33, 97], true],
      [[130, 130], false],
      [[3, 3, 16, 40], false],
      [[40, 161], true],
    ] as const) {
      const w = new Orthogonal({ seed: 11 }).generate(shape);
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const cols = shape[shape.length - 1] as number;
      const g = gram(reshape(w, [rows, cols]), wide);
      assertClose(g, eye(Math.min(rows, cols)).arraySync(), { atol: 1e-5 });
    }
  });

  test('blocked QR: R = Q^T A is upper triangular with a positive diagonal over many panels', () => {
    const seed = 78;
    const [m, n] = [90, 70];
    const rng = new Random(seed);
    const a = Float32Array.from({ length: m * n }, () => rng.normal());
    const q = new Orthogonal({ seed }).generate([m, n]);
    const r = matMul(q, tensor(a, [m, n]), true, false).arraySync() as number[][];
    for (let i = 0; i < n; i++) {
      const row = r[i] as number[];
      assert.ok((row[i] as number) > 0, `R[${i}][${i}] = ${row[i]} should be positive`);
      for (let j = 0; j < i; j++)
        assert.ok(Math.abs(row[j] as number) < 1e-4, `R[${i}][${j}] = ${row[j]}`);
    }
  });

  test('rank below 2 is refused', () => {
    assert.throws(
      () => new Orthogonal().generate([5]),
      /Orthogonal: the shape to initialize must have rank 2 or more, received shape \[5\] of rank 1/,
    );
  });
});

forEachBackend('seeds', () => {
  const makers: [string, (seed?: number) => Initializer][] = [
    ['RandomNormal', (seed) => new RandomNormal({ seed })],
    ['RandomUniform', (seed) => new RandomUniform({ seed })],
    ['TruncatedNormal', (seed) => new TruncatedNormal({ seed })],
    ['VarianceScaling', (seed) => new VarianceScaling({ distribution: 'uniform', seed })],
    ['GlorotUniform', (seed) => initializers.glorotUniform({ seed })],
    ['GlorotNormal', (seed) => initializers.glorotNormal({ seed })],
    ['HeNormal', (seed) => initializers.heNormal({ seed })],
    ['HeUniform', (seed) => initializers.heUniform({ seed })],
    ['LecunNormal', (seed) => initializers.lecunNormal({ seed })],
    ['LecunUniform', (seed) => initializers.lecunUniform({ seed })],
    ['Orthogonal', (seed) => initializers.orthogonal({ seed })],
  ];
  const values = (i: Initializer): number[] => Array.from(i.generate([6, 5]).dataSync());

  test('a seed gives identical values on every call and every instance', () => {
    for (const [name, make] of makers) {
      const a = make(123);
      assert.deepEqual(values(a), values(a), `${name}: two calls`);
      assert.deepEqual(values(a), values(make(123)), `${name}: two instances`);
    }
  });

  test('different seeds give different values', () => {
    for (const [name, make] of makers) {
      assert.notDeepEqual(values(make(1)), values(make(2)), name);
    }
  });

  test('without a seed, each call draws anew from the global stream; setSeed reproduces runs', () => {
    for (const [name, make] of makers) {
      const a = make();
      assert.notDeepEqual(values(a), values(a), `${name}: two unseeded calls`);
      setSeed(2024);
      const first = [values(a), values(make())];
      setSeed(2024);
      const second = [values(a), values(make())];
      assert.deepEqual(first, second, `${name}: setSeed`);
    }
  });
});
