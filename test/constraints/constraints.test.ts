import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abs, tensor, type Tensor } from '../../src/index.js';
import {
  Constraint,
  constraints,
  deserializeConstraint,
  FunctionConstraint,
  getConstraint,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  registerConstraint,
  serializeConstraint,
  UnitNorm,
} from '../../src/constraints/index.js';
import { configNumber, type JsonObject } from '../../src/serialization/keras-object.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

/** Columns of norm 5 and 1 (axis 0). */
const cols = (): Tensor =>
  tensor([
    [3, 0.6],
    [4, 0.8],
  ]);
/** Rows of norm 5 and 1 (axis 1). */
const rows = (): Tensor =>
  tensor([
    [3, 4],
    [0.6, 0.8],
  ]);

forEachBackend('MaxNorm', () => {
  test('axis 0 (default): columns above max_value are scaled down to it, others kept', () => {
    assertClose(new MaxNorm().apply(cols()), [
      [1.2, 0.6],
      [1.6, 0.8],
    ]);
    // The 1e-7 in the denominator scales kept columns by 1 / (1 + 1e-7).
    assertClose(new MaxNorm({ maxValue: 10 }).apply(cols()), [
      [3, 0.6],
      [4, 0.8],
    ]);
    assertClose(new MaxNorm({ maxValue: 0.5 }).apply(cols()), [
      [0.3, 0.3],
      [0.4, 0.4],
    ]);
  });

  test('axis 1: rows', () => {
    assertClose(constraints.maxNorm({ maxValue: 2, axis: 1 }).apply(rows()), [
      [1.2, 1.6],
      [0.6, 0.8],
    ]);
    assertClose(new MaxNorm({ axis: -1 }).apply(rows()), [
      [1.2, 1.6],
      [0.6, 0.8],
    ]);
  });

  test('a list of axes: the norm over a conv kernel per output channel', () => {
    // [2, 1, 2]: channel 0 holds 3 and 4 (norm 5), channel 1 holds 0.6 and 0.8 (norm 1).
    const w = tensor([[[3, 0.6]], [[4, 0.8]]]);
    assertClose(new MaxNorm({ maxValue: 1, axis: [0, 1] }).apply(w), [[[0.6, 0.6]], [[0.8, 0.8]]]);
    // The whole matrix: norm sqrt(25 + 1) = sqrt(26).
    const k = 2 / Math.sqrt(26);
    assertClose(new MaxNorm({ axis: [0, 1] }).apply(cols()), [
      [3 * k, 0.6 * k],
      [4 * k, 0.8 * k],
    ]);
  });

  test('zero columns stay zero (no NaN)', () => {
    assertExact(new MaxNorm().apply(tensor([[0], [0]])), [[0], [0]]);
  });
});

forEachBackend('NonNeg', () => {
  test('zeroes negatives: w * (w >= 0)', () => {
    // As Keras's w * cast(w >= 0): negative times 0 is -0.
    assertExact(
      new NonNeg().apply(
        tensor([
          [1, -2],
          [0, -0.5],
        ]),
      ),
      [
        [1, -0],
        [0, -0],
      ],
      'float32',
    );
    assertExact(
      constraints.nonNeg().apply(tensor(Int32Array.from([3, -4, 0]), [3])),
      [3, 0, 0],
      'int32',
    );
  });
});

forEachBackend('UnitNorm', () => {
  test('axis 0 (default): unit columns', () => {
    assertClose(new UnitNorm().apply(cols()), [
      [0.6, 0.6],
      [0.8, 0.8],
    ]);
  });

  test('axis 1: unit rows; a list of axes: unit matrix', () => {
    assertClose(constraints.unitNorm({ axis: 1 }).apply(rows()), [
      [0.6, 0.8],
      [0.6, 0.8],
    ]);
    const k = 1 / Math.sqrt(26);
    assertClose(new UnitNorm({ axis: [0, 1] }).apply(rows()), [
      [3 * k, 4 * k],
      [0.6 * k, 0.8 * k],
    ]);
  });

  test('w / (1e-7 + norm): a zero column stays zero, a tiny one falls short of unit norm', () => {
    assertExact(new UnitNorm().apply(tensor([[0], [0]])), [[0], [0]]);
    assertClose(new UnitNorm().apply(tensor([[3e-7], [4e-7]])), [[3e-7 / 6e-7], [4e-7 / 6e-7]], {
      rtol: 1e-5,
    });
  });
});

