/**
 * Keras configs: Lamina's own round trip (Sequential, functional, nested, every regularizer,
 * constraint and initializer, activity regularizers), and hand-written fixtures in the forms
 * Keras 1, tf.keras 2, Keras 3 and TensorFlow.js write.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  Add,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  MaxPooling2D,
  input,
  l1,
  l1l2,
  l2,
  model,
  orthogonalRegularizer,
  randomNormal,
  sequential,
  type Model,
  type Tensor,
} from '../../src/index.js';
import { modelFromJSON } from '../../src/saving/index.js';
import { LaminaError } from '../../src/errors.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (m: Model): string => m.toJSON() as string;

describe('Keras config round trip', () => {
  test('Sequential with every kind of regularizer, constraint and initializer', () => {
    const m = sequential({
      layers: [
        input({ shape: [6, 6, 1] }),
        new Conv2D({
          filters: 2,
          kernelSize: 3,
          kernelRegularizer: l2(0.01),
          biasRegularizer: l1(0.02),
          kernelConstraint: 'maxNorm',
          kernelInitializer: 'heNormal',
          activityRegularizer: l1l2({ l1: 0.1, l2: 0.2 }),
        }),
        new MaxPooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dense({
          units: 3,
          activation: 'softmax',
          kernelRegularizer: orthogonalRegularizer({ factor: 0.05, mode: 'columns' }),
          kernelConstraint: 'unitNorm',
          biasInitializer: { class_name: 'Constant', config: { value: 0.25 } },
          activityRegularizer: l1(0.1),
        }),
      ],
    });
    const text = json(m);
    const top = JSON.parse(text) as {
      class_name: string;
      module: string;
      config: { layers: unknown[] };
    };
    assert.equal(top.class_name, 'Sequential');
    assert.equal(top.module, 'keras');
    assert.equal(top.config.layers.length, 5, 'InputLayer first, as Keras 3');
    const back = modelFromJSON(text);
    assert.equal(json(back), text);
    const dense = back.getLayer(3) as Dense;
    assert.equal(dense.activityRegularizer?.className, 'L1', 'activity regularizer kept');
    assert.deepEqual(back.outputs[0]?.shape, [null, 3]);
  });

  test('functional with shared layers, multiple inputs and a nested model', () => {
    const inner = sequential({ layers: [input({ shape: [3] }), new Dense({ units: 2 })] });
    const a = input({ shape: [4] });
    const b = input({ shape: [4] });
    const shared = new Dense({ units: 3, activityRegularizer: l2(0.5) });
    const sum = new Add({}).apply([shared.apply(a), shared.apply(b)]);
    const out = inner.apply(new Dropout({ rate: 0.3 }).apply(sum, { training: false }));
    const m = model({ inputs: [a, b], outputs: out, name: 'towers' });
    const text = json(m);
    const layers = (JSON.parse(text) as { config: { layers: { inbound_nodes: unknown[] }[] } })
      .config.layers;
    assert.equal(layers[2]?.inbound_nodes.length, 2, 'shared layer has two nodes');
    const back = modelFromJSON(text);
    assert.equal(json(back), text);
    back.setWeights(m.getWeights());
    const x = [randomNormal([2, 4], 0, 1, 1), randomNormal([2, 4], 0, 1, 2)];
    assert.deepEqual(
      (back.predict(x) as { arraySync(): unknown }).arraySync(),
      (m.predict(x) as { arraySync(): unknown }).arraySync(),
    );
  });

  test('JSON.stringify(model) and modelFromJSON of an object', () => {
    const m = sequential({ layers: [new Dense({ units: 2, inputShape: [3] })] });
    const obj = m.toJSON(undefined, false);
    assert.equal(typeof obj, 'object');
    assert.equal(json(modelFromJSON(obj as never)), json(m));
  });
});

describe('configs written by other Keras versions', () => {
  test('Keras 3 functional: __keras_tensor__ nodes, DTypePolicy, all regularizer kinds', () => {
    const m = modelFromJSON(fixture('keras3-functional.json'));
    assert.deepEqual(m.layers.map((l) => l.name).sort(), [
      'concatenate',
      'dense',
      'dense_1',
      'dropout',
      'input_layer',
      'output',
    ]);
    assert.equal(m.getLayer('dense').dtype, 'float32');
    assert.equal(m.getLayer('dense').activityRegularizer?.className, 'L1');
    assert.equal((m.getLayer('dense') as Dense).kernel?.constraint?.className, 'MaxNorm');
    assert.deepEqual(m.outputs[0]?.shape, [null, 1]);
    assert.deepEqual(m.predict(randomNormal([2, 8])) instanceof Object, true);
    assert.equal(m.countParams(), 8 * 16 + 16 + 8 * 4 + 20 + 1);
  });

  test('tf.keras 2 functional: nested lists, shared layer, nested Sequential', () => {
    const m = modelFromJSON(fixture('tfkeras2-functional.json'));
    assert.equal(m.name, 'two_towers');
    assert.equal(m.inputs.length, 2);
    assert.equal(m.getLayer('shared').inboundNodes.length, 2);
    assert.equal(m.getLayer('shared').activityRegularizer?.className, 'L2');
    const y = m.predict([randomNormal([3, 4]), randomNormal([3, 4])]) as Tensor;
    assert.deepEqual(y.shape, [3, 2]);
  });

  test('TensorFlow.js model.json topology (batch_input_shape, VarianceScaling normal)', () => {
    const m = modelFromJSON(fixture('tfjs-sequential.json'));
    assert.deepEqual(
      m.weights.map((w) => w.name),
      ['dense_Dense1/kernel', 'dense_Dense1/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias'],
    );
    assert.equal((m.getLayer(0) as Dense).kernel?.regularizer?.className, 'L1L2');
  });

  test('Keras 1 names: Convolution2D, nb_filter, border_mode, output_dim, W_regularizer', () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      const m = modelFromJSON(fixture('keras1-sequential.json'));
      assert.deepEqual(
        m.layers.map((l) => l.className),
        ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'],
      );
      const conv = m.getLayer(0) as Conv2D;
      assert.equal(conv.filters, 4);
      assert.equal(conv.padding, 'same');
      assert.equal((m.getLayer(3) as Dense).units, 10);
      assert.equal((m.getLayer(3) as Dense).kernel?.regularizer?.className, 'L1L2');
      assert.deepEqual(m.outputs[0]?.shape, [null, 10]);
    } finally {
      console.warn = warn;
    }
  });

  test('unknown classes and custom objects fail with a LaminaError naming the layer', () => {
    const text = fixture('tfjs-sequential.json').replace('"Dense"', '"MyCustomDense"');
    assert.throws(
      () => modelFromJSON(text),
      (e: unknown) =>
        e instanceof LaminaError && e.code === 'unknown-class' && /dense_Dense1/.test(e.message),
    );
    const reg = fixture('tfjs-sequential.json').replace('"L1L2"', '"MyRegularizer"');
    assert.throws(
      () => modelFromJSON(reg),
      (e: unknown) => e instanceof LaminaError && e.code === 'unknown-class',
    );
    assert.throws(
      () => modelFromJSON('{"class_name": "Sequential", "config": '),
      (e: unknown) => e instanceof LaminaError && e.code === 'malformed-json',
    );
  });
});
