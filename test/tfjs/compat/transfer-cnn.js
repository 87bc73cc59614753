// The mnist-transfer-cnn example's shape: a trained convnet, a truncated model up to a named
// layer (tf.model over model.inputs and getLayer(...).output), its layers frozen, a new head
// stacked on it in a sequential, compiled and trained: only the head learns.
import { lcg } from './data.js';

export async function run(tf) {
  const rand = lcg(71);
  const n = 24;
  const images = Array.from({ length: n * 8 * 8 }, () => rand());
  const xs = tf.tensor4d(images, [n, 8, 8, 1]);
  const ys = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: n }, (_, i) => i % 3),
        'int32',
      ),
      3,
    )
    .toFloat();

  const base = tf.sequential();
  base.add(
    tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
  );
  base.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  base.add(tf.layers.flatten({ name: 'features' }));
  base.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  base.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const first = await base.fit(xs, ys, { epochs: 2, batchSize: 8 });

  const truncated = tf.model({ inputs: base.inputs, outputs: base.getLayer('features').output });
  for (const layer of truncated.layers) layer.trainable = false;
  const transfer = tf.sequential();
  transfer.add(truncated);
  transfer.add(tf.layers.dense({ units: 5, activation: 'relu' }));
  transfer.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  transfer.compile({
    optimizer: tf.train.sgd(0.1),
    loss: 'categoricalCrossentropy',
    metrics: ['acc'],
  });
  const frozen = truncated.getWeights()[0].dataSync().slice();
  const second = await transfer.fit(xs, ys, { epochs: 3, batchSize: 8 });
  return {
    losses: [...first.history.loss, ...second.history.loss],
    trainable: transfer.trainableWeights.length,
    frozenUnchanged: truncated
      .getWeights()[0]
      .dataSync()
      .every((v, i) => v === frozen[i]),
    shapes: [truncated.outputs[0].shape, transfer.predict(xs).shape],
  };
}
