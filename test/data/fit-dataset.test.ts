import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Concatenate,
  Dense,
  data,
  input,
  l1,
  l2,
  model as functionalModel,
  randomNormal,
  sequential,
  tensor,
  type Batch,
  type Tensor,
} from '../../src/index.js';

function regularizedModel(seed = 1) {
  const m = sequential({
    layers: [
      new Dense({
        units: 4,
        inputShape: [3],
        activation: 'tanh',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed } },
        kernelRegularizer: l2(0.01),
        activityRegularizer: l1(0.01),
        name: 'hidden',
      }),
      new Dense({
        units: 1,
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: seed + 1 } },
        name: 'out',
      }),
    ],
  });
  m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
  return m;
}

const x = randomNormal([20, 3], 0, 1, 5);
const y = randomNormal([20, 1], 0, 1, 6);
const xv = randomNormal([7, 3], 0, 1, 7);
const yv = randomNormal([7, 1], 0, 1, 8);

/** The rows of (x, y) as a dataset of { xs, ys } batches, built from plain number arrays. */
function rows(xt: Tensor, yt: Tensor, batchSize: number) {
  return data
    .zip({
      xs: data.array(xt.arraySync() as number[][]),
      ys: data.array(yt.arraySync() as number[][]),
    })
    .batch(batchSize);
}

test('fitDataset gives exactly the loss history of fit on the same batches, penalties included', async () => {
  const a = regularizedModel(3);
  const b = regularizedModel(3);
  const viaFit = await a.fit(x, y, { epochs: 3, batchSize: 5, shuffle: false, verbose: 0 });
  const viaDataset = await b.fitDataset(rows(x, y, 5), { epochs: 3, verbose: 0 });
  assert.deepEqual(viaDataset.history, viaFit.history);
  assert.deepEqual(viaDataset.penalties, viaFit.penalties);
  const viaFitOnDataset = await regularizedModel(3).fit(rows(x, y, 5), { epochs: 3, verbose: 0 });
  assert.deepEqual(viaFitOnDataset.history, viaFit.history, 'fit takes the dataset too');
  assert.deepEqual(Object.keys(viaDataset.history).sort(), ['loss', 'mae', 'regularization_loss']);
  assert.ok(viaDataset.history.regularization_loss!.every((v) => v > 0));
  assert.deepEqual(
    b.getWeights().map((w) => Array.from(w.dataSync())),
    a.getWeights().map((w) => Array.from(w.dataSync())),
  );
});

test('validation on a dataset or on arrays: val_loss includes the penalties, as evaluate does', async () => {
  const a = regularizedModel(4);
  const h = await a.fitDataset(rows(x, y, 5), {
    epochs: 2,
    verbose: 0,
    validationData: rows(xv, yv, 4),
  });
  const expected = await a.evaluate(xv, yv, { batchSize: 4 });
  assert.equal(h.history.val_loss!.length, 2);
  assert.equal(h.history.val_loss![1], expected.loss);
  assert.equal(h.history.val_regularization_loss![1], expected.regularization_loss);
  assert.equal(h.history.val_mae![1], expected.mae);
  assert.ok(expected.regularization_loss! > 0);
  assert.deepEqual(Object.keys(h.valPenalties).sort(), ['hidden/activity', 'hidden/kernel']);

  const b = regularizedModel(4);
  const withArrays = await b.fitDataset(rows(x, y, 5), {
    epochs: 2,
    verbose: 0,
    validationData: [xv, yv],
    validationBatchSize: 4,
  });
  assert.deepEqual(withArrays.history, h.history);
});

test('validationBatches and evaluateDataset batches limit what is read', async () => {
  const m = regularizedModel(5);
  const first = await m.evaluate(xv.slice([0], [4]), yv.slice([0], [4]));
  const limited = await m.evaluateDataset(rows(xv, yv, 4), { batches: 1 });
  assert.deepEqual(limited, first);
  const all = await m.evaluateDataset(rows(xv, yv, 4));
  assert.deepEqual(all, await m.evaluate(xv, yv, { batchSize: 4 }));
  assert.ok(all.regularization_loss! > 0);
  const h = await m.fitDataset(rows(x, y, 5), {
    epochs: 1,
    verbose: 0,
    validationData: rows(xv, yv, 4),
    validationBatches: 1,
  });
  assert.equal(
    h.history.val_loss![0],
    (await m.evaluate(xv.slice([0], [4]), yv.slice([0], [4]))).loss,
  );
});

