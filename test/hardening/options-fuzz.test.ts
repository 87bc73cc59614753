/**
 * A hostile user's options objects, seeded: random keys (misspellings, snake_case, Object's
 * own member names) and values of every wrong type, given to every layer factory, the
 * initializer/constraint/regularizer factories, optimizers, callbacks, compile, fit, evaluate,
 * predict and save. Each call must succeed or throw a LaminaError whose message is about the call
 * (never "Cannot read properties of undefined", "x is not a function"...), and an unknown key
 * must be a LaminaError 'unknown-option'.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { factories, MINIMAL_ARGS } from './layer-table.js';
import { fuzzRandom } from '../helpers.js';

const INTERNALS =
  /Cannot read propert|is not a function|is not iterable|is not a constructor|undefined is not|Invalid typed array length|Maximum call stack|\[object Object\]|Cannot convert|object null is not/;

const VALUES: readonly (() => unknown)[] = [
  () => undefined,
  () => null,
  () => NaN,
  () => -1,
  () => 0,
  () => 0.5,
  () => 1,
  () => 2,
  () => 3.7,
  () => Infinity,
  () => '',
  () => 'relu',
  () => '0.2',
  () => true,
  () => false,
  () => [],
  () => [1, 2],
  () => ({}),
  () => ({ class_name: 'constructor', config: {} }),
  () => () => 1,
  () => Object.create(null) as object,
  () => lm.tensor([1, 2]),
];

const ODD_KEYS = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];

interface Surface {
  name: string;
  valid: readonly string[];
  base: () => Record<string, unknown>;
  call: (options: Record<string, unknown>) => unknown;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A key that is not in `valid`: a misspelling, the snake_case form, or an Object member. */
function unknownKey(valid: readonly string[], random: () => number): string {
  const pick = valid[Math.floor(random() * valid.length)] ?? 'x';
  const kind = Math.floor(random() * 4);
  const key =
    kind === 0
      ? snake(pick)
      : kind === 1
        ? `${pick}s`
        : kind === 2
          ? (ODD_KEYS[Math.floor(random() * ODD_KEYS.length)] as string)
          : pick.slice(0, -1);
  return valid.includes(key) ? `${key}_x` : key;
}

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return null;
  } catch (e) {
    return e;
  }
}

function surfaces(): Surface[] {
  const list: Surface[] = [];
  for (const [name, make] of factories('lamina')) {
    const minimal = MINIMAL_ARGS[name] as () => Record<string, unknown>;
    list.push({
      name: `layers.${name}`,
      valid: ['name', 'trainable', 'dtype', 'inputShape', ...Object.keys(minimal())],
      base: minimal,
      call: (o) => make(o),
    });
  }
  const model = (): lm.Sequential => {
    const m = lm.sequential({ layers: [lm.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return m;
  };
  const x = lm.tensor([0, 1, 1, 0, 1, 1, 0, 0], [4, 2]);
  const y = lm.tensor([1, 1, 0, 0], [4, 1]);
  list.push(
    {
      name: 'fit',
      valid: ['epochs', 'batchSize', 'shuffle', 'seed', 'validationSplit', 'verbose', 'callbacks'],
      base: () => ({ epochs: 1, verbose: 0 }),
      call: (o) => model().fit(x, y, o),
    },
    {
      name: 'evaluate',
      valid: ['batchSize', 'verbose', 'steps', 'sampleWeight'],
      base: () => ({}),
      call: (o) => model().evaluate(x, y, o),
    },
    {
      name: 'predict',
      valid: ['batchSize'],
      base: () => ({}),
      call: (o) => model().predict(x, o),
    },
    {
      name: 'compile',
      valid: ['optimizer', 'loss', 'metrics', 'lossWeights'],
      base: () => ({ optimizer: 'sgd', loss: 'meanSquaredError' }),
      call: (o) => model().compile(o as never),
    },
    {
      name: 'save',
      valid: ['includeOptimizer', 'weightsOnly', 'shardSizeBytes'],
      base: () => ({}),
      call: (o) => model().save({ save: () => ({}) as never }, o),
    },
    {
      name: 'optimizers.adam',
      valid: ['learningRate', 'beta1', 'beta2', 'epsilon', 'clipNorm', 'weightDecay'],
      base: () => ({}),
      call: (o) => lm.optimizers.adam(o),
    },
    {
      name: 'optimizers.sgd',
      valid: ['learningRate', 'momentum', 'nesterov', 'clipValue'],
      base: () => ({}),
      call: (o) => lm.optimizers.sgd(o),
    },
    {
      name: 'EarlyStopping',
      valid: ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights'],
      base: () => ({}),
      call: (o) => new lm.EarlyStopping(o),
    },
    {
      name: 'ReduceLROnPlateau',
      valid: ['monitor', 'factor', 'patience', 'minLr', 'cooldown'],
      base: () => ({}),
      call: (o) => new lm.ReduceLROnPlateau(o),
    },
    {
      name: 'initializers.varianceScaling',
      valid: ['scale', 'mode', 'distribution', 'seed'],
      base: () => ({}),
      call: (o) => lm.initializers.varianceScaling(o),
    },
    {
      name: 'constraints.minMaxNorm',
      valid: ['minValue', 'maxValue', 'rate', 'axis'],
      base: () => ({}),
      call: (o) => lm.constraints.minMaxNorm(o),
    },
    {
      name: 'l1l2',
      valid: ['l1', 'l2'],
      base: () => ({}),
      call: (o) => lm.l1l2(o),
    },
  );
  return list;
}

test('seeded fuzz of options objects: clear errors only, unknown keys always refused', async () => {
  const random = fuzzRandom(13);
  const all = surfaces();
  const findings: string[] = [];
  let unknownRefused = 0;
  for (let i = 0; i < 1500; i++) {
    const surface = all[Math.floor(random() * all.length)] as Surface;
    const options = surface.base();
    const addUnknown = random() < 0.3;
    const changes = 1 + Math.floor(random() * 2);
    for (let c = 0; c < changes; c++) {
      const key = surface.valid[Math.floor(random() * surface.valid.length)] as string;
      options[key] = (VALUES[Math.floor(random() * VALUES.length)] as () => unknown)();
    }
    const unknown = addUnknown ? unknownKey(surface.valid, random) : null;
    if (unknown !== null) options[unknown] = 1;
    const e = await outcome(() => surface.call(options));
    const shown = `${surface.name}(${Object.keys(options).join(', ')})`;
    if (e === null) {
      if (unknown !== null) findings.push(`${shown}: the unknown key '${unknown}' was accepted`);
      continue;
    }
    if (!(e instanceof lm.LaminaError)) {
      findings.push(`${shown}: threw a non-LaminaError ${String(e)}`);
      continue;
    }
    if (INTERNALS.test(e.message)) findings.push(`${shown}: ${e.message}`);
    if (unknown !== null && e instanceof lm.LaminaError && e.code === 'unknown-option')
      unknownRefused++;
  }
  assert.deepEqual(findings, []);
  assert.ok(unknownRefused > 300, `only ${unknownRefused} unknown keys refused`);
});
