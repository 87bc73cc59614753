/**
 * Symbolic accessors (`layer.input`, `layer.output`, `inputShape`, `getInputAt`/`getOutputAt`,
 * `model.input`/`model.output`): intermediate-output models built from them, and the errors
 * Keras and TensorFlow.js give when a layer has no or several inbound nodes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  input,
  layers,
  model,
  randomNormal,
  sequential,
  SymbolicTensor,
  type Tensor,
} from '../../src/index.js';
import { assertClose } from '../helpers.js';

const dense = (units: number, name: string, seed: number) =>
  layers.dense({
    units,
    name,
    activation: 'relu',
    kernelInitializer: { class_name: 'GlorotUniform', config: { seed } },
  });

test('an intermediate-output model from getLayer(...).output', () => {
  const x = input({ shape: [4], name: 'features' });
  const h = dense(5, 'dense_a', 1).apply(x) as SymbolicTensor;
  const y = dense(2, 'dense_b', 2).apply(h) as SymbolicTensor;
  const m = model({ inputs: x, outputs: y });
  assert.equal(m.input, x);
  assert.equal(m.output, y);
  assert.equal(m.getLayer('dense_a').output, h);
  assert.equal(m.getLayer('dense_a').input, x);
  assert.deepEqual(m.getLayer('dense_a').inputShape, [null, 4]);
  assert.deepEqual(m.inputShape, [null, 4]);
  assert.deepEqual(m.outputShape, [null, 2]);
  assert.equal(m.getLayer('features').input, x);
  assert.equal(m.getLayer('features').output, x);
  const probe = model({ inputs: m.inputs, outputs: m.getLayer('dense_a').output });
  const data = randomNormal([3, 4], 0, 1, 9);
  const hidden = probe.predict(data) as Tensor;
  assert.deepEqual(hidden.shape, [3, 5]);
  assertClose(hidden, (m.getLayer('dense_a').apply(data) as Tensor).arraySync() as number[][]);
});

test("a Sequential model's layers have outputs once it has an input shape", () => {
  const s = sequential({
    layers: [
      layers.dense({ units: 3, inputShape: [2], name: 'first' }),
      layers.dense({ units: 1, name: 'second' }),
    ],
  });
  const first = s.getLayer('first');
  assert.ok(first.output instanceof SymbolicTensor);
  assert.deepEqual((first.output as SymbolicTensor).shape, [null, 3]);
  assert.ok(s.input instanceof SymbolicTensor);
  assert.deepEqual((s.output as SymbolicTensor).shape, [null, 1]);
  const truncated = model({ inputs: s.inputs, outputs: first.output });
  assert.deepEqual((truncated.predict(randomNormal([4, 2], 0, 1, 1)) as Tensor).shape, [4, 3]);
});

test('multi-input and multi-output: lists', () => {
  const a = input({ shape: [2], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const joined = layers.concatenate().apply([a, b]) as SymbolicTensor;
  const out1 = dense(1, 'o1', 1).apply(joined) as SymbolicTensor;
  const out2 = dense(2, 'o2', 2).apply(joined) as SymbolicTensor;
  const m = model({ inputs: [a, b], outputs: [out1, out2] });
  assert.deepEqual(m.input, [a, b]);
  assert.deepEqual(m.output, [out1, out2]);
  assert.deepEqual(m.outputShape, [
    [null, 1],
    [null, 2],
  ]);
  assert.deepEqual(m.inputShape, [
    [null, 2],
    [null, 3],
  ]);
  assert.deepEqual(m.getLayer(joined.sourceLayer.name).input, [a, b]);
});

test('no or several inbound nodes: errors as in Keras and TensorFlow.js', () => {
  const shared = dense(2, 'shared', 1);
  assert.throws(() => shared.output, /'shared': the layer is not connected .* so it has no output/);
  assert.throws(() => shared.inputShape, /never been called symbolically and declares no input/);
  const p = input({ shape: [3] });
  const q = input({ shape: [3] });
  const yp = shared.apply(p) as SymbolicTensor;
  const yq = shared.apply(q) as SymbolicTensor;
  assert.throws(
    () => shared.output,
    /has 2 inbound nodes, so the notion of "layer output" is ill-defined; use getOutputAt\(nodeIndex\) instead/,
  );
  assert.throws(() => shared.input, /use getInputAt\(nodeIndex\) instead/);
  assert.equal(shared.getOutputAt(1), yq);
  assert.equal(shared.getInputAt(0), p);
  assert.equal(shared.getOutputAt(0), yp);
  assert.throws(() => shared.getOutputAt(2), /node index 2 is out of range: the layer has 2/);
  // Both applications saw [null, 3]: the input shape is still defined.
  assert.deepEqual(shared.inputShape, [null, 3]);
  const unbuilt = sequential({ layers: [layers.dense({ units: 1 })] });
  assert.throws(() => unbuilt.output, /has no symbolic output yet: give the first layer/);
});

test('a Sequential built by its first call takes any batch after; its outputs have no batch size', () => {
  const s = sequential({ layers: [layers.dense({ units: 2 }), layers.dense({ units: 1 })] });
  assert.deepEqual((s.predict(randomNormal([5, 3], 0, 1, 1)) as Tensor).shape, [5, 1]);
  assert.deepEqual((s.predict(randomNormal([40, 3], 0, 1, 2)) as Tensor).shape, [40, 1]);
  assert.deepEqual((s.getLayer(0).output as SymbolicTensor).shape, [null, 2]);
  assert.deepEqual(s.inputShape, [null, 3]);
});
