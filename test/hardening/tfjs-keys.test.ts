/**
 * lamina-nn/tfjs accepts every option key TensorFlow.js's layer factories accept (implemented,
 * mapped, or a documented no-op): the keys are read from the installed @tensorflow/tfjs-layers
 * type declarations with the TypeScript compiler, so a TensorFlow.js upgrade that adds one
 * fails here. Keras-face layers keep refusing them.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import ts from 'typescript';
import * as tf from '../../src/tfjs/index.js';
import { layers as kerasLayers } from '../../src/layers/index.js';
import { factories, MINIMAL_ARGS } from './layer-table.js';

/** Each factory of tf.layers with the property names of its first parameter's type. */
function tfjsLayerKeys(): Map<string, string[]> {
  const file = createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-layers/dist/exports_layers.d.ts',
  );
  const program = ts.createProgram([file], { skipLibCheck: true, noResolve: false });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file) as ts.SourceFile;
  const keys = new Map<string, string[]>();
  for (const symbol of checker.getExportsOfModule(
    checker.getSymbolAtLocation(source) as ts.Symbol,
  )) {
    const signature = checker.getTypeOfSymbolAtLocation(symbol, source).getCallSignatures()[0];
    const parameter = signature?.parameters[0];
    if (parameter === undefined) continue;
    const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(parameter, source));
    keys.set(
      symbol.name,
      checker.getPropertiesOfType(type).map((p) => p.name),
    );
  }
  return keys;
}

/** TensorFlow.js refuses these itself (SeparableConv2D: "use depthwiseInitializer..."). */
const REFUSED_BY_TFJS: Readonly<Record<string, readonly string[]>> = {
  separableConv2d: ['kernelInitializer', 'kernelRegularizer', 'kernelConstraint'],
};

test('every key of every TensorFlow.js layer factory is accepted by lamina-nn/tfjs', () => {
  const keys = tfjsLayerKeys();
  assert.ok(
    (keys.get('dense')?.length ?? 0) >= 19,
    'could not read the TensorFlow.js declarations',
  );
  let checked = 0;
  for (const [name, make] of factories('tfjs')) {
    const tfjsKeys = keys.get(name);
    if (tfjsKeys === undefined) continue; // a Lamina-only layer (subtract, spatialDropout2d...)
    const minimal = MINIMAL_ARGS[name];
    assert.ok(minimal !== undefined, `no minimal options for ${name}`);
    for (const key of tfjsKeys) {
      if (REFUSED_BY_TFJS[name]?.includes(key)) continue;
      const base = minimal();
      // The key with the value the minimal options give it, or undefined (absent in effect).
      const args = key in base ? base : { ...base, [key]: undefined };
      if (name === 'inputLayer' && (key === 'inputShape' || key === 'batchInputShape')) {
        delete args.shape;
        args[key] = key === 'inputShape' ? [2] : [null, 2];
      }
      assert.doesNotThrow(() => make(args), `tf.layers.${name}({ ${key} })`);
      checked++;
    }
  }
  assert.ok(checked > 700, `only ${checked} keys checked`);
});

test('TensorFlow.js keys with an effect are mapped; internal ones are dropped', () => {
  const rnn = tf.layers.lstm({ units: 2, inputDim: 3, inputLength: 5 } as never);
  assert.deepEqual(rnn.batchInputShape, [null, 5, 3]);
  const input = tf.layers.inputLayer({ inputShape: [4] } as never);
  assert.deepEqual(input.batchInputShape, [null, 4]);
  assert.throws(
    () => tf.input({ shape: [2], sparse: true } as never),
    /sparse inputs are not supported/,
  );
  const noisy = tf.layers.spatialDropout1d({ rate: 0.5, input_shape: [3, 2] } as never);
  assert.deepEqual(noisy.batchInputShape, [null, 3, 2]);
  // The Keras face refuses the TensorFlow.js-only spellings.
  assert.doesNotThrow(() => tf.layers.dense({ units: 2, inputDType: 'float32' } as never));
  assert.throws(
    () => kerasLayers.dense({ units: 2, inputDType: 'float32' } as never),
    /^LaminaError: Dense: unknown option 'inputDType' \(did you mean 'inputShape'\?\)/,
  );
});

test('initial weights are set once the layer is built (Keras 2 and TensorFlow.js `weights`)', () => {
  const kernel = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const bias = tf.tensor1d([0.5, -0.5]);
  const dense = tf.layers.dense({ units: 2, inputShape: [2], weights: [kernel, bias] });
  const m = tf.sequential({ layers: [dense] });
  const out = m.predict(tf.tensor2d([[1, 1]])) as tf.Tensor;
  assert.deepEqual([...out.dataSync()], [4.5, 5.5]);
  assert.throws(
    () => tf.layers.dense({ units: 2, weights: [[1, 2]] } as never),
    /weights must be a list of Tensors/,
  );
});

test('Flatten takes dataFormat: channels_first flattens in channels-last order', () => {
  const x = tf.tensor3d([
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
  ]); // [1, 3 channels, 2 steps]
  const first = tf.layers.flatten({ dataFormat: 'channels_first' }).apply(x) as tf.Tensor;
  assert.deepEqual([...first.dataSync()], [1, 3, 5, 2, 4, 6]);
  const last = tf.layers.flatten({}).apply(x) as tf.Tensor;
  assert.deepEqual([...last.dataSync()], [1, 2, 3, 4, 5, 6]);
});

test('TensorFlow.js model options: yieldEvery, verbose of evaluate/predict, steps, streamWeights', async () => {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tf.tensor2d([
    [0, 1],
    [1, 0],
  ]);
  const y = tf.tensor2d([[1], [0]]);
  await m.fit(x, y, { epochs: 1, yieldEvery: 'never', verbose: 0 });
  const loss = m.evaluate(x, y, { verbose: 0, steps: 1, batchSize: 1 }) as tf.Tensor;
  assert.equal(loss.rank, 0);
  assert.equal((m.predict(x, { verbose: false, batchSize: 1 }) as tf.Tensor).shape[0], 2);
  const ds = tf.data.zip({ xs: tf.data.array([[0, 1]]), ys: tf.data.array([[1]]) }).batch(1);
  await m.evaluateDataset(ds as never, { verbose: 0 });
  const saved: object[] = [];
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    saved.push(artifacts);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
  await m.save(handler, { trainableOnly: false, includeOptimizer: false });
  assert.equal(saved.length, 1);
  await assert.rejects(
    m.save(handler, { trainableOnly: true }),
    /trainableOnly: true is not supported/,
  );
  await assert.rejects(
    m.fit(x, y, { epoch: 1 } as never),
    /unknown option 'epoch' \(did you mean 'epochs'\?\)/,
  );
  await assert.rejects(
    tf.loadLayersModel(tf.io.fromMemory(m.toJSON(null, false) as never), {
      streamWeights: true,
      strict: false,
      bogus: 1,
    } as never),
    /unknown option 'bogus'/,
  );
});
