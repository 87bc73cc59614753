// The MNIST convnet example's shape: conv2d, maxPooling2d, flatten, dense softmax, RMSprop,
// batch callbacks, on small synthetic 12x12 images.
import { lcg } from './data.js';

export async function run(tf) {
  const rand = lcg(3);
  const n = 48;
  const images = new Float32Array(n * 12 * 12);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 4;
    for (let p = 0; p < 144; p++) {
      const row = Math.floor(p / 12);
      images[i * 144 + p] = (Math.floor(row / 3) === labels[i] ? 0.8 : 0) + rand() * 0.2;
    }
  }
  const xs = tf.tensor4d(images, [n, 12, 12, 1]);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat();

  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ inputShape: [12, 12, 1], kernelSize: 3, filters: 8, activation: 'relu' }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ kernelSize: 3, filters: 8, activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const batchLosses = [];
  let trained = false;
  await model.fit(xs, ys, {
    batchSize: 16,
    epochs: 4,
    validationSplit: 0.25,
    callbacks: {
      onBatchEnd: async (batch, logs) => {
        batchLosses.push(logs.loss);
      },
      onTrainEnd: () => {
        trained = true;
      },
    },
  });
  const out = model.predict(xs.slice([0, 0, 0, 0], [5, 12, 12, 1]));
  return { losses: batchLosses, trained, shapes: [out.shape], finite: Array.from(out.dataSync()) };
}
