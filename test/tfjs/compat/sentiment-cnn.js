// The sentiment example's CNN shape: Embedding of padded word ids, Conv1D, GlobalMaxPool1D,
// dense sigmoid, binary cross-entropy.
import { lcg } from './data.js';

export async function run(tf) {
  const rand = lcg(21);
  const n = 40;
  const length = 12;
  const ids = [];
  const labels = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 0;
    ids.push(Array.from({ length }, () => 1 + Math.floor(rand() * 10) + (positive ? 10 : 0)));
    labels.push(positive ? 1 : 0);
  }
  const xs = tf.tensor2d(ids, [n, length]);
  const ys = tf.tensor1d(labels);
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 21, outputDim: 8, inputLength: length }));
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(
    tf.layers.conv1d({
      filters: 6,
      kernelSize: 3,
      strides: 1,
      padding: 'valid',
      activation: 'relu',
    }),
  );
  model.add(tf.layers.globalMaxPool1d({}));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam', metrics: ['acc'] });
  const history = await model.fit(xs, ys, { epochs: 4, batchSize: 8, validationSplit: 0.2 });
  const [loss, acc] = model.evaluate(xs, ys);
  return {
    losses: history.history.loss,
    evaluation: [loss.dataSync()[0], acc.dataSync()[0]],
    shapes: [model.predict(xs).shape],
  };
}
