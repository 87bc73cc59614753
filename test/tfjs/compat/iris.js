// The iris example's shape: a two-layer classifier, categorical cross-entropy, Adam, validation
// data, an onEpochEnd callback object, evaluate as [loss, acc], predictions by argMax.
import { classification, oneHot } from './data.js';

export async function run(tf) {
  const { xs, labels } = classification(120, 4, 3, 11);
  const xTrain = tf.tensor2d(xs.slice(0, 90), [90, 4]);
  const yTrain = tf.tensor2d(oneHot(labels.slice(0, 90), 3), [90, 3]);
  const xTest = tf.tensor2d(xs.slice(90), [30, 4]);
  const yTest = tf.tensor2d(oneHot(labels.slice(90), 3), [30, 3]);

  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [4] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({
    optimizer: tf.train.adam(0.05),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });

  const epochLosses = [];
  await model.fit(xTrain, yTrain, {
    epochs: 20,
    validationData: [xTest, yTest],
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        epochLosses.push(logs.loss);
        await tf.nextFrame();
      },
    },
  });
  const [loss, acc] = model.evaluate(xTest, yTest);
  const predicted = tf.tidy(() => model.predict(xTest).argMax(-1));
  return {
    losses: epochLosses,
    evaluation: [loss.dataSync()[0], acc.dataSync()[0]],
    shapes: [predicted.shape],
  };
}
