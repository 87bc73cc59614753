import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Dense,
  l1,
  l2,
  losses,
  randomNormal,
  randomUniform,
  sequential,
  tensor,
  type Batch,
  type Logs,
  type Tensor,
} from '../../src/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

const xorX = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const xorY = tensor([[0], [1], [1], [0]]);

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
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}

const data = () => ({ x: randomNormal([20, 3], 0, 1, 5), y: randomNormal([20, 1], 0, 1, 6) });

forEachBackend('fit', () => {
  test('learns XOR (Adam, binary cross-entropy, accuracy 1)', async () => {
    const m = sequential({
      layers: [
        new Dense({
          units: 8,
          inputShape: [2],
          activation: 'tanh',
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
        }),
        new Dense({
          units: 1,
          activation: 'sigmoid',
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 4 } },
        }),
      ],
    });
    m.compile({
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.05 } },
      loss: 'binary_crossentropy',
      metrics: ['accuracy'],
    });
    const h = await m.fit(xorX, xorY, { epochs: 300, batchSize: 4, verbose: 0, seed: 1 });
    const last = h.history.loss!.at(-1)!;
    assert.ok(last < 0.05, `final loss ${last}`);
    assert.equal(h.history.accuracy!.at(-1), 1);
    assert.deepEqual(
      Array.from((m.predict(xorX) as Tensor).dataSync(), (v) => Math.round(v)),
      [0, 1, 1, 0],
    );
  });

  test('loss = data loss + regularization_loss, per batch and per epoch, in training and validation', async () => {
    const m = regularizedModel();
    const { x, y } = data();
    const batches: Logs[] = [];
    const epochs: Logs[] = [];
    const h = await m.fit(x, y, {
      epochs: 2,
      batchSize: 6,
      verbose: 0,
      seed: 2,
      validationData: [randomNormal([7, 3], 0, 1, 8), randomNormal([7, 1], 0, 1, 9)],
      callbacks: [
        {
          onBatchEnd: (_b: number, logs?: Logs) => void batches.push({ ...logs }),
          onEpochEnd: (_e: number, logs?: Logs) => void epochs.push({ ...logs }),
        },
      ],
    });
    assert.equal(batches.length, 8, '4 batches of 6, 6, 6, 2 per epoch');
    for (const logs of epochs) {
      // The penalty terms add up to regularization_loss, on training and validation data.
      const trainTerms = logs['penalty/hidden/kernel']! + logs['penalty/hidden/activity']!;
      assert.ok(Math.abs(trainTerms - logs.regularization_loss!) < 1e-6);
      const valTerms = logs['val_penalty/hidden/kernel']! + logs['val_penalty/hidden/activity']!;
      assert.ok(Math.abs(valTerms - logs.val_regularization_loss!) < 1e-6);
      assert.ok(
        logs.val_regularization_loss! > 0 && logs.val_loss! > logs.val_regularization_loss!,
      );
    }
    assert.deepEqual(Object.keys(h.penalties).sort(), ['hidden/activity', 'hidden/kernel']);
    assert.deepEqual(Object.keys(h.valPenalties).sort(), ['hidden/activity', 'hidden/kernel']);
    assert.deepEqual(
      h.history.loss,
      epochs.map((e) => e.loss),
    );
    // val_loss on the final weights: the data loss computed by hand plus the penalties.
    const vx = randomNormal([7, 3], 0, 1, 8);
    const vy = randomNormal([7, 1], 0, 1, 9);
    const evaluated = await m.evaluate(vx, vy, { batchSize: 7 });
    const pred = m.apply(vx) as Tensor;
    const dataLoss = losses.meanSquaredError(vy, pred).mean().dataSync()[0]!;
    const penalties = m.losses.reduce((s, t) => s + t.dataSync()[0]!, 0);
    assert.ok(
      Math.abs(evaluated.loss! - (dataLoss + penalties)) < 1e-5,
      `${evaluated.loss} vs ${dataLoss} + ${penalties}`,
    );
    assert.ok(Math.abs(evaluated.loss! - evaluated.regularization_loss! - dataLoss) < 1e-5);
    assert.ok(
      Math.abs(epochs[1]!.val_loss! - evaluated.loss!) < 1e-5,
      'val_loss of the last epoch = evaluate on the final weights',
    );
  });

  test('a batch: trainOnBatch logs the loss at the weights before the update, and its parts add up', () => {
    const m = regularizedModel(4);
    const { x, y } = data();
    const before = m.computeLoss(x, y, { training: true }).dataSync()[0]!;
    const pred = m.apply(x, { training: true }) as Tensor;
    const dataLoss = losses.meanSquaredError(y, pred).mean().dataSync()[0]!;
    const reg = m.losses.reduce((s, t) => s + t.dataSync()[0]!, 0);
    const logs = m.trainOnBatch(x, y);
    assert.ok(Math.abs(logs.loss! - before) < 1e-6);
    assert.ok(Math.abs(logs.loss! - (dataLoss + reg)) < 1e-6);
    assert.ok(Math.abs(logs.regularization_loss! - reg) < 1e-6);
    assert.ok(m.computeLoss(x, y).dataSync()[0]! < before, 'one SGD step lowers the loss');
  });

  test('the same seed gives the same training run; a different shuffle seed a different one', async () => {
    const run = async (seed: number) => {
      const m = regularizedModel(7);
      const { x, y } = data();
      return (await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, seed })).history.loss;
    };
    assert.deepEqual(await run(11), await run(11));
    assert.notDeepEqual(await run(11), await run(12));
  });

  test('validationSplit holds out the last samples (before shuffling)', async () => {
    const m = regularizedModel(9);
    const { x, y } = data();
    const h = await m.fit(x, y, {
      epochs: 1,
      batchSize: 4,
      verbose: 0,
      validationSplit: 0.25,
      shuffle: false,
    });
    const fresh = regularizedModel(9);
    await fresh.fit(x.slice([0], [15]), y.slice([0], [15]), {
      epochs: 1,
      batchSize: 4,
      verbose: 0,
      shuffle: false,
    });
    const expected = await fresh.evaluate(x.slice([15], [5]), y.slice([15], [5]));
    assert.ok(Math.abs(h.history.val_loss![0]! - expected.loss!) < 1e-6);
  });

  test('sample weights and class weights: sum(w * loss) / N', () => {
    const m = sequential({
      layers: [
        new Dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', useBias: false }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor([[1], [2], [3], [4]]);
    const y = tensor([[1], [1], [2], [2]]);
    // predictions are 0: per-sample losses 1, 1, 4, 4
    assertClose(tensor(m.testOnBatch(x, y).loss!), 2.5);
    assertClose(tensor(m.testOnBatch(x, y, tensor([1, 0, 0, 2])).loss!), 9 / 4);
  });

  test('an async iterable of batches streams data (stepsPerEpoch optional)', async () => {
    const m = regularizedModel(12);
    const { x, y } = data();
    async function* batches(): AsyncGenerator<Batch> {
      for (let i = 0; i < 20; i += 5) yield { xs: x.slice([i], [5]), ys: y.slice([i], [5]) };
    }
    const seen: number[] = [];
    const h = await m.fit(
      { [Symbol.asyncIterator]: batches },
      { epochs: 2, verbose: 0, callbacks: [{ onBatchEnd: (b: number) => void seen.push(b) }] },
    );
    assert.deepEqual(seen, [0, 1, 2, 3, 0, 1, 2, 3]);
    assert.equal(h.history.loss!.length, 2);
    const limited: number[] = [];
    await m.fit(
      { [Symbol.asyncIterator]: batches },
      {
        epochs: 1,
        stepsPerEpoch: 2,
        verbose: 0,
        callbacks: [{ onBatchEnd: (b: number) => void limited.push(b) }],
      },
    );
    assert.deepEqual(limited, [0, 1]);
  });

  test('a custom loop with computeLoss + variableGrads + applyGradients cannot forget the penalties', async () => {
    const { variableGrads } = await import('../../src/index.js');
    const m = regularizedModel(14);
    const { x, y } = data();
    const first = m.computeLoss(x, y).dataSync()[0]!;
    const optimizer = m.compiled!.optimizer;
    for (let i = 0; i < 20; i++) {
      const { grads } = variableGrads(() => m.computeLoss(x, y), m.trainableWeights);
      optimizer.applyGradients(m.trainableWeights.map((w) => [grads[w.name]!, w] as const));
    }
    assert.ok(m.computeLoss(x, y).dataSync()[0]! < first);
    const dataOnly = losses
      .meanSquaredError(y, m.apply(x, { training: true }) as Tensor)
      .mean()
      .dataSync()[0]!;
    assert.ok(m.computeLoss(x, y).dataSync()[0]! > dataOnly, 'computeLoss includes the penalties');
  });

  test('verbose 2 prints one line per epoch; verbose 0 prints nothing', async () => {
    const { ProgressBar } = await import('../../src/index.js');
    const m = regularizedModel(15);
    const { x, y } = data();
    const out: string[] = [];
    await m.fit(x, y, {
      epochs: 2,
      batchSize: 10,
      verbose: 0,
      callbacks: [new ProgressBar({ verbose: 2, write: (s) => void out.push(s), isTTY: false })],
    });
    assert.equal(out.length, 2);
    assert.match(
      out[0]!,
      /^Epoch 1\/2\n2\/2 - \d+s - \d+(ms|us)\/step - loss: \d\.\d{4} - regularization_loss: \d\.\d{4}\n$/,
    );
    assert.ok(!out[0]!.includes('penalty/'), 'the per-layer breakdown stays out of the bar');
  });
});

forEachBackend('fit: bad input is refused before training', () => {
  test('errors name the argument, the expected and the received value', async () => {
    const m = regularizedModel(20);
    const { x, y } = data();
    await assert.rejects(
      m.fit(x, y.slice([0], [19]), { verbose: 0 }),
      /all arrays must have the same number of samples: x has 20, y has 19/,
    );
    await assert.rejects(
      m.fit(x, y, { batchSize: 0, verbose: 0 }),
      /batchSize must be a positive integer, received 0/,
    );
    await assert.rejects(
      m.fit(x.slice([0], [0]), y.slice([0], [0]), { verbose: 0 }),
      /the data is empty \(0 samples\)/,
    );
    await assert.rejects(
      m.fit(tensor([[NaN, 1, 2]]), tensor([[1]]), { verbose: 0 }),
      /x holds NaN at flat index 0/,
    );
    await assert.rejects(
      m.fit(x, y, { epochs: 0, verbose: 0 }),
      /epochs must be a positive integer, received 0/,
    );
    await assert.rejects(
      m.fit(x, randomUniform([20, 2], 0, 1, 1), { verbose: 0 }),
      /mean_squared_error/,
    );
    const uncompiled = sequential({ layers: [new Dense({ units: 1, inputShape: [3] })] });
    await assert.rejects(uncompiled.fit(x, y, { verbose: 0 }), /the model must be compiled first/);
    assert.throws(
      () => m.compile({ optimizer: 'adamm', loss: 'mse' }),
      /unknown optimizer 'adamm'/,
    );
    assert.throws(() => m.compile({ optimizer: 'sgd', loss: 'mse2' }), /unknown loss 'mse2'/);
    assert.throws(
      () => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] }),
      /unknown metric 'acuracy'/,
    );
  });
});

