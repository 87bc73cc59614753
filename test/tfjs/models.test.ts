/**
 * TensorFlow.js's model API through `lamina-nn/tfjs`, checked against `@tensorflow/tfjs` on the
 * same weights and data, and against worked values where the two differ by design (penalties in
 * `evaluate`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as real from '@tensorflow/tfjs';
import * as tf from '../../src/tfjs/index.js';

const X = [
  [0.5, -1.2, 0.3],
  [1.5, 0.2, -0.7],
  [-0.3, 0.8, 1.1],
  [0.9, -0.4, -1.6],
  [-1.1, 1.3, 0.4],
  [0.2, 0.6, -0.2],
];
const Y = [
  [1, 0],
  [0, 1],
  [1, 0],
  [0, 1],
  [1, 0],
  [0, 1],
];

function copyWeights(from: real.LayersModel, to: tf.LayersModel): void {
  to.setWeights(from.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape)));
}

function pair(): { theirs: real.Sequential; ours: tf.Sequential } {
  const theirs = real.sequential({
    layers: [
      real.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }),
      real.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const ours = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  copyWeights(theirs, ours);
  return { theirs, ours };
}

describe('lamina-nn/tfjs models against TensorFlow.js', () => {
  test('fit: the same loss and acc per epoch, logged under the same keys', async () => {
    const { theirs, ours } = pair();
    for (const m of [theirs, ours] as const)
      (m as real.LayersModel).compile({
        optimizer: m === theirs ? real.train.sgd(0.3) : (tf.train.sgd(0.3) as never),
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy'],
      });
    const seen: number[] = [];
    const args = { epochs: 4, batchSize: 3, shuffle: false, validationSplit: 1 / 3 };
    const h1 = await theirs.fit(real.tensor(X), real.tensor(Y), args);
    const h2 = await ours.fit(tf.tensor(X), tf.tensor(Y), {
      ...args,
      callbacks: { onEpochEnd: (epoch: number) => void seen.push(epoch) },
    });
    assert.deepEqual(seen, [0, 1, 2, 3], 'one callbacks object works');
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) {
      const a = h1.history[key] as number[];
      const b = h2.history[key] as number[];
      assert.equal(b.length, 4, key);
      b.forEach((v, i) =>
        assert.ok(Math.abs(v - (a[i] as number)) < 1e-5, `${key}[${i}]: ${v} vs ${a[i]}`),
      );
    }
  });

  test('evaluate returns scalars at once; trainOnBatch a promise of numbers', async () => {
    const { theirs, ours } = pair();
    theirs.compile({
      optimizer: real.train.sgd(0.1),
      loss: 'categoricalCrossentropy',
      metrics: ['acc'],
    });
    ours.compile({
      optimizer: tf.train.sgd(0.1),
      loss: 'categoricalCrossentropy',
      metrics: ['acc'],
    });
    const e1 = theirs.evaluate(real.tensor(X), real.tensor(Y)) as real.Scalar[];
    const e2 = ours.evaluate(tf.tensor(X), tf.tensor(Y)) as tf.Tensor[];
    assert.ok(Array.isArray(e2));
    assert.deepEqual(ours.metricsNames, theirs.metricsNames);
    e2.forEach((t, i) =>
      assert.ok(Math.abs((t.arraySync() as number) - (e1[i]!.arraySync() as number)) < 1e-6),
    );
    const t1 = (await theirs.trainOnBatch(real.tensor(X), real.tensor(Y))) as number[];
    const t2 = (await ours.trainOnBatch(tf.tensor(X), tf.tensor(Y))) as number[];
    t2.forEach((v, i) => assert.ok(Math.abs(v - (t1[i] as number)) < 1e-6));
    ours.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const alone = ours.evaluate(tf.tensor(X), tf.tensor(Y));
    assert.ok(!Array.isArray(alone) && alone.rank === 0, 'a loss alone is one scalar');
  });

  test('penalties count in evaluate (Keras semantics): data loss + 0.5 * sum(w^2)', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 1,
          inputShape: [2],
          useBias: false,
          kernelRegularizer: tf.regularizers.l2({ l2: 0.5 }),
        }),
      ],
    });
    m.setWeights([tf.tensor([[1], [2]])]);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    // Predictions [1*1 + 2*1] = 3 against 0: mse 9; penalty 0.5 * (1 + 4) = 2.5.
    const loss = m.evaluate(tf.tensor([[1, 1]]), tf.tensor([[0]])) as tf.Tensor;
    assert.equal(loss.arraySync(), 11.5);
  });

  test('TimeDistributed matches TensorFlow.js on the same weights', () => {
    const x = [
      [
        [1, 2],
        [3, -1],
        [0.5, 0],
      ],
      [
        [-2, 1],
        [0, 0.25],
        [1, 1],
      ],
    ];
    const theirs = real.sequential({
      layers: [
        real.layers.timeDistributed({ layer: real.layers.dense({ units: 3 }), inputShape: [3, 2] }),
      ],
    });
    const ours = tf.sequential({
      layers: [
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }), inputShape: [3, 2] }),
      ],
    });
    copyWeights(theirs, ours);
    const a = (ours.predict(tf.tensor(x)) as tf.Tensor).dataSync();
    const b = (theirs.predict(real.tensor(x)) as real.Tensor).dataSync();
    assert.deepEqual([...(ours.predict(tf.tensor(x)) as tf.Tensor).shape], [2, 3, 3]);
    a.forEach((v, i) => assert.ok(Math.abs(v - (b[i] as number)) < 1e-6));
    const back = tf.models.modelFromJSON(ours.toJSON() as string);
    return back.then((m) => assert.equal(m.layers[0]!.getClassName(), 'TimeDistributed'));
  });

  test('an Embedding-first sequential takes int32 ids', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const ids = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 5, 9],
      ],
      [2, 3],
      'int32',
    );
    const h = await m.fit(ids, tf.tensor([[1], [0]]), { epochs: 2 });
    assert.equal(h.history.loss!.length, 2);
    assert.deepEqual([...(m.predict(ids) as tf.Tensor).shape], [2, 1]);
    // Ids as floats (tensor2d's default) are converted when they hold integers, else refused.
    const floats = m.predict(
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 9],
      ]),
    ) as tf.Tensor;
    assert.deepEqual(floats.arraySync(), (m.predict(ids) as tf.Tensor).arraySync());
    assert.throws(
      () => m.predict(tf.tensor2d([[1, 2.5, 3]])),
      /expected int32 values, received float32 holding 2.5 at flat index 1/,
    );
  });
});

describe('lamina-nn/tfjs defaults and factories', () => {
  test('TensorFlow.js defaults: glorotNormal kernels, l1l2 at 0.01, adamax at 0.002', () => {
    const dense = tf.layers.dense({ units: 2, inputShape: [2] });
    assert.equal(
      (dense.getConfig().kernel_initializer as { class_name: string }).class_name,
      'GlorotNormal',
    );
    const lstm = tf.layers.lstm({ units: 2 });
    assert.equal(
      (lstm.getConfig().kernel_initializer as { class_name: string }).class_name,
      'GlorotNormal',
    );
    const given = tf.layers.dense({ units: 2, kernelInitializer: 'zeros' });
    assert.equal(
      (given.getConfig().kernel_initializer as { class_name: string }).class_name,
      'Zeros',
    );
    const r = tf.regularizers.l1l2();
    assert.deepEqual([r.l1, r.l2], [0.01, 0.01]);
    assert.equal(tf.train.adamax().learningRate, 0.002);
    assert.equal(tf.layers.globalMaxPool1d({}).className, 'GlobalMaxPooling1D');
  });

  test('minimize(f, returnCost, varList) and applyGradients({ name: grad })', () => {
    const w = tf.variable(tf.scalar(3), true, 'tfjs_test_w');
    const opt = tf.train.sgd(0.1);
    assert.equal(
      opt.minimize(() => w.square()),
      null,
    );
    // w: 3 - 0.1 * 6 = 2.4
    assert.ok(Math.abs((w.arraySync() as number) - 2.4) < 1e-6);
    const cost = opt.minimize(() => w.square(), true, [w]);
    assert.ok(Math.abs((cost!.arraySync() as number) - 5.76) < 1e-5);
    const { grads } = tf.variableGrads(() => w.square());
    opt.applyGradients(grads);
    // 2.4 -> 1.92 -> 1.536
    assert.ok(Math.abs((w.arraySync() as number) - 1.536) < 1e-5);
    assert.throws(
      () => opt.applyGradients({ no_such_variable_here: tf.scalar(1) }),
      /no live variable is named 'no_such_variable_here'/,
    );
  });

  test('models answer instanceof as in TensorFlow.js', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    assert.ok(m instanceof tf.LayersModel);
    assert.ok(m instanceof tf.Sequential);
    const inp = tf.input({ shape: [2] });
    const f = tf.model({
      inputs: inp,
      outputs: tf.layers.dense({ units: 1 }).apply(inp) as tf.SymbolicTensor,
    });
    assert.ok(f instanceof tf.LayersModel);
    assert.ok(!(f instanceof tf.Sequential));
  });
});

describe('custom layers written for TensorFlow.js', () => {
  class Scale extends tf.layers.Layer {
    static override className = 'TfjsTestScale';
    private factor = 0;
    scale: tf.Variable | null = null;
    constructor(config: { factor?: number; name?: string } = {}) {
      super(config);
      this.factor = config.factor ?? 2;
    }
    override build(inputShape: (number | null)[]): void {
      this.scale = this.addWeight(
        'scale',
        [inputShape[inputShape.length - 1] as number],
        'float32',
        tf.initializers.ones(),
        tf.regularizers.l2({ l2: 0.1 }),
      );
    }
    override computeOutputShape(inputShape: (number | null)[]): (number | null)[] {
      return inputShape;
    }
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      this.invokeCallHook(inputs);
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.tidy(() => x.mul(this.scale!.read()).mul(this.factor));
    }
    override getConfig() {
      return { ...super.getConfig(), factor: this.factor };
    }
  }
  tf.serialization.registerClass(Scale);

  test('positional addWeight, call, losses and a config round trip', async () => {
    const m = tf.sequential({ layers: [new Scale({ factor: 3, inputShape: [2] } as never)] });
    const y = m.predict(tf.tensor([[1, 2]])) as tf.Tensor;
    assert.deepEqual(y.arraySync(), [[3, 6]]);
    assert.equal(m.layers[0]!.getClassName(), 'TfjsTestScale');
    // l2(0.1) on ones([2]): 0.2
    assert.ok(Math.abs((m.losses[0]!.arraySync() as number) - 0.2) < 1e-7);
    const back = await tf.models.modelFromJSON(m.toJSON() as string);
    const again = back.predict(tf.tensor([[1, 2]])) as tf.Tensor;
    assert.deepEqual(again.arraySync(), [[3, 6]]);
  });
});
