import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fill, type DType, type Tensor } from '../../src/index.js';
import {
  Constant,
  deserializeInitializer,
  FunctionInitializer,
  getInitializer,
  GlorotUniform,
  Identity,
  Initializer,
  initializers,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  registerInitializer,
  serializeInitializer,
  TruncatedNormal,
  VarianceScaling,
  Zeros,
} from '../../src/initializers/index.js';
import { configNumber, type JsonObject } from '../../src/serialization/keras-object.js';
import { assertExact, forEachBackend } from '../helpers.js';

forEachBackend('getInitializer', () => {
  test('strings in every spelling give the default instance', () => {
    const cases: [string, string][] = [
      ['zeros', 'Zeros'],
      ['Zeros', 'Zeros'],
      ['zero', 'Zeros'],
      ['ones', 'Ones'],
      ['one', 'Ones'],
      ['constant', 'Constant'],
      ['identity', 'Identity'],
      ['Identity', 'Identity'],
      ['IdentityInitializer', 'Identity'],
      ['orthogonal', 'Orthogonal'],
      ['Orthogonal', 'Orthogonal'],
      ['OrthogonalInitializer', 'Orthogonal'],
      ['random_normal', 'RandomNormal'],
      ['randomNormal', 'RandomNormal'],
      ['RandomNormal', 'RandomNormal'],
      ['normal', 'RandomNormal'],
      ['random_uniform', 'RandomUniform'],
      ['uniform', 'RandomUniform'],
      ['truncated_normal', 'TruncatedNormal'],
      ['truncatedNormal', 'TruncatedNormal'],
      ['variance_scaling', 'VarianceScaling'],
      ['VarianceScaling', 'VarianceScaling'],
      ['glorot_uniform', 'GlorotUniform'],
      ['glorotUniform', 'GlorotUniform'],
      ['GlorotUniform', 'GlorotUniform'],
      ['glorot_normal', 'GlorotNormal'],
      ['he_normal', 'HeNormal'],
      ['heNormal', 'HeNormal'],
      ['he_uniform', 'HeUniform'],
      ['lecun_normal', 'LecunNormal'],
      ['lecun_uniform', 'LecunUniform'],
      ['LecunUniform', 'LecunUniform'],
    ];
    for (const [name, className] of cases) {
      const init = getInitializer(name);
      assert.ok(init instanceof Initializer, name);
      assert.equal(init.className, className, name);
    }
    const rn = getInitializer('random_normal') as RandomNormal;
    assert.equal(rn.stddev, 0.05);
    assert.equal(rn.seed, undefined);
  });

  test('instances pass through; null and undefined give null; functions are wrapped', () => {
    const g = new GlorotUniform({ seed: 1 });
    assert.equal(getInitializer(g), g);
    assert.equal(getInitializer(null), null);
    assert.equal(getInitializer(undefined), null);
    const twos = (shape: readonly number[], dtype?: DType): Tensor => fill(shape, 2, dtype);
    const f = getInitializer(twos);
    assert.ok(f instanceof FunctionInitializer);
    assert.equal(f.className, 'twos');
    assertExact(f.generate([2]), [2, 2], 'float32');
    const bad = getInitializer(() => fill([1], 0));
    assert.throws(
      () => bad.generate([3]),
      /must return a tensor of shape \[3\], received shape \[1\]/,
    );
    assert.throws(
      () => serializeInitializer(f),
      /initializer function twos: a plain function cannot be serialized/,
    );
  });

  test('config objects in the Keras 3 and the older form', () => {
    const keras3 = getInitializer({
      module: 'keras.initializers',
      class_name: 'VarianceScaling',
      config: { scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 7 },
      registered_name: null,
    }) as VarianceScaling;
    assert.ok(keras3 instanceof VarianceScaling);
    assert.deepEqual(keras3.getConfig(), {
      scale: 2,
      mode: 'fan_out',
      distribution: 'uniform',
      seed: 7,
    });
    const older = getInitializer({
      class_name: 'RandomUniform',
      config: { minval: -1, maxval: 1, seed: null },
    });
    assert.ok(older instanceof RandomUniform);
    assert.deepEqual(older.getConfig(), { minval: -1, maxval: 1, seed: null });
    const noConfig = getInitializer({ class_name: 'he_normal', config: {} });
    assert.equal(noConfig.className, 'HeNormal');
  });

  test("Keras's legacy 'normal' distribution and TensorFlow.js's camelCase modes", () => {
    const v = getInitializer({
      class_name: 'VarianceScaling',
      config: { scale: 1, mode: 'fanAvg', distribution: 'normal', seed: null },
    }) as VarianceScaling;
    assert.equal(v.mode, 'fan_avg');
    assert.equal(v.distribution, 'truncated_normal');
    assert.equal(
      new VarianceScaling({ distribution: 'untruncatedNormal' }).distribution,
      'untruncated_normal',
    );
  });
});