test('fit takes a Dataset or a restartable async iterable as validationData (was: object is not iterable)', async () => {
  const a = regularizedModel(6);
  const b = regularizedModel(6);
  const c = regularizedModel(6);
  const arrays = await a.fit(x, y, {
    epochs: 2,
    batchSize: 5,
    shuffle: false,
    verbose: 0,
    validationData: [xv, yv],
    validationBatchSize: 7,
  });
  const viaDataset = await b.fit(x, y, {
    epochs: 2,
    batchSize: 5,
    shuffle: false,
    verbose: 0,
    validationData: rows(xv, yv, 7),
  });
  const iterable = {
    async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
      yield { xs: xv, ys: yv };
    },
  };
  const viaIterable = await c.fit(x, y, {
    epochs: 2,
    batchSize: 5,
    shuffle: false,
    verbose: 0,
    validationData: iterable,
  });
  assert.deepEqual(viaDataset.history, arrays.history);
  assert.deepEqual(viaIterable.history, arrays.history);
  async function* once(): AsyncGenerator<Batch> {
    yield { xs: xv, ys: yv };
  }
  await assert.rejects(
    regularizedModel(6).fit(x, y, { epochs: 2, verbose: 0, validationData: once() }),
    /validationData: the data source yielded no batches \(an async generator object can be read only once/,
  );
});

test('batchesPerEpoch continues the iterator across epochs; running out stops with a warning', async () => {
  const seen: number[] = [];
  const firstRows = (b: Tensor) => (b.arraySync() as number[][]).map((r) => r[0] as number);
  const ds = data
    .zip({
      xs: data.array([[0], [1], [2], [3], [4], [5]]),
      ys: data.array([[0], [1], [0], [1], [0], [1]]),
    })
    .batch(2);
  const m = sequential({ layers: [new Dense({ units: 1, inputShape: [1] })] });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const spy = ds.map((batch) => {
    seen.push(...firstRows(batch.xs));
    return batch;
  });
  const h = await m.fitDataset(spy.repeat(), { epochs: 3, batchesPerEpoch: 2, verbose: 0 });
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
  assert.equal(h.history.loss!.length, 3);

  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warnings.push(message);
  try {
    const short = await m.fitDataset(ds, { epochs: 3, batchesPerEpoch: 2, verbose: 0 });
    assert.equal(short.history.loss!.length, 2);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /fitDataset \(sequential_\d+\): the data source ran out after 1 batches of epoch 2; stopping training/,
  );
});

test('elements as [xs, ys] and xs as a record keyed by input name (two inputs)', async () => {
  const a = input({ shape: [2], name: 'left' });
  const b = input({ shape: [1], name: 'right' });
  const out = new Dense({ units: 1, kernelInitializer: 'ones', name: 'sum' }).apply(
    new Concatenate().apply([a, b]),
  );
  const m = functionalModel({ inputs: [a, b], outputs: out as never });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const ds = data.array([
    [{ left: tensor([[1, 2]]), right: tensor([[3]]) }, tensor([[6]])],
    [{ left: tensor([[0, 0]]), right: tensor([[1]]) }, tensor([[1]])],
  ]);
  const logs = await m.evaluateDataset(ds);
  assert.equal(logs.loss, 0, 'a kernel of ones sums the inputs exactly');
  const h = await m.fitDataset(ds, { epochs: 1, verbose: 0 });
  assert.deepEqual(h.history.loss, [0]);
});