forEachBackend('MinMaxNorm', () => {
  /** Column norms 5, 0.5 and 1 (axis 0). */
  const w3 = (): Tensor =>
    tensor([
      [3, 0.3, 0.6],
      [4, 0.4, 0.8],
    ]);

  test('defaults (min 0, max 1, rate 1, axis 0): like MaxNorm(1)', () => {
    assertClose(new MinMaxNorm().apply(w3()), [
      [0.6, 0.3, 0.6],
      [0.8, 0.4, 0.8],
    ]);
  });

  test('rate 1: norms clipped into [min, max]', () => {
    assertClose(new MinMaxNorm({ minValue: 1, maxValue: 2 }).apply(w3()), [
      [1.2, 0.6, 0.6],
      [1.6, 0.8, 0.8],
    ]);
  });

  test('rate 0.5: norms move halfway (desired = 0.5 * clip(n) + 0.5 * n)', () => {
    // Norm 5 -> 3.5 (x0.7), 0.5 -> 0.75 (x1.5), 1 -> 1.
    assertClose(constraints.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }).apply(w3()), [
      [2.1, 0.45, 0.6],
      [2.8, 0.6, 0.8],
    ]);
    // rate 0: unchanged.
    assertClose(
      new MinMaxNorm({ minValue: 1, maxValue: 2, rate: 0 }).apply(w3()),
      w3().arraySync(),
    );
  });

  test('axis 1: rows', () => {
    const t = tensor([
      [3, 4],
      [0.3, 0.4],
      [0.6, 0.8],
    ]);
    assertClose(new MinMaxNorm({ minValue: 1, maxValue: 2, axis: 1 }).apply(t), [
      [1.2, 1.6],
      [0.6, 0.8],
      [0.6, 0.8],
    ]);
    assertClose(new MinMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5, axis: 1 }).apply(t), [
      [2.1, 2.8],
      [0.45, 0.6],
      [0.6, 0.8],
    ]);
  });
});

forEachBackend('getConstraint and (de)serialization', () => {
  test('strings in every spelling', () => {
    const cases: [string, string][] = [
      ['max_norm', 'MaxNorm'],
      ['maxNorm', 'MaxNorm'],
      ['MaxNorm', 'MaxNorm'],
      ['non_neg', 'NonNeg'],
      ['nonNeg', 'NonNeg'],
      ['NonNeg', 'NonNeg'],
      ['unit_norm', 'UnitNorm'],
      ['unitNorm', 'UnitNorm'],
      ['UnitNorm', 'UnitNorm'],
      ['min_max_norm', 'MinMaxNorm'],
      ['minMaxNorm', 'MinMaxNorm'],
      ['MinMaxNorm', 'MinMaxNorm'],
    ];
    for (const [name, className] of cases) {
      const c = getConstraint(name);
      assert.ok(c instanceof Constraint, name);
      assert.equal(c.className, className, name);
    }
    assert.deepEqual(getConstraint('max_norm').getConfig(), { max_value: 2, axis: 0 });
  });

  test('instances pass through; null and undefined give null; functions are wrapped', () => {
    const m = new MaxNorm();
    assert.equal(getConstraint(m), m);
    assert.equal(getConstraint(null), null);
    assert.equal(getConstraint(undefined), null);
    const f = getConstraint(function absolute(w: Tensor) {
      return abs(w);
    });
    assert.ok(f instanceof FunctionConstraint);
    assertExact(f.apply(tensor([-1, 2])), [1, 2]);
    assert.throws(
      () => serializeConstraint(f),
      /constraint function absolute: a plain function cannot be serialized/,
    );
    assert.throws(
      () => getConstraint(() => tensor([1])).apply(tensor([1, 2])),
      /must return a tensor of shape \[2\], received shape \[1\]/,
    );
  });

  test('Keras 3 form with snake_case config keys', () => {
    assert.deepEqual(serializeConstraint(new MaxNorm({ maxValue: 3, axis: [0, 1, 2] })), {
      module: 'keras.constraints',
      class_name: 'MaxNorm',
      config: { max_value: 3, axis: [0, 1, 2] },
      registered_name: null,
    });
    assert.deepEqual(serializeConstraint(new NonNeg()).config, {});
    assert.deepEqual(serializeConstraint(new UnitNorm()).config, { axis: 0 });
    assert.deepEqual(serializeConstraint(new MinMaxNorm()).config, {
      min_value: 0,
      max_value: 1,
      rate: 1,
      axis: 0,
    });
  });

  test('every class round-trips through both forms and JSON', () => {
    const all: Constraint[] = [
      new MaxNorm({ maxValue: 1.5, axis: 1 }),
      new MaxNorm({ axis: [0, 2] }),
      new NonNeg(),
      new UnitNorm({ axis: -1 }),
      new MinMaxNorm({ minValue: 0.5, maxValue: 3, rate: 0.25, axis: [1] }),
    ];
    for (const c of all) {
      const keras3 = JSON.parse(JSON.stringify(serializeConstraint(c))) as ReturnType<
        typeof serializeConstraint
      >;
      for (const form of [keras3, { class_name: keras3.class_name, config: keras3.config }]) {
        const back = deserializeConstraint(form);
        assert.equal(back.constructor, c.constructor);
        assert.deepEqual(back.getConfig(), c.getConfig());
      }
    }
    const legacy = getConstraint({ class_name: 'MaxNorm', config: { max_value: 4, axis: 0 } });
    assert.deepEqual(legacy.getConfig(), { max_value: 4, axis: 0 });
    const snake = getConstraint({
      class_name: 'min_max_norm',
      config: { min_value: 1, max_value: 2, rate: 0.5, axis: 1 },
    });
    assert.ok(snake instanceof MinMaxNorm);
    assert.equal(snake.rate, 0.5);
  });

  test('a registered custom class round-trips', () => {
    class ClipTo extends Constraint {
      readonly className = 'ClipTo';
      constructor(readonly limit: number) {
        super();
      }
      apply(w: Tensor): Tensor {
        return w.clipByValue(-this.limit, this.limit);
      }
      getConfig(): JsonObject {
        return { limit: this.limit };
      }
    }
    registerConstraint('ClipTo', (c) => new ClipTo(configNumber(c, 'limit', 'ClipTo', 1)));
    const s = serializeConstraint(new ClipTo(0.5));
    assert.deepEqual(s, {
      class_name: 'ClipTo',
      config: { limit: 0.5 },
      registered_name: 'ClipTo',
    });
    const back = deserializeConstraint(s);
    assert.ok(back instanceof ClipTo);
    assertExact(back.apply(tensor([-2, 0.25, 2])), [-0.5, 0.25, 0.5]);
    assert.ok(getConstraint('clip_to') instanceof ClipTo);
  });
});

