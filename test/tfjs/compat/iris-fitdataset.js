// The iris-fitDataset example's shape: features and one-hot labels as tf.data.array datasets,
// zipped into { xs, ys }, shuffled and batched, trained with fitDataset on a validation dataset,
// then evaluateDataset.
import { classification, oneHot } from './data.js';

export async function run(tf) {
  const { xs, labels } = classification(96, 4, 3, 5);
  const features = tf.data.array(xs.slice(0, 72));
  const targets = tf.data.array(oneHot(labels.slice(0, 72), 3));
  const train = tf.data.zip({ xs: features, ys: targets }).shuffle(72, 'seed').batch(12);
  const validation = tf.data
    .zip({ xs: tf.data.array(xs.slice(72)), ys: tf.data.array(oneHot(labels.slice(72), 3)) })
    .batch(12);

  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [4] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({
    optimizer: tf.train.adam(0.05),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const seen = [];
  const history = await model.fitDataset(train, {
    epochs: 8,
    validationData: validation,
    callbacks: { onEpochEnd: (epoch) => void seen.push(epoch) },
  });
  const [loss, acc] = await model.evaluateDataset(validation);
  return {
    losses: history.history.loss,
    validation: history.history.val_loss,
    evaluation: [loss.dataSync()[0], acc.dataSync()[0]],
    epochs: seen.length,
  };
}
