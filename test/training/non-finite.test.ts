import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Dense,
  LaminaError,
  TerminateOnNaN,
  data,
  input,
  model,
  sequential,
  tensor,
  type Tensor,
} from '../../src/index.js';

function tiny() {
  const m = sequential({
    layers: [
      new Dense({
        units: 1,
        inputShape: [2],
        kernelInitializer: { class_name: 'Ones', config: {} },
        name: 'out',
      }),
    ],
  });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}

const x = tensor([
  [1, 2],
  [3, 4],
  [5, 6],
]);
const y = tensor([[1], [0], [1]]);

/** Asserts a LaminaError of code 'non-finite' whose message matches `pattern`. */
function nonFinite(pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof LaminaError, `expected a LaminaError, got ${String(e)}`);
    assert.equal(e.code, 'non-finite');
    assert.match(e.message, pattern);
    return true;
  };
}

test('fit refuses Infinity in x and y, naming the tensor, the first flat index and the value', async () => {
  const m = tiny();
  const before = m.getWeights().map((w) => [...w.dataSync()]);
  await assert.rejects(
    m.fit(
      tensor([
        [1, 2],
        [3, Infinity],
        [-Infinity, 6],
      ]),
      y,
      { verbose: 0 },
    ),
    nonFinite(/fit \(sequential\w*\): x holds Infinity at flat index 3 \(shape \[3, 2\]\)/),
  );
  await assert.rejects(
    m.fit(x, tensor([[1], [-Infinity], [NaN]]), { verbose: 0 }),
    nonFinite(/y holds -Infinity at flat index 1/),
  );
  // Nothing was trained.
  assert.deepEqual(
    m.getWeights().map((w) => [...w.dataSync()]),
    before,
  );
});

test('fit refuses NaN sample weights and NaN or Infinity class weights', async () => {
  const m = tiny();
  await assert.rejects(
    m.fit(x, y, { verbose: 0, sampleWeight: tensor([1, NaN, 1]) }),
    nonFinite(/sampleWeight holds NaN at flat index 1/),
  );
  await assert.rejects(
    m.fit(x, y, { verbose: 0, classWeight: { 0: 1, 1: NaN } }),
    nonFinite(/classWeight\[1\] must be a finite number, received NaN/),
  );
  await assert.rejects(
    m.fit(x, y, { verbose: 0, classWeight: { 0: Infinity, 1: 1 } }),
    nonFinite(/classWeight\[0\] must be a finite number, received Infinity/),
  );
  await assert.rejects(
    m.fit(x, y, { verbose: 0, classWeight: { 0: '2' as unknown as number, 1: 1 } }),
    /classWeight\[0\] must be a number, received string "2"/,
  );
  await assert.rejects(
    m.fit(x, y, { verbose: 0, classWeight: null as unknown as Record<number, number> }),
    /classWeight must be an object.*received null/,
  );
});

test('evaluate, trainOnBatch and validationData refuse non-finite values', async () => {
  const m = tiny();
  const bad = tensor([
    [1, 2],
    [3, 4],
    [5, NaN],
  ]);
  assert.throws(
    () => m.trainOnBatch(bad, y),
    nonFinite(/trainOnBatch \(\w+\): x holds NaN at flat index 5/),
  );
  await assert.rejects(
    m.evaluate(x, tensor([[1], [Infinity], [0]])),
    nonFinite(/evaluate \(\w+\): y holds Infinity at flat index 1/),
  );
  await assert.rejects(
    m.fit(x, y, { verbose: 0, validationData: [bad, y] }),
    nonFinite(/validationData: x holds NaN at flat index 5/),
  );
});

test('a multi-input model names the input holding the bad value', async () => {
  const a = input({ shape: [1], name: 'age' });
  const b = input({ shape: [1], name: 'income' });
  const m = model({
    inputs: [a, b],
    outputs: new Dense({ units: 1 }).apply(new Dense({ units: 1 }).apply(a) as never) as never,
  });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  await assert.rejects(
    m.fit({ age: tensor([[1], [2]]), income: tensor([[3], [Infinity]]) }, tensor([[1], [2]]), {
      verbose: 0,
    }),
    nonFinite(/x\['income'\] holds Infinity at flat index 1/),
  );
});

test('fitDataset refuses a batch with NaN, naming the batch', async () => {
  const m = tiny();
  const rows = [
    [1, 2],
    [3, 4],
    [NaN, 6],
    [7, 8],
  ];
  const ds = data
    .zip({ xs: data.array(rows), ys: data.array([[1], [0], [1], [0]]) })
    .batch(2) as unknown as Parameters<typeof m.fitDataset>[0];
  await assert.rejects(
    m.fitDataset(ds, { epochs: 1, verbose: 0 }),
    nonFinite(/batch 1: x holds NaN at flat index 0/),
  );
});

test('NaN produced by training itself is still left to TerminateOnNaN', async () => {
  const m = sequential({
    layers: [
      new Dense({
        units: 1,
        inputShape: [1],
        kernelInitializer: { class_name: 'Ones', config: {} },
      }),
    ],
  });
  // A learning rate this large diverges to Infinity, then NaN, from finite data.
  m.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: 1e30 } }, loss: 'mse' });
  const stop = new TerminateOnNaN();
  const big = tensor([[1e10], [2e10]]);
  await m.fit(big, tensor([[0], [1]]) as Tensor, {
    epochs: 5,
    batchSize: 1,
    verbose: 0,
    shuffle: false,
    callbacks: [stop],
  });
  assert.notEqual(stop.terminatedAtBatch, null);
});