forEachBackend('constraint errors', () => {
  test('bad arguments name the class, the argument and the value', () => {
    assert.throws(
      () => new MaxNorm({ maxValue: -1 }),
      /^LaminaRangeError: MaxNorm: Invalid value for argument maxValue: expected a non-negative number\. Received: maxValue=-1$/,
    );
    assert.throws(
      () => new MaxNorm({ axis: 0.5 }),
      /MaxNorm: Invalid value for argument axis: expected an integer or a non-empty list of distinct integers\. Received: axis=0\.5/,
    );
    assert.throws(
      () => new UnitNorm({ axis: [] }),
      /UnitNorm: .*argument axis.*Received: axis=\[\]/,
    );
    assert.throws(() => new UnitNorm({ axis: [1, 1] }), /UnitNorm: .*Received: axis=\[1,1\]/);
    assert.throws(
      () => new MinMaxNorm({ minValue: 2, maxValue: 1 }),
      /MinMaxNorm: Invalid value for argument minValue: expected minValue <= maxValue\. Received: minValue=2, maxValue=1/,
    );
    assert.throws(
      () => new MinMaxNorm({ rate: 1.5 }),
      /MinMaxNorm: Invalid value for argument rate: expected a number in \[0, 1\]\. Received: rate=1\.5/,
    );
    assert.throws(() => new MinMaxNorm({ minValue: -1 }), /MinMaxNorm: .*minValue=-1/);
  });

  test('unknown names, bad configs, bad identifiers, out-of-range axes', () => {
    assert.throws(
      () => getConstraint('max_nrom'),
      /getConstraint: unknown constraint 'max_nrom'\. Known: .*MaxNorm, MinMaxNorm, NonNeg, UnitNorm/,
    );
    assert.throws(
      () => getConstraint({ class_name: 'MaxNorm', config: { max_value: '2' } }),
      /MaxNorm: config 'max_value' must be a number, received "2"/,
    );
    assert.throws(
      () => getConstraint({ class_name: 'UnitNorm', config: { axis: 'rows' } }),
      /UnitNorm: .*argument axis.*Received: axis='rows'/,
    );
    assert.throws(
      () => getConstraint(7 as unknown as string),
      /getConstraint: could not interpret constraint identifier 7/,
    );
    assert.throws(
      () => new MaxNorm({ axis: 2 }).apply(cols()),
      /axis 2 is out of range for a tensor of rank 2/,
    );
    assert.throws(
      () => new NonNeg().apply([1, 2] as unknown as Tensor),
      /NonNeg: expected a Tensor, received \[1,2\]/,
    );
  });
});
