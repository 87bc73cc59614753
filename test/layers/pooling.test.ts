import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomNormal, serializeLayer, tensor, type Tensor } from '../../src/index.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  poolingLayers,
} from '../../src/layers/pooling/index.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';

/**
 * Distinct values at least 0.1 apart (a permutation of a range), so that the finite differences
 * of max pooling never swap which element is the maximum.
 */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => ((i * 37) % n) * 0.1 - n * 0.05);
  assert.equal(new Set(values).size, n);
  return tensor(values).reshape(shape);
}

forEachBackend('pooling layers: conformance', () => {
  test('MaxPooling1D/2D and AveragePooling1D/2D (valid, same, strides)', () => {
    checkLayer({
      make: () => new MaxPooling2D(),
      input: distinct([2, 5, 5, 3]),
      expectedOutputShape: [2, 2, 2, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new MaxPooling2D({ poolSize: [3, 2], strides: 2, padding: 'same' }),
      input: distinct([2, 5, 5, 2]),
      expectedOutputShape: [2, 3, 3, 2],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new AveragePooling2D({ poolSize: 2, strides: 1 }),
      input: randomNormal([2, 5, 5, 2], 0, 1, 1),
      expectedOutputShape: [2, 4, 4, 2],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }),
      input: randomNormal([2, 5, 5, 3], 0, 1, 2),
      expectedOutputShape: [2, 3, 3, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new MaxPooling1D({ poolSize: 2, padding: 'same' }),
      input: distinct([2, 5, 3]),
      expectedOutputShape: [2, 3, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new AveragePooling1D({ poolSize: 3, strides: 1 }),
      input: randomNormal([2, 5, 2], 0, 1, 3),
      expectedOutputShape: [2, 3, 2],
      expectedWeights: 0,
    });
  });
  test('global pooling, with and without keepdims', () => {
    checkLayer({
      make: () => new GlobalAveragePooling2D(),
      input: randomNormal([2, 5, 5, 3], 0, 1, 4),
      expectedOutputShape: [2, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new GlobalAveragePooling1D({ keepdims: true }),
      input: randomNormal([2, 5, 3], 0, 1, 5),
      expectedOutputShape: [2, 1, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new GlobalMaxPooling2D({ keepdims: true }),
      input: distinct([2, 5, 5, 3]),
      expectedOutputShape: [2, 1, 1, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new GlobalMaxPooling1D(),
      input: distinct([2, 5, 3]),
      expectedOutputShape: [2, 3],
      expectedWeights: 0,
    });
  });
});

/** [1, h, w, 1] with the given rows, and back. */
const image = (rows: number[][]): Tensor =>
  tensor(rows).reshape([1, rows.length, rows[0]!.length, 1]);
const nested = (rows: number[][]): number[][][][] => [rows.map((r) => r.map((v) => [v]))];

forEachBackend('pooling layers: values', () => {
  test('MaxPooling2D takes window maxima', () => {
    const x = image([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ]);
    assertClose(
      new MaxPooling2D().apply(x),
      nested([
        [6, 8],
        [14, 16],
      ]),
    );
    assertClose(
      new MaxPooling2D({ poolSize: 3, strides: 1 }).apply(x),
      nested([
        [11, 12],
        [15, 16],
      ]),
    );
  });
  test("AveragePooling2D with 'same' averages only the in-bounds part of each window", () => {
    const x = image([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    assertClose(
      new AveragePooling2D({ padding: 'same' }).apply(x),
      nested([
        [3, 4.5],
        [7.5, 9],
      ]),
    );
  });
  test('1-D pooling', () => {
    const x = tensor([[[1], [3], [2], [5], [4]]]);
    assertClose(new MaxPooling1D().apply(x), [[[3], [5]]]);
    assertClose(new AveragePooling1D({ padding: 'same' }).apply(x), [[[2], [3.5], [4]]]);
    assertClose(new AveragePooling1D({ poolSize: 3, strides: 2 }).apply(x), [[[2], [11 / 3]]]);
  });
  test('global pooling values', () => {
    const x = tensor([
      [
        [
          [1, -1],
          [2, -2],
        ],
        [
          [3, -3],
          [6, -6],
        ],
      ],
    ]);
    assertClose(new GlobalAveragePooling2D().apply(x), [[3, -3]]);
    assertClose(new GlobalMaxPooling2D().apply(x), [[6, -1]]);
    assertClose(new GlobalAveragePooling2D({ keepdims: true }).apply(x), [[[[3, -3]]]]);
    const seq = tensor([
      [
        [1, 4],
        [3, 0],
      ],
    ]);
    assertClose(new GlobalAveragePooling1D().apply(seq), [[2, 2]]);
    assertClose(new GlobalMaxPooling1D({ keepDims: true }).apply(seq), [[[3, 4]]]);
  });
  test('computeOutputShape keeps unknown dimensions unknown', () => {
    assert.deepEqual(new MaxPooling2D().computeOutputShape([null, null, 5, 3]), [null, null, 2, 3]);
    assert.deepEqual(
      new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }).computeOutputShape([
        null,
        7,
        null,
        null,
      ]),
      [null, 4, null, null],
    );
    assert.deepEqual(new MaxPooling1D().computeOutputShape([null, null, 4]), [null, null, 4]);
    assert.deepEqual(new GlobalMaxPooling2D().computeOutputShape([null, null, null, 5]), [null, 5]);
  });
  test('config: Keras keys; strides default to poolSize; factories', () => {
    const m = new MaxPooling2D({ poolSize: 3 });
    const c = serializeLayer(m);
    assert.equal(c.class_name, 'MaxPooling2D');
    assert.match(m.name, /^max_pooling2d(_\d+)?$/);
    assert.deepEqual(c.config!.pool_size, [3, 3]);
    assert.deepEqual(c.config!.strides, [3, 3]);
    assert.equal(c.config!.padding, 'valid');
    assert.equal(c.config!.data_format, 'channels_last');
    assert.equal(new MaxPooling1D().getConfig().pool_size!.toString(), '2');
    assert.equal(new GlobalAveragePooling2D({ keepDims: true }).getConfig().keepdims, true);
    assert.equal(poolingLayers.globalMaxPooling1d().className, 'GlobalMaxPooling1D');
    assert.equal(poolingLayers.averagePooling2d({ poolSize: 2 }).className, 'AveragePooling2D');
  });
  test('bad arguments name the layer, argument and value', () => {
    assert.throws(
      () => new MaxPooling2D({ poolSize: 0 }),
      /MaxPooling2D 'max_pooling2d(_\d+)?': Invalid value for argument poolSize: expected a positive integer or a tuple of 2 positive integers. Received: poolSize=0/,
    );
    assert.throws(() => new MaxPooling1D({ strides: [1, 1] }), /Received: strides=\[1,1\]/);
    assert.throws(
      () => new AveragePooling2D({ padding: 'causal' as 'same' }),
      /Invalid value for argument padding: expected one of 'valid', 'same'. Received: padding="causal"/,
    );
    assert.throws(
      () => new MaxPooling2D({ dataFormat: 'NHWC' as 'channels_last' }),
      /Received: dataFormat="NHWC"/,
    );
    assert.throws(
      () => new GlobalMaxPooling1D({ keepdims: true, keepDims: false }),
      /got both keepdims=true and keepDims=false/,
    );
    assert.throws(
      () => new MaxPooling2D().apply(tensor([[[1], [2]]])),
      /expected an input of rank 4/,
    );
    assert.throws(
      () => new MaxPooling2D({ poolSize: 3 }).computeOutputShape([null, 2, 5, 1]),
      /computed output size would be negative/,
    );
  });
});
