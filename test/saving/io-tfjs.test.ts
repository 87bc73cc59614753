/**
 * The io handlers against TensorFlow.js itself: artifacts TensorFlow.js saves through
 * tf.io.withSaveHandler load in Lamina through io.fromMemory with TensorFlow.js's predictions,
 * and the reverse; and over http, each library's multipart POST (to a local node:http server
 * that then serves the two parts) loads in the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  Conv2D,
  Dense,
  Flatten,
  input,
  io,
  l2,
  loadModel,
  randomNormal,
  sequential,
  type Model,
  type ModelArtifacts,
  type Tensor,
} from '../../src/index.js';
import { startModelServer, type ModelServer } from './model-server.js';

let server: ModelServer;

before(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  server = await startModelServer();
});

after(() => server.close());

const info = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };
const x = randomNormal([3, 6, 6, 1], 0, 1, 11);
const tfX = (): tf.Tensor => tf.tensor(Array.from(x.dataSync()), [...x.shape]);

function close(a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs((a[i] as number) - (b[i] as number)) <= 1e-5, `[${i}] ${a[i]} vs ${b[i]}`);
}

function tfjsModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.flatten());
  m.add(
    tf.layers.dense({
      units: 3,
      activation: 'softmax',
      kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
    }),
  );
  return m;
}

function laminaModel(): Model {
  return sequential({
    layers: [
      input({ shape: [6, 6, 1] }),
      new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu' }),
      new Flatten(),
      new Dense({ units: 3, activation: 'softmax', kernelRegularizer: l2(0.01) }),
    ],
  });
}

const laminaPredict = (m: Model): Float32Array =>
  (m.predict(x) as Tensor).dataSync() as Float32Array;
const tfjsPredict = (m: tf.LayersModel): Float32Array =>
  (m.predict(tfX()) as tf.Tensor).dataSync() as Float32Array;

/** Serves what the last POST to the server carried as `<folder>/model.json` and its weights. */
async function serveUpload(folder: string): Promise<string> {
  const form = server.uploads.at(-1)?.form;
  assert.ok(form !== undefined, 'the server received a form');
  const json = form.get('model.json') as File;
  const weights = form.get('model.weights.bin') as File;
  server.files.set(`/${folder}/model.json`, { body: await json.text(), type: 'application/json' });
  server.files.set(`/${folder}/model.weights.bin`, {
    body: new Uint8Array(await weights.arrayBuffer()),
  });
  return `${server.base}/${folder}/model.json`;
}

describe('in memory', () => {
  test('TensorFlow.js withSaveHandler -> Lamina io.fromMemory: same predictions', async () => {
    const t = tfjsModel();
    let saved: tf.io.ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => ((saved = a), info)));
    const m = await loadModel(io.fromMemory(saved as ModelArtifacts));
    close(laminaPredict(m), tfjsPredict(t));
    assert.deepEqual(
      m.layers.map((l) => l.name),
      t.layers.map((l) => l.name),
    );
  });

  test('Lamina io.withSaveHandler -> TensorFlow.js tf.io.fromMemory: same predictions', async () => {
    const m = laminaModel();
    let saved: ModelArtifacts | undefined;
    await m.save(io.withSaveHandler(async (a) => ((saved = a), info)));
    const t = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    close(tfjsPredict(t), laminaPredict(m));
  });
});

describe('over http', () => {
  test('TensorFlow.js POSTs with tf.io.http; Lamina loads the served model', async () => {
    const t = tfjsModel();
    await t.save(tf.io.http(`${server.base}/upload`));
    const m = await loadModel(await serveUpload('from-tfjs'));
    close(laminaPredict(m), tfjsPredict(t));
  });

  test('Lamina POSTs with model.save(url); TensorFlow.js tf.loadLayersModel(url) loads it', async () => {
    const m = laminaModel();
    await m.save(`${server.base}/upload`);
    const t = await tf.loadLayersModel(await serveUpload('from-lamina'));
    close(tfjsPredict(t), laminaPredict(m));
  });
});

describe('a compiled model saved with its optimizer', () => {
  test('TensorFlow.js loads it (loss and metrics by name, no loss_weights) and compiles it', async () => {
    const m = sequential({
      layers: [input({ shape: [4] }), new Dense({ units: 3, activation: 'softmax' })],
    });
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    let saved: ModelArtifacts | null = null;
    await m.save(
      io.withSaveHandler(async (a) => {
        saved = a;
        return info;
      }),
      { includeOptimizer: true },
    );
    const config = (saved as unknown as ModelArtifacts).trainingConfig as Record<string, unknown>;
    assert.equal(config.loss, 'categorical_crossentropy');
    assert.deepEqual(config.metrics, ['accuracy']);
    assert.equal('loss_weights' in config, false);
    const theirs = await tf.loadLayersModel(
      tf.io.fromMemory(saved as unknown as tf.io.ModelArtifacts),
    );
    assert.ok(theirs.optimizer !== undefined, 'TensorFlow.js compiled it from the training config');
    const input4 = randomNormal([2, 4], 0, 1, 5);
    close(
      (
        theirs.predict(tf.tensor(Array.from(input4.dataSync()), [2, 4])) as tf.Tensor
      ).dataSync() as Float32Array,
      (m.predict(input4) as Tensor).dataSync(),
    );
    // And Lamina reads the names back to the same compiled loss and metric.
    const back = await loadModel(io.fromMemory(saved as unknown as ModelArtifacts));
    assert.equal(back.compiled?.losses[0]?.name, 'categorical_crossentropy');
    assert.equal(back.compiled?.metrics[0]?.[0]?.name, 'accuracy');
  });
});
