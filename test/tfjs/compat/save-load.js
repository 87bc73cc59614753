// Saving and loading as TensorFlow.js programs do without a file system: model.save through
// io.withSaveHandler, loadLayersModel from io.fromMemory, the same predictions after the trip;
// then freezing a layer and recompiling, as the transfer-learning examples do.
import { classification, oneHot } from './data.js';

export async function run(tf) {
  const { xs, labels } = classification(40, 5, 2, 17);
  const x = tf.tensor2d(xs);
  const y = tf.tensor2d(oneHot(labels, 2));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, activation: 'relu', inputShape: [5], name: 'hidden' }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const before = await model.fit(x, y, { epochs: 3, batchSize: 10 });

  let saved = null;
  const result = await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const p1 = model.predict(x).dataSync();
  const p2 = loaded.predict(x).dataSync();
  const maxDiff = p1.reduce((m, v, i) => Math.max(m, Math.abs(v - p2[i])), 0);

  loaded.getLayer('hidden').trainable = false;
  loaded.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const frozenBefore = loaded.getLayer('hidden').getWeights()[0].dataSync().slice();
  const after = await loaded.fit(x, y, { epochs: 2, batchSize: 10 });
  const frozenAfter = loaded.getLayer('hidden').getWeights()[0].dataSync();
  return {
    losses: [...before.history.loss, ...after.history.loss],
    maxDiff,
    frozenUnchanged: frozenBefore.every((v, i) => v === frozenAfter[i]),
    trainable: loaded.trainableWeights.length,
    topology: result.modelArtifactsInfo.modelTopologyType,
    shapes: [loaded.predict(x).shape],
  };
}
