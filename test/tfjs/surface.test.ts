/**
 * The TensorFlow.js face's tensor surface: constructors, buffers, conversions, the memory calls
 * (no-ops that say so) and util, each against an exact value or TensorFlow.js itself.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as real from '@tensorflow/tfjs';
import * as tf from '../../src/tfjs/index.js';

describe('lamina-nn/tfjs tensors', () => {
  test('tensor1d takes (values, dtype), as TensorFlow.js', () => {
    const t = tf.tensor1d([1, 2, 3], 'int32');
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(t.arraySync(), [1, 2, 3]);
    assert.throws(
      () => tf.tensor1d([[1], [2]] as never),
      /expected values of rank 1, received rank 2/,
    );
    assert.throws(() => tf.tensor1d([1, 2], [2] as never), /second argument is the dtype/);
  });

  test('tensor2d..tensor6d check the rank and take a shape for flat values', () => {
    assert.deepEqual(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]).arraySync(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual([...tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]).shape], [1, 2, 2, 1]);
    assert.deepEqual([...tf.tensor6d([7], [1, 1, 1, 1, 1, 1]).shape], [1, 1, 1, 1, 1, 1]);
    assert.throws(() => tf.tensor2d([1, 2, 3, 4]), /flat values need a shape/);
    assert.throws(() => tf.tensor3d([1, 2], [2, 1] as never), /shape must have rank 3/);
  });

  test('a dtype passed where the shape goes is a clear error in the Keras face too', () => {
    assert.throws(() => tf.tensor([1, 2], 'int32' as never), /shape must be an array.*a dtype\?/);
  });

  test('TensorBuffer sets, gets and converts like TensorFlow.js', () => {
    const ours = tf.buffer([2, 3], 'int32');
    const theirs = real.buffer([2, 3], 'int32');
    for (const [v, i, j] of [
      [5, 1, 2],
      [7, 0, 1],
    ] as const) {
      ours.set(v, i, j);
      theirs.set(v, i, j);
    }
    assert.equal(ours.get(1, 2), 5);
    assert.deepEqual(ours.toTensor().arraySync(), theirs.toTensor().arraySync());
    assert.deepEqual(ours.indexToLoc(5), theirs.indexToLoc(5));
    assert.equal(ours.locToIndex([1, 1]), theirs.locToIndex([1, 1]));
    assert.deepEqual(ours.strides, theirs.strides);
    assert.throws(() => ours.set(1, 2, 0), /index 2 is out of range for dimension 0 of size 2/);
    assert.deepEqual(tf.tensor([[1, 2]]).bufferSync().values, new Float32Array([1, 2]));
  });

  test('conversions and reshaping methods', () => {
    const t = tf.tensor([1.5, 2.5, -3.5, 4]);
    assert.deepEqual(t.toInt().arraySync(), [1, 2, -3, 4]);
    assert.equal(t.toInt().toFloat().dtype, 'float32');
    assert.deepEqual(tf.tensor([0, 2]).toBool().arraySync(), [false, true]);
    assert.equal(t.asType('int32').dtype, 'int32');
    assert.deepEqual([...t.as2D(2, 2).shape], [2, 2]);
    assert.deepEqual([...t.as4D(1, 1, 2, 2).shape], [1, 1, 2, 2]);
    assert.deepEqual([...t.as2D(2, 2).as1D().shape], [4]);
    assert.equal(tf.tensor([9]).asScalar().rank, 0);
    assert.throws(() => t.asScalar(), /cannot view a tensor of shape \[4\] as asScalar/);
    assert.deepEqual(t.clone().arraySync(), t.arraySync());
  });

  test('sum of a bool tensor counts the trues as int32 (TensorFlow.js)', () => {
    const s = tf.sum(tf.tensor([true, false, true, true]));
    assert.equal(s.dtype, 'int32');
    assert.equal(s.arraySync(), 3);
    assert.equal(real.sum(real.tensor([true, false, true, true])).dtype, 'int32');
  });
});

describe('lamina-nn/tfjs memory calls', () => {
  test('tidy returns its result; dispose and keep change nothing', () => {
    const kept = tf.tidy(() => tf.keep(tf.tensor([1, 2]).mul(2)));
    const named = tf.tidy('scope', () => tf.scalar(4));
    tf.dispose([kept, named]);
    kept.dispose();
    assert.deepEqual(kept.arraySync(), [2, 4]);
    assert.equal(kept.isDisposed, false);
    assert.equal(named.arraySync(), 4);
    assert.throws(() => tf.tidy(undefined as never), /expected a function/);
  });

  test('memory() counts the tensors and bytes still held', () => {
    const before = tf.memory();
    const held = [tf.zeros([1000]), tf.zeros([10, 10], 'int32'), tf.zeros([8], 'bool')];
    const view = held[0]!.reshape([10, 100]);
    const after = tf.memory();
    assert.equal(after.numTensors - before.numTensors, 4);
    // The reshape shares its input's storage: three buffers.
    assert.equal(after.numDataBuffers - before.numDataBuffers, 3);
    assert.equal(after.numBytes - before.numBytes, 4000 + 400 + 8);
    assert.equal(after.unreliable, true);
    assert.equal(view.size, 1000);
  });
});

describe('lamina-nn/tfjs runtime', () => {
  test('backends have TensorFlow.js names; unknown ones resolve false and keep the current', async () => {
    const current = tf.getBackend();
    assert.ok(['wasm', 'cpu'].includes(current));
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      assert.equal(await tf.setBackend('webgl'), false);
    } finally {
      console.warn = warn;
    }
    assert.match(warnings[0] ?? '', /no such backend.*staying on/);
    assert.equal(tf.getBackend(), current);
    assert.equal(await tf.setBackend('cpu'), true);
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(await tf.setBackend(current), true);
    assert.equal(tf.backend().epsilon(), 1e-7);
    await tf.nextFrame();
  });
});

describe('lamina-nn/tfjs util', () => {
  test('shuffle is a seeded permutation', () => {
    const a = [...Array(20).keys()];
    const b = [...a];
    tf.util.shuffle(a, 7);
    tf.util.shuffle(b, 7);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, [...Array(20).keys()]);
    assert.deepEqual(
      [...a].sort((x, y) => x - y),
      [...Array(20).keys()],
    );
    const x = [1, 2, 3, 4];
    const y = ['a', 'b', 'c', 'd'];
    tf.util.shuffleCombo(x, y, 3);
    const letters = ['a', 'b', 'c', 'd'];
    assert.deepEqual(
      y,
      x.map((v) => letters[v - 1]),
      'the same permutation on both',
    );
    assert.notDeepEqual(x, [1, 2, 3, 4]);
  });

  test('helpers agree with TensorFlow.js', () => {
    assert.equal(tf.util.sizeFromShape([2, 3, 4]), real.util.sizeFromShape([2, 3, 4]));
    assert.deepEqual(tf.util.flatten([[1, [2, 3]], [4]]), real.util.flatten([[1, [2, 3]], [4]]));
    assert.deepEqual(tf.util.computeStrides([2, 3, 4]), real.util.computeStrides([2, 3, 4]));
    assert.deepEqual(tf.util.parseAxisParam(-1, [2, 3]), real.util.parseAxisParam(-1, [2, 3]));
    assert.equal(tf.util.inferDtype([true]), real.util.inferDtype([true]));
    assert.equal(tf.util.nearestLargerEven(5), 6);
    assert.throws(() => tf.util.assert(false, () => 'broken: 3'), /broken: 3/);
    assert.doesNotThrow(() => tf.util.assert(true, 'fine'));
  });
});