forEachBackend('fit: several inputs and outputs', () => {
  test('losses and weights per output; logs per output; total = weighted sum + penalties', async () => {
    const { input, model } = await import('../../src/index.js');
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = new Dense({
      units: 4,
      activation: 'tanh',
      kernelRegularizer: l2(0.01),
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
      name: 'shared',
    });
    const ha = new Dense({
      units: 3,
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 2 } },
      name: 'pa',
    }).apply(a);
    const hb = new Dense({
      units: 3,
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
      name: 'pb',
    }).apply(b);
    const outA = new Dense({
      units: 1,
      name: 'reg_out',
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 4 } },
    }).apply(shared.apply(ha));
    const outB = new Dense({
      units: 2,
      activation: 'softmax',
      name: 'cls_out',
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 5 } },
    }).apply(shared.apply(hb));
    const m = model({ inputs: [a, b], outputs: [outA, outB] });
    m.compile({
      optimizer: 'adam',
      loss: { reg_out: 'mse', cls_out: 'sparse_categorical_crossentropy' },
      lossWeights: { reg_out: 0.5, cls_out: 2 },
      metrics: { reg_out: ['mae'], cls_out: ['accuracy'] },
    });
    const xa = randomNormal([12, 2], 0, 1, 1);
    const xb = randomNormal([12, 3], 0, 1, 2);
    const ya = randomNormal([12, 1], 0, 1, 3);
    const yb = tensor(
      Int32Array.from({ length: 12 }, (_, i) => i % 2),
      [12],
      'int32',
    );
    const logs = await m.evaluate(
      { a: xa, b: xb },
      { reg_out: ya, cls_out: yb },
      { batchSize: 12 },
    );
    assert.deepEqual(
      Object.keys(logs)
        .filter((k) => !k.includes('/'))
        .sort(),
      [
        'cls_out_accuracy',
        'cls_out_loss',
        'loss',
        'reg_out_loss',
        'reg_out_mae',
        'regularization_loss',
      ],
    );
    const expected = 0.5 * logs.reg_out_loss! + 2 * logs.cls_out_loss! + logs.regularization_loss!;
    assert.ok(Math.abs(logs.loss! - expected) < 1e-5);
    const h = await m.fit([xa, xb], [ya, yb], { epochs: 3, batchSize: 4, verbose: 0, seed: 1 });
    assert.equal(h.history.cls_out_accuracy!.length, 3);
    assert.ok(h.history.loss![2]! < h.history.loss![0]!);
  });
});
