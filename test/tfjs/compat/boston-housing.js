// The Boston-housing example's shape: features normalized with moments, a linear model and a
// multilayer regressor, SGD on mean squared error, validationSplit and early stopping.
import { lcg } from './data.js';

function housing(n, d, seed) {
  const rand = lcg(seed);
  const features = [];
  const targets = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, (_, j) => rand() * (j + 1) * 10);
    features.push(row);
    targets.push([row.reduce((a, v, j) => a + v * (j % 2 === 0 ? 0.3 : -0.2), 20) + rand()]);
  }
  return { features, targets };
}

export async function run(tf) {
  const { features, targets } = housing(200, 12, 5);
  const raw = tf.tensor2d(features);
  const { mean, variance } = tf.moments(raw, 0);
  const x = raw.sub(mean).div(variance.sqrt());
  const y = tf.tensor2d(targets);

  const losses = [];
  for (const hidden of [[], [16]]) {
    const model = tf.sequential();
    hidden.forEach((units, i) =>
      model.add(
        tf.layers.dense({
          units,
          activation: 'sigmoid',
          kernelInitializer: 'leCunNormal',
          ...(i === 0 ? { inputShape: [12] } : {}),
        }),
      ),
    );
    model.add(tf.layers.dense({ units: 1, ...(hidden.length === 0 ? { inputShape: [12] } : {}) }));
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, {
      batchSize: 32,
      epochs: 15,
      validationSplit: 0.2,
      callbacks: [tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 5 })],
    });
    losses.push(history.history.loss[history.history.loss.length - 1]);
    losses.push(model.evaluate(x, y, { batchSize: 32 }).dataSync()[0]);
  }
  return { losses, shapes: [x.shape, y.shape] };
}
