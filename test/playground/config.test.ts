/**
 * The playground's configurations: presets are valid, the URL hash round-trips, a malformed hash
 * is refused naming the field, and the datasets are deterministic per seed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultConfig,
  fromHash,
  parseConfig,
  PRESETS,
  toHash,
} from '../../playground/src/config.js';
import { makeDataset, permutation, random } from '../../playground/src/datasets.js';
import { describePenalties } from '../../playground/src/panel.js';

test('every preset parses and round-trips through the URL hash', () => {
  assert.deepEqual(
    PRESETS.map((p) => p.id),
    ['large-activations', 'digits', 'spirals'],
  );
  for (const preset of PRESETS) {
    for (const panel of preset.panels) assert.deepEqual(parseConfig(panel), panel);
    assert.deepEqual(fromHash(toHash(preset.panels)), preset.panels);
  }
  assert.equal(fromHash(''), null);
  assert.equal(fromHash('#'), null);
});

test('the large-activations preset is the study scenario: L2(3e-3) on kernel vs activity', () => {
  const [a, b] = (PRESETS[0] as (typeof PRESETS)[number]).panels;
  assert.equal(describePenalties(a), 'kernel L2(0.003) on layer 1');
  assert.equal(describePenalties(b), 'activity L2(0.003) on layer 1');
  assert.deepEqual(
    {
      ...a,
      layers: a.layers.map((l) => ({ units: l.units, activation: l.activation, init: l.init })),
    },
    {
      dataset: 'seed',
      layers: [{ units: 64, activation: 'tanh', init: 'small-positive' }],
      optimizer: 'sgd',
      learningRate: 0.05,
      batchSize: 32,
      seed: 1,
      epochs: 30,
    },
  );
  assert.equal(describePenalties(defaultConfig()), 'no penalty');
});

test('a malformed configuration is refused, naming the field', () => {
  const bad = (mutate: (c: Record<string, unknown>) => void) => {
    const c = JSON.parse(JSON.stringify(defaultConfig())) as Record<string, unknown>;
    mutate(c);
    return c;
  };
  assert.throws(() => parseConfig(bad((c) => (c.dataset = 'mnist'))), {
    name: 'TypeError',
    message:
      'config.dataset: expected one of seed, spirals, circles, xor, digits, received "mnist"',
  });
  assert.throws(() => parseConfig(bad((c) => (c.learningRate = -1))), {
    message: 'config.learningRate: expected a number in [0.000001, 10], received -1',
  });
  assert.throws(
    () =>
      parseConfig(
        bad(
          (c) => ((c.layers as Record<string, unknown>[])[1]!.activity = { kind: 'l3', factor: 1 }),
        ),
      ),
    {
      message: 'config.layers[1].activity.kind: expected one of none, l1, l2, l1l2, received "l3"',
    },
  );
  assert.throws(() => parseConfig(bad((c) => (c.layers = []))), {
    message: 'config.layers: expected a list of 1 to 4 layers, received []',
  });
  assert.throws(() => parseConfig(bad((c) => (c.batchSize = 2.5))), {
    message: 'config.batchSize: expected an integer in [1, 1024], received 2.5',
  });
  // Links made before `epochs` existed still load (no limit).
  const { epochs: _epochs, ...older } = defaultConfig();
  assert.equal(parseConfig(older).epochs, 0);
  assert.throws(() => parseConfig(bad((c) => (c.epochs = 1.5))), {
    message: 'config.epochs: expected an integer in [0, 1000000], received 1.5',
  });
  assert.throws(() => fromHash('#%7Bnot json'), {
    name: 'TypeError',
    message: /^URL hash: expected the panels' configuration as JSON \(/,
  });
  assert.throws(() => fromHash(`#${encodeURIComponent('[1]')}`), {
    message: 'URL hash: expected a list of 2 panel configurations, received [1]',
  });
  assert.throws(() => fromHash(toHash([defaultConfig(), { ...defaultConfig(), seed: -1 }])), {
    message: 'panel 2.seed: expected an integer in [0, 2147483647], received -1',
  });
});

test('datasets are deterministic and split a quarter off for held-out accuracy', async () => {
  const a = await makeDataset('spirals', 3);
  const b = await makeDataset('spirals', 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual((await makeDataset('spirals', 4)).xTrain, a.xTrain);
  assert.equal(a.yTrain.length, 300);
  assert.equal(a.yVal.length, 100);
  assert.equal(a.features, 2);
  const seed = await makeDataset('seed', 1);
  assert.equal(seed.features, 400);
  assert.equal(seed.yTrain.length + seed.yVal.length, 1024);
  // Inputs in [0, 1): 400 of them through weights up to 0.3 sum to about 30.
  assert.ok(seed.xTrain.every((v) => v >= 0 && v < 1));
  const digits = await makeDataset('digits', 1);
  assert.equal(digits.classes, 10);
  assert.equal(digits.yTrain.length + digits.yVal.length, 1797);
  // mulberry32: fixed values, the same in every browser and in Node.
  const r = random(7);
  assert.deepEqual([r(), r()], [0.011704753153026104, 0.06195825757458806]);
  assert.deepEqual(Array.from(permutation(5, random(1))), [4, 2, 1, 0, 3]);
});
