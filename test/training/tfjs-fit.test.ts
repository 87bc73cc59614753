/**
 * Differential test against TensorFlow.js where it follows Keras: one epoch of fit on a model
 * with kernel regularizers only (TensorFlow.js cannot run activity regularizers), same initial
 * weights, same batches (no shuffle). Losses and final weights agree to 1e-4 relative.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Dense, l2, randomNormal, sequential, type Tensor } from '../../src/index.js';

before(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

function closeArrays(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    assert.ok(
      Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y)),
      `${what}[${i}]: lamina ${x} vs tfjs ${y}`,
    );
  }
}

async function compare(optimizer: 'sgd' | 'adam'): Promise<void> {
  const x = randomNormal([32, 5], 0, 1, 1);
  const y = randomNormal([32, 2], 0, 1, 2);
  const ours = sequential({
    layers: [
      new Dense({
        units: 6,
        inputShape: [5],
        activation: 'tanh',
        kernelRegularizer: l2(0.01),
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
      }),
      new Dense({
        units: 2,
        kernelRegularizer: l2(0.02),
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 4 } },
      }),
    ],
  });
  const peer = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 6,
        inputShape: [5],
        activation: 'tanh',
        kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
      }),
      tf.layers.dense({ units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 0.02 }) }),
    ],
  });
  peer.setWeights(
    ours.getWeights().map((w) => tf.tensor(w.dataSync() as Float32Array, [...w.shape])),
  );
  const lr = optimizer === 'sgd' ? 0.1 : 0.01;
  ours.compile({
    optimizer: { class_name: optimizer === 'sgd' ? 'SGD' : 'Adam', config: { learning_rate: lr } },
    loss: 'mse',
  });
  peer.compile({
    optimizer: optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr, 0.9, 0.999, 1e-7),
    loss: 'meanSquaredError',
  });
  const h1 = await ours.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
  const h2 = await peer.fit(
    tf.tensor(x.dataSync() as Float32Array, [32, 5]),
    tf.tensor(y.dataSync() as Float32Array, [32, 2]),
    {
      epochs: 2,
      batchSize: 8,
      shuffle: false,
      verbose: 0,
    },
  );
  closeArrays(h1.history.loss!, h2.history.loss as number[], `${optimizer} epoch loss`);
  const ourWeights = ours.getWeights();
  peer
    .getWeights()
    .forEach((w, i) =>
      closeArrays((ourWeights[i] as Tensor).dataSync(), w.dataSync(), `${optimizer} weight ${i}`),
    );
}

describe('fit agrees with TensorFlow.js (kernel regularizers only)', () => {
  test('SGD', async () => compare('sgd'));
  test('Adam', async () => compare('adam'));
});
