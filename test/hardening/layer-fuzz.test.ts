/**
 * A hostile user's layer options, seeded: each layer factory gets random values (edge numbers,
 * wrong types, other options' strings, shapes) for its own option keys, and every layer that
 * constructs is applied to an input of its kind and serialized. Each step must succeed or
 * throw a LaminaError whose message is about the call, never an internal error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import type { Layer } from '../../src/layers/base/layer.js';
import { factories, MINIMAL_ARGS } from './layer-table.js';
import { fuzzRandom } from '../helpers.js';

const INTERNALS =
  /Cannot read propert|is not a function|is not iterable|is not a constructor|undefined is not|Invalid typed array length|Array buffer allocation|Maximum call stack|\[object Object\]|Cannot convert|object null is not|Maximum memory size/;

const VALUES: readonly (() => unknown)[] = [
  () => undefined,
  () => null,
  () => NaN,
  () => -1,
  () => 0,
  () => 0.5,
  () => 1,
  () => 2,
  () => 3,
  () => 7,
  () => 1e9,
  () => Infinity,
  () => '',
  () => 'same',
  () => 'valid',
  () => 'causal',
  () => 'channels_first',
  () => 'channelsLast',
  () => 'relu',
  () => 'l2',
  () => 'zeros',
  () => 'glorotUniform',
  () => 'concat',
  () => true,
  () => false,
  () => [],
  () => [0],
  () => [2, 2],
  () => [1, -1],
  () => [
    [1, 1],
    [0, 2],
  ],
  () => ({}),
  () => ({ class_name: 'L2', config: { l2: 0.1 } }),
  () => lm.l2({ l2: 0.01 }),
  () => lm.initializers.ones(),
];

const RANK_3 = /1d$|^(simpleRNN|lstm|gru|bidirectional|timeDistributed|permute)$/;
const RANK_4 = /2d$/;
const MERGE = /^(add|subtract|multiply|average|maximum|minimum|concatenate|dot)$/;

function inputFor(name: string): lm.Tensor | lm.Tensor[] | null {
  if (name === 'input' || name === 'inputLayer') return null;
  if (name === 'embedding') return lm.tensor([0, 1, 2, 3, 4, 1], [2, 3], 'int32');
  if (MERGE.test(name)) return [lm.ones([2, 4]), lm.ones([2, 4])];
  if (RANK_4.test(name)) return lm.ones([2, 6, 6, 2]);
  if (RANK_3.test(name)) return lm.ones([2, 5, 3]);
  return lm.ones([2, 4]);
}

test('seeded fuzz of layer option values: construct, apply, serialize; LaminaErrors only', () => {
  const random = fuzzRandom(29);
  const all = factories('lamina');
  const findings: string[] = [];
  let applied = 0;
  let refused = 0;
  for (let i = 0; i < 900; i++) {
    const [name, make] = all[Math.floor(random() * all.length)] as (typeof all)[number];
    const minimal = (MINIMAL_ARGS[name] as () => Record<string, unknown>)();
    const probe = make(minimal) as { constructor: { argKeys?: readonly string[] } };
    // Keras 1 names (W_regularizer, dropout_U, weightRegularizer) are aliases, with a warning.
    const keys = [...(probe.constructor.argKeys ?? Object.keys(minimal))].filter(
      (k) =>
        !['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'weights'].includes(k) &&
        !k.includes('_') &&
        !k.startsWith('weight'),
    );
    const options = { ...minimal };
    const changes = 1 + Math.floor(random() * 3);
    for (let c = 0; c < changes && keys.length > 0; c++) {
      const key = keys[Math.floor(random() * keys.length)] as string;
      options[key] = (VALUES[Math.floor(random() * VALUES.length)] as () => unknown)();
    }
    const shown = `${name}(${JSON.stringify(options, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))})`;
    const step = (what: string, run: () => unknown): boolean => {
      try {
        run();
        return true;
      } catch (e) {
        if (!(e instanceof lm.LaminaError))
          findings.push(`${shown} ${what}: not a LaminaError: ${String(e)}`);
        else if (INTERNALS.test(e.message)) findings.push(`${shown} ${what}: ${e.message}`);
        refused++;
        return false;
      }
    };
    let layer: Layer | null = null;
    if (!step('construct', () => (layer = make(options) as Layer))) continue;
    const x = inputFor(name);
    if (x === null || layer === null) continue;
    const built: Layer = layer;
    if (!step('apply', () => built.apply(x))) continue;
    applied++;
    step('getConfig', () => JSON.stringify(built.getConfig()));
  }
  assert.deepEqual(findings, []);
  // The fuzz reaches both sides: layers that work and values that are refused.
  assert.ok(applied > 150 && refused > 250, `applied ${applied}, refused ${refused}`);
});

/** Asserts `fn` throws a LaminaError of `code` whose message is exactly `message`. */
function refuses(fn: () => unknown, code: lm.LaminaErrorCode, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof lm.LaminaError, `not a LaminaError: ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test('what the fuzz found: each is now a short LaminaError naming the layer or op', () => {
  // A Tensor in a message was JSON-serialized with its backend: the whole wasm memory (44 s).
  refuses(
    () => lm.constraints.minMaxNorm({ maxValue: lm.tensor([1, 2]) as never }),
    'invalid-argument',
    'MinMaxNorm: Invalid value for argument maxValue: expected a non-negative number. Received: maxValue=a Tensor',
  );
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  refuses(
    () => lm.constraints.maxNorm({ maxValue: cycle as never }),
    'invalid-argument',
    'MaxNorm: Invalid value for argument maxValue: expected a non-negative number. Received: maxValue=an object',
  );
  // A noiseShape that is no list broke getConfig ("this.noiseShape is not iterable").
  refuses(
    () => lm.layers.dropout({ rate: 0.5, noiseShape: 3 as never, name: 'd' }),
    'invalid-argument',
    "Dropout 'd': noiseShape must be a list of positive integers or nulls (one per input axis), received 3",
  );
  // A seed that is no number said "received [object Object]" and no layer.
  refuses(
    () => lm.layers.gaussianNoise({ stddev: 0.1, seed: {} as never, name: 'g' }),
    'invalid-argument',
    "GaussianNoise 'g': seed must be a finite number, received an object",
  );
  // A regularizer has an apply method: it was taken for an activation, and getConfig broke.
  assert.throws(
    () => lm.layers.dense({ units: 2, activation: lm.l2({ l2: 0.01 }) as never }),
    /^LaminaError: Dense '.*': unknown activation a L2\. Known: /,
  );
  // An output too large for any tensor failed in the allocator ("Invalid typed array length").
  refuses(
    () => lm.layers.zeroPadding2d({ padding: 1e9 }).apply(lm.ones([2, 6, 6, 2])),
    'too-large',
    'Pad: the output of shape [2,2000000006,2000000006,2] would hold 16000000096000000000 values, more than the 4294967296 a tensor may hold',
  );
});
