/**
 * Interoperability with TensorFlow.js in both directions, through in-memory artifacts: a model
 * saved by Lamina loads in tf.loadLayersModel, and a model built and saved by TensorFlow.js loads
 * in Lamina, with identical predictions (a Dense MLP and a small convolutional network, both
 * with kernel regularizers).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  Conv2D,
  Dense,
  Flatten,
  MaxPooling2D,
  input,
  l1,
  l2,
  randomNormal,
  sequential,
  type Sequential,
  type Tensor,
} from '../../src/index.js';
import { loadModel, type ModelArtifacts } from '../../src/saving/index.js';

before(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

const info = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };

function close(a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs((a[i] as number) - (b[i] as number)) <= 1e-5, `[${i}] ${a[i]} vs ${b[i]}`);
}

const laminaModels: Record<string, () => Sequential> = {
  mlp: () =>
    sequential({
      layers: [
        input({ shape: [5] }),
        new Dense({ units: 8, activation: 'relu', kernelRegularizer: l2(0.01) }),
        new Dense({ units: 3, activation: 'softmax', kernelRegularizer: l1(0.001) }),
      ],
    }),
  conv: () =>
    sequential({
      layers: [
        input({ shape: [8, 8, 1] }),
        new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', kernelRegularizer: l2(0.01) }),
        new MaxPooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dense({ units: 2, kernelRegularizer: l2(0.02) }),
      ],
    }),
};

const tfjsModels: Record<string, () => tf.Sequential> = {
  mlp: () => {
    const m = tf.sequential();
    m.add(
      tf.layers.dense({
        inputShape: [5],
        units: 8,
        activation: 'relu',
        kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
      }),
    );
    m.add(
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelRegularizer: tf.regularizers.l1({ l1: 0.001 }),
      }),
    );
    return m;
  },
  conv: () => {
    const m = tf.sequential();
    m.add(
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 3,
        kernelSize: 3,
        activation: 'relu',
        kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
      }),
    );
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 0.02 }) }));
    return m;
  },
};

const inputShape: Record<string, number[]> = { mlp: [4, 5], conv: [3, 8, 8, 1] };

describe('Lamina -> TensorFlow.js', () => {
  for (const kind of Object.keys(laminaModels)) {
    test(`${kind}: tf.loadLayersModel reads what model.save wrote`, async () => {
      const m = (laminaModels[kind] as () => Sequential)();
      let saved: ModelArtifacts | undefined;
      await m.save({ save: (a) => ((saved = a), info) });
      const t = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
      const x = randomNormal(inputShape[kind] as number[], 0, 1, 5);
      const want = (m.predict(x) as Tensor).dataSync();
      const got = (
        t.predict(tf.tensor(Array.from(x.dataSync()), x.shape as number[])) as tf.Tensor
      ).dataSync();
      close(got, want);
      assert.equal(
        t.layers.filter((l) => l.getConfig().kernelRegularizer != null).length,
        m.layers.filter((l) => (l as Dense).kernel?.regularizer).length,
      );
    });
  }
});

describe('TensorFlow.js -> Lamina', () => {
  for (const kind of Object.keys(tfjsModels)) {
    test(`${kind}: loadModel reads what tfjs model.save wrote, same predictions`, async () => {
      const t = (tfjsModels[kind] as () => tf.Sequential)();
      let saved: tf.io.ModelArtifacts | undefined;
      await t.save(tf.io.withSaveHandler(async (a) => ((saved = a), info)));
      const m = await loadModel(saved as ModelArtifacts);
      const x = randomNormal(inputShape[kind] as number[], 0, 1, 6);
      const want = (
        t.predict(tf.tensor(Array.from(x.dataSync()), x.shape as number[])) as tf.Tensor
      ).dataSync();
      close((m.predict(x) as Tensor).dataSync(), want);
      assert.deepEqual(
        m.layers.map((l) => l.name),
        t.layers.map((l) => l.name),
      );
      // Through a load handler too (tf.io.fromMemory).
      const again = await loadModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts) as never);
      close((again.predict(x) as Tensor).dataSync(), want);
    });
  }
});
