/**
 * The public surface grows on purpose only: the runtime names that `lamina-nn` and
 * `lamina-nn/tfjs` export, and the members of each namespace object they export (`layers`,
 * `losses`, `tf.train`...), are compared with api-surface.txt. A change to the API shows up
 * there, in review, as lines added or removed.
 *
 * After a deliberate change: UPDATE_API_SNAPSHOT=1 node --import tsx --test test/build/api-surface.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import * as lamina from '../../src/index.js';
import * as tfjs from '../../src/tfjs/index.js';

const SNAPSHOT = new URL('./api-surface.txt', import.meta.url);

/** A namespace object: a plain object (not a class, function, tensor or array). */
function isNamespace(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One section per module and per namespace in it: a `# title` line, then one name a line. */
function sections(title: string, exports: Record<string, unknown>): string[] {
  const names = Object.keys(exports).sort();
  const out = [`# ${title}`, ...names, ''];
  for (const name of names) {
    const value = exports[name];
    if (isNamespace(value)) out.push(`# ${title} ${name}`, ...Object.keys(value).sort(), '');
  }
  return out;
}

function surface(): string {
  return [
    ...sections('lamina-nn', lamina as Record<string, unknown>),
    ...sections('lamina-nn/tfjs', tfjs as Record<string, unknown>),
  ].join('\n');
}

test('the public API is the snapshot in test/build/api-surface.txt', () => {
  const actual = surface();
  if (process.env.UPDATE_API_SNAPSHOT === '1') writeFileSync(SNAPSHOT, actual);
  const expected = readFileSync(SNAPSHOT, 'utf8');
  const expectedLines = new Set(expected.split('\n'));
  const actualLines = new Set(actual.split('\n'));
  // Names are listed per section; a set difference names what changed in a short message.
  const added = actual.split('\n').filter((line) => line !== '' && !expectedLines.has(line));
  const removed = expected.split('\n').filter((line) => line !== '' && !actualLines.has(line));
  assert.equal(
    actual,
    expected,
    `The public API changed (added: ${added.join(', ') || 'none'}; removed: ${removed.join(', ') || 'none'}; ` +
      'or an order within a section). If the change is deliberate, update the snapshot with ' +
      'UPDATE_API_SNAPSHOT=1 node --import tsx --test test/build/api-surface.test.ts and commit ' +
      'test/build/api-surface.txt.',
  );
});

test('no accidental names: internal helpers and diagnostics thresholds stay unexported', () => {
  const internal = [
    'TANH_SATURATION',
    'DIAG_PREFIX',
    'binaryOperands',
    'bilinearTaps',
    'computeFans',
    'formatFilepath',
    'isLossName',
    'LEGACY_RNN_ARGS',
    'NO_DECAY_SHORT_NAMES',
    'convLayers',
    'poolingLayers',
    'mergeLayers',
    'normalizationLayers',
    'recurrentLayers',
  ];
  assert.deepEqual(
    internal.filter((name) => name in lamina),
    [],
  );
});

test('Keras-shaped namespaces: a loss and a metric of the same name are two classes', () => {
  const { losses, metrics, activations, regularizers } = lamina;
  assert.notEqual(losses.MeanSquaredError, metrics.MeanSquaredError);
  assert.equal(new losses.MeanSquaredError().name, 'mean_squared_error');
  assert.ok(new metrics.MeanSquaredError() instanceof lamina.Metric);
  assert.ok(new losses.BinaryCrossentropy() instanceof lamina.Loss);
  assert.deepEqual(activations.relu(lamina.tensor([-1, 2])).arraySync(), [0, 2]);
  assert.equal(activations.get('leaky_relu').name, 'leaky_relu');
  assert.equal(regularizers.l2(0.5).l2, 0.5);
});