test('classWeight is applied as fit applies it', async () => {
  const cls = tensor([[1], [0], [1], [0], [1], [0]]);
  const feats = randomNormal([6, 3], 0, 1, 9);
  const mk = () => {
    const m = sequential({
      layers: [
        new Dense({
          units: 1,
          inputShape: [3],
          activation: 'sigmoid',
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 2 } },
        }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    return m;
  };
  const viaFit = await mk().fit(feats, cls, {
    epochs: 2,
    batchSize: 3,
    shuffle: false,
    verbose: 0,
    classWeight: { 0: 1, 1: 5 },
  });
  const viaDataset = await mk().fitDataset(rows(feats, cls, 3), {
    epochs: 2,
    verbose: 0,
    classWeight: { 0: 1, 1: 5 },
  });
  assert.deepEqual(viaDataset.history, viaFit.history);
});

test('wrong element formats, mismatched batch sizes and bad options are refused clearly', async () => {
  const m = regularizedModel(7);
  await assert.rejects(
    m.fitDataset(data.array([1, 2, 3]), { epochs: 1, verbose: 0 }),
    /fitDataset \(sequential_\d+\): batch 0: each element must be a batch \{ xs, ys \} or \[xs, ys\] .*batch the dataset first with .batch\(n\)\); received number/,
  );
  await assert.rejects(
    m.fitDataset(data.array([{ xs: x }]), { epochs: 1, verbose: 0 }),
    /received an object with keys xs/,
  );
  await assert.rejects(
    m.fitDataset(data.array([{ xs: x.slice([0], [4]), ys: y.slice([0], [3]) }]), {
      epochs: 1,
      verbose: 0,
    }),
    /fitDataset \(sequential_\d+\): batch 0: all arrays must have the same number of samples: x has 4, y has 3/,
  );
  await assert.rejects(
    m.fitDataset(data.array([{ xs: { nope: x }, ys: y }]), { epochs: 1, verbose: 0 }),
    /x has unknown keys nope; expected/,
  );
  await assert.rejects(
    m.fitDataset([x, y] as never, { epochs: 1 }),
    /fitDataset \(sequential_\d+\): expected a Dataset \(from data.array, data.csv, ...\) or an async iterable of batches, received object/,
  );
  await assert.rejects(
    m.fitDataset(rows(x, y, 5), { epochs: 1, validationSplit: 0.2 } as never),
    /validationSplit is not supported with a dataset/,
  );
  await assert.rejects(
    m.fitDataset(rows(x, y, 5), { epochs: 0 }),
    /fitDataset \(sequential_\d+\): epochs must be a positive integer, received 0/,
  );
  await assert.rejects(
    m.fitDataset(rows(x, y, 5), { batchesPerEpoch: 1.5 }),
    /fitDataset \(sequential_\d+\): batchesPerEpoch must be a positive integer, received 1.5/,
  );
  await assert.rejects(
    m.evaluateDataset(rows(x, y, 5), { batches: 0 }),
    /evaluateDataset \(sequential_\d+\): batches must be a positive integer, received 0/,
  );
  await assert.rejects(
    m.fitDataset(rows(x, y, 5), { validationData: [xv, yv], validationBatches: 2 }),
    /validationBatches applies only to a validation dataset/,
  );
});

test('a source read only partly is closed when fitDataset ends or fails', async () => {
  let opened = 0;
  let closed = 0;
  const endless = (badAt: number) =>
    data.generator(function* () {
      opened++;
      try {
        for (let i = 0; ; i++) {
          const width = i === badAt ? 2 : 3;
          yield { xs: randomNormal([4, width], 0, 1, i), ys: randomNormal([4, 1], 0, 1, i) };
        }
      } finally {
        closed++;
      }
    });
  const m = regularizedModel(8);
  await m.fitDataset(endless(-1), { epochs: 2, batchesPerEpoch: 3, verbose: 0 });
  assert.deepEqual([opened, closed], [1, 1]);
  await assert.rejects(
    m.fitDataset(endless(1), { epochs: 1, verbose: 0 }),
    /expected shape \(None, 3\), received \[4,2\]/,
  );
  assert.deepEqual([opened, closed], [2, 2]);
});
