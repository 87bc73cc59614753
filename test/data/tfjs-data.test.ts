/**
 * Differential tests against TensorFlow.js's tf.data where it is deterministic: the transforms,
 * batching of nested elements, zip, CSV parsing (on files both parse the same way: TensorFlow.js
 * keeps doubled quotes doubled and cannot read line breaks inside quotes, so those cases are in
 * csv.test.ts), and fitDataset's loss history on a model both can run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Dense, data, randomNormal, sequential, Tensor } from '../../src/index.js';

before(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

const dir = mkdtempSync(join(tmpdir(), 'lamina-tfdata-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Elements in a comparable form: tensors as { dtype, shape, flat values } (bools as 0/1). */
function plain(x: unknown): unknown {
  if (x instanceof Tensor)
    return { dtype: x.dtype, shape: [...x.shape], values: Array.from(x.dataSync(), Number) };
  if (x instanceof tf.Tensor)
    return {
      dtype: x.dtype,
      shape: x.shape,
      values: Array.from(x.dataSync() as ArrayLike<number>, Number),
    };
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'object' && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

async function same<E>(
  ours: data.Dataset<E>,
  theirs: tf.data.Dataset<tf.TensorContainer>,
): Promise<void> {
  assert.equal(ours.size, theirs.size, 'size');
  assert.deepEqual(plain(await ours.toArray()), plain(await theirs.toArray()));
}

test('map, filter, take, skip, repeat, concatenate match tf.data', async () => {
  const items = [1, 2, 3, 4, 5, 6, 7];
  await same(
    data.array(items).map((v) => v * v),
    tf.data.array(items).map((v) => (v as number) ** 2),
  );
  await same(
    data
      .array(items)
      .filter((v) => v % 3 !== 0)
      .take(4),
    tf.data
      .array(items)
      .filter((v) => (v as number) % 3 !== 0)
      .take(4),
  );
  await same(data.array(items).skip(2).take(3), tf.data.array(items).skip(2).take(3));
  await same(data.array(items).skip(10), tf.data.array(items).skip(10));
  await same(data.array(items).take(10), tf.data.array(items).take(10));
  await same(
    data.array(items).repeat(2).skip(5).take(6),
    tf.data.array(items).repeat(2).skip(5).take(6),
  );
  await same(
    data.array(items).concatenate(data.array([9, 8])),
    tf.data.array(items).concatenate(tf.data.array([9, 8])),
  );
});

test('batch of numbers, nested arrays, objects and tensors matches tf.data', async () => {
  const elements = [
    { a: 1, b: [1, 2], c: { d: true } },
    { a: 2, b: [3, 4], c: { d: false } },
    { a: 3, b: [5, 6], c: { d: true } },
  ];
  await same(data.array(elements).batch(2), tf.data.array(elements).batch(2));
  await same(data.array(elements).batch(2, false), tf.data.array(elements).batch(2, false));
  const grid = [
    [
      [1, 2],
      [3, 4],
    ],
    [
      [5, 6],
      [7, 8],
    ],
  ];
  await same(data.array(grid).batch(2), tf.data.array(grid).batch(2));
  await same(
    data
      .array([0, 1, 2, 3, 4])
      .map((i) => ({ v: [i, -i] }))
      .batch(2),
    tf.data
      .array([0, 1, 2, 3, 4])
      .map((i) => ({ v: [i as number, -(i as number)] }))
      .batch(2),
  );
});

test('zip of records and arrays matches tf.data', async () => {
  await same(
    data.zip({ xs: data.array([1, 2, 3]), ys: data.array([[4], [5]]) }).batch(2),
    tf.data.zip({ xs: tf.data.array([1, 2, 3]), ys: tf.data.array([[4], [5]]) }).batch(2),
  );
  await same(
    data.zip([data.array([1, 2]), data.array([3, 4])]),
    tf.data.zip([tf.data.array([1, 2]), tf.data.array([3, 4])]),
  );
});

test('csv parsing matches tf.data: quotes, CRLF, empty cells, defaults, labels, dtypes', async () => {
  const path = join(dir, 'mixed.csv');
  writeFileSync(
    path,
    'name,age,height,smoker,label\r\n"Doe, J",31,1.8,true,1\r\nAnn,,1.6,0,0\r\n"B",47.9,,TRUE,1\r\n',
  );
  const url = pathToFileURL(path).href;
  const configs: data.CsvConfig[] = [
    {},
    { columnConfigs: { label: { isLabel: true }, height: { default: 1.7 } } },
    { columnConfigs: { age: { dtype: 'int32' }, smoker: { dtype: 'bool' } } },
    {
      columnConfigs: { label: { isLabel: true }, age: { required: false } },
      configuredColumnsOnly: true,
    },
    { hasHeader: true, columnNames: ['n', 'a', 'h', 's', 'l'] },
  ];
  for (const config of configs) {
    const ours = data.csv(url, config);
    const theirs = tf.data.csv(url, config as Parameters<typeof tf.data.csv>[1]);
    assert.deepEqual(await ours.toArray(), await theirs.toArray(), JSON.stringify(config));
    assert.deepEqual(await ours.columnNames(), await theirs.columnNames(), JSON.stringify(config));
  }
  const semi = join(dir, 'semi.csv');
  writeFileSync(semi, '1;2\n3;4\n');
  const config = { hasHeader: false, columnNames: ['p', 'q'], delimiter: ';' };
  assert.deepEqual(
    await data.csv(pathToFileURL(semi).href, config).toArray(),
    await tf.data.csv(pathToFileURL(semi).href, config).toArray(),
  );
});

test('fitDataset: the same loss history as tf.data + fitDataset (no regularizers)', async () => {
  const x = randomNormal([24, 4], 0, 1, 1);
  const y = randomNormal([24, 2], 0, 1, 2);
  const ours = sequential({
    layers: [
      new Dense({
        units: 5,
        inputShape: [4],
        activation: 'tanh',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
      }),
      new Dense({
        units: 2,
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 4 } },
      }),
    ],
  });
  const peer = tf.sequential({
    layers: [
      tf.layers.dense({ units: 5, inputShape: [4], activation: 'tanh' }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  peer.setWeights(
    ours.getWeights().map((w) => tf.tensor(w.dataSync() as Float32Array, [...w.shape])),
  );
  ours.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: 0.1 } }, loss: 'mse' });
  peer.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const xs = x.arraySync() as number[][];
  const ys = y.arraySync() as number[][];
  const h1 = await ours.fitDataset(data.zip({ xs: data.array(xs), ys: data.array(ys) }).batch(8), {
    epochs: 3,
    verbose: 0,
    validationData: data.zip({ xs: data.array(xs), ys: data.array(ys) }).batch(12),
  });
  const h2 = await peer.fitDataset(
    tf.data.zip({ xs: tf.data.array(xs), ys: tf.data.array(ys) }).batch(8),
    {
      epochs: 3,
      verbose: 0,
      validationData: tf.data.zip({ xs: tf.data.array(xs), ys: tf.data.array(ys) }).batch(12),
    },
  );
  for (const key of ['loss', 'val_loss']) {
    const a = h1.history[key]!;
    const b = h2.history[key] as number[];
    assert.equal(a.length, 3);
    a.forEach((v, i) =>
      assert.ok(
        Math.abs(v - (b[i] as number)) <= 1e-5 * Math.max(1, Math.abs(b[i] as number)),
        `${key}[${i}]: ${v} vs ${b[i]}`,
      ),
    );
  }
  const e1 = await ours.evaluateDataset(
    data.zip({ xs: data.array(xs), ys: data.array(ys) }).batch(10),
  );
  const e2 = (await peer.evaluateDataset(
    tf.data.zip({ xs: tf.data.array(xs), ys: tf.data.array(ys) }).batch(10) as never,
    {},
  )) as tf.Scalar;
  assert.ok(Math.abs(e1.loss! - (e2.dataSync()[0] as number)) < 1e-5);
});