forEachBackend('initializer (de)serialization', () => {
  const all = (): Initializer[] => [
    new Zeros(),
    initializers.ones(),
    new Constant({ value: 0.25 }),
    new Identity({ gain: 3 }),
    new RandomNormal({ mean: 1, stddev: 0.5, seed: 11 }),
    new RandomUniform({ minval: -2, maxval: 3, seed: 12 }),
    new TruncatedNormal({ mean: -1, stddev: 0.1 }),
    new VarianceScaling({
      scale: 0.5,
      mode: 'fan_avg',
      distribution: 'untruncated_normal',
      seed: 13,
    }),
    initializers.glorotUniform({ seed: 14 }),
    initializers.glorotNormal(),
    initializers.heNormal({ seed: 15 }),
    initializers.heUniform(),
    initializers.lecunNormal({ seed: 16 }),
    initializers.lecunUniform(),
    new Orthogonal({ gain: 1.5, seed: 17 }),
  ];

  test('Keras 3 form: module, class_name, config, registered_name', () => {
    assert.deepEqual(serializeInitializer(new GlorotUniform()), {
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
      config: { seed: null },
      registered_name: null,
    });
    assert.deepEqual(serializeInitializer(new RandomNormal({ seed: 3 })), {
      module: 'keras.initializers',
      class_name: 'RandomNormal',
      config: { mean: 0, stddev: 0.05, seed: 3 },
      registered_name: null,
    });
    assert.deepEqual(serializeInitializer(new Zeros()).config, {});
    assert.deepEqual(serializeInitializer(new Constant()).config, { value: 0 });
    assert.deepEqual(serializeInitializer(new Identity()).config, { gain: 1 });
    assert.deepEqual(serializeInitializer(new Orthogonal()).config, { gain: 1, seed: null });
    assert.deepEqual(serializeInitializer(new RandomUniform()).config, {
      minval: -0.05,
      maxval: 0.05,
      seed: null,
    });
    assert.deepEqual(serializeInitializer(new TruncatedNormal()).config, {
      mean: 0,
      stddev: 0.05,
      seed: null,
    });
  });

  test('every class round-trips through both forms, through JSON, to the same values', () => {
    for (const init of all()) {
      const keras3 = JSON.parse(JSON.stringify(serializeInitializer(init))) as ReturnType<
        typeof serializeInitializer
      >;
      const older = { class_name: keras3.class_name, config: keras3.config };
      for (const form of [keras3, older]) {
        const back = deserializeInitializer(form);
        assert.equal(back.className, init.className);
        assert.equal(back.constructor, init.constructor, init.className);
        assert.deepEqual(back.getConfig(), init.getConfig(), init.className);
      }
      const seeded = (init.getConfig() as JsonObject).seed;
      if (typeof seeded === 'number' || !('seed' in init.getConfig())) {
        const shape = init.className === 'Identity' ? [3, 3] : [4, 3];
        assert.deepEqual(
          Array.from(deserializeInitializer(keras3).generate(shape).dataSync()),
          Array.from(init.generate(shape).dataSync()),
          `${init.className}: same values`,
        );
      }
    }
  });

  test('a registered custom class round-trips', () => {
    class Linspace extends Initializer {
      readonly className = 'Linspace';
      constructor(readonly step: number) {
        super();
      }
      generate(shape: readonly number[]): Tensor {
        const n = shape.reduce((a, b) => a * b, 1);
        return fill([n], 0)
          .add(Array.from({ length: n }, (_, i) => i * this.step))
          .reshape(shape);
      }
      getConfig(): JsonObject {
        return { step: this.step };
      }
    }
    registerInitializer('Linspace', (c) => new Linspace(configNumber(c, 'step', 'Linspace', 1)));
    const s = serializeInitializer(new Linspace(0.5));
    assert.deepEqual(s, {
      class_name: 'Linspace',
      config: { step: 0.5 },
      registered_name: 'Linspace',
    });
    const back = deserializeInitializer(s);
    assert.ok(back instanceof Linspace);
    assertExact(back.generate([2, 2]), [
      [0, 0.5],
      [1, 1.5],
    ]);
    assert.ok(getInitializer('linspace') instanceof Linspace);
    assert.ok(getInitializer({ class_name: 'Linspace', config: { step: 2 } }) instanceof Linspace);
    assert.throws(
      () => registerInitializer('', () => new Zeros()),
      /registerInitializer: name must be a non-empty string/,
    );
  });
});

forEachBackend('initializer errors', () => {
  test('bad arguments name the class, the argument and the value', () => {
    assert.throws(
      () => new RandomNormal({ stddev: -1 }),
      /^LaminaRangeError: RandomNormal: Invalid value for argument stddev: expected a non-negative number\. Received: stddev=-1$/,
    );
    assert.throws(
      () => initializers.truncatedNormal({ stddev: -0.5 }),
      /TruncatedNormal: .*argument stddev.*Received: stddev=-0\.5/,
    );
    assert.throws(
      () => new RandomNormal({ mean: Infinity }),
      /RandomNormal: .*argument mean.*Received: mean=Infinity/,
    );
    assert.throws(
      () => new VarianceScaling({ scale: 0 }),
      /VarianceScaling: Invalid value for argument scale: expected a positive number\. Received: scale=0/,
    );
    assert.throws(() => initializers.varianceScaling({ scale: -2 }), /VarianceScaling: .*scale=-2/);
    assert.throws(
      () => new VarianceScaling({ mode: 'fan_sideways' as 'fan_in' }),
      /VarianceScaling: Invalid value for argument mode: expected one of 'fan_in', 'fan_out', 'fan_avg'\. Received: mode='fan_sideways'/,
    );
    assert.throws(
      () => new VarianceScaling({ distribution: 'gamma' as 'uniform' }),
      /VarianceScaling: Invalid value for argument distribution: .*Received: distribution='gamma'/,
    );
    assert.throws(
      () => new RandomUniform({ minval: 1, maxval: 0 }),
      /RandomUniform: Invalid value for argument minval: expected minval <= maxval\. Received: minval=1, maxval=0/,
    );
    assert.throws(
      () => new GlorotUniform({ seed: 1.5 }),
      /GlorotUniform: Invalid value for argument seed: expected an integer or undefined\. Received: seed=1\.5/,
    );
    assert.throws(
      () => new Orthogonal({ gain: NaN }),
      /Orthogonal: .*argument gain.*Received: gain=NaN/,
    );
  });

  test('unknown names list the known ones; bad configs name the key', () => {
    assert.throws(
      () => getInitializer('glorot_magic'),
      /getInitializer: unknown initializer 'glorot_magic'\. Known: .*GlorotUniform.*HeNormal/,
    );
    assert.throws(
      () => deserializeInitializer({ class_name: 'Nope', config: {} }),
      /deserializeInitializer: unknown initializer 'Nope'/,
    );
    assert.throws(
      () => getInitializer({ class_name: 'RandomNormal', config: { stddev: 'big' } }),
      /RandomNormal: config 'stddev' must be a number, received "big"/,
    );
    assert.throws(
      () => getInitializer({ class_name: 'VarianceScaling', config: { mode: 'sideways' } }),
      /VarianceScaling: Invalid value for argument mode.*'sideways'/,
    );
    assert.throws(
      () => getInitializer({ class_name: 'HeNormal', config: { seed: 'x' } }),
      /HeNormal: seed must be an integer, received "x"/,
    );
    assert.throws(
      () => getInitializer(42 as unknown as string),
      /getInitializer: could not interpret initializer identifier 42/,
    );
  });
});
