/**
 * image.resizeBilinear and image.resizeNearestNeighbor: exact values on every backend for each
 * corner convention, finite-difference gradients, and differential tests against TensorFlow.js.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { image, randomNormal, tensor, type Tensor } from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

/** 1..9 as a [1, 3, 3, 1] image. */
const nine = (): Tensor =>
  tensor(
    Array.from({ length: 9 }, (_, i) => i + 1),
    [1, 3, 3, 1],
  );
const flat = (t: Tensor): number[] => Array.from(t.dataSync());

forEachBackend('image.resizeBilinear', () => {
  test('the three conventions, to [2, 5]', () => {
    const plain = image.resizeBilinear(nine(), [2, 5]);
    assert.deepEqual(plain.shape, [1, 2, 5, 1]);
    assertClose(plain, [1, 1.6, 2.2, 2.8, 3, 5.5, 6.1, 6.7, 7.3, 7.5], { shape: [1, 2, 5, 1] });
    assertClose(
      image.resizeBilinear(nine(), [2, 5], true),
      [1, 1.5, 2, 2.5, 3, 7, 7.5, 8, 8.5, 9],
      {
        shape: [1, 2, 5, 1],
      },
    );
    assertClose(
      image.resizeBilinear(nine(), [2, 5], false, true),
      [1.75, 2.15, 2.75, 3.35, 3.75, 6.25, 6.65, 7.25, 7.85, 8.25],
      { shape: [1, 2, 5, 1] },
    );
  });

  test('rank 3 images, int32 images give float32, the same size is the identity', () => {
    const hwc = tensor([1, 2, 3, 4], [2, 2, 1], 'int32');
    const y = image.resizeBilinear(hwc, [3, 3]);
    assert.equal(y.dtype, 'float32');
    assertClose(y, [1, 1 + 2 / 3, 2, 7 / 3, 3, 10 / 3, 3, 11 / 3, 4], { shape: [3, 3, 1] });
    assertExact(image.resizeBilinear(nine(), [3, 3]), nine().arraySync() as number[][][][]);
  });

  test('gradients (each convention)', () => {
    const x = randomNormal([2, 3, 4, 2], 0, 1, 1);
    checkGrad((t) => image.resizeBilinear(t!, [5, 3]), [x]);
    checkGrad((t) => image.resizeBilinear(t!, [4, 7], true), [x]);
    checkGrad((t) => image.resizeBilinear(t!, [2, 6], false, true), [x]);
  });

  test('bad arguments', () => {
    assert.throws(
      () => image.resizeBilinear(nine(), [2, 2], true, true),
      /image.resizeBilinear: alignCorners and halfPixelCenters cannot both be true/,
    );
    assert.throws(
      () => image.resizeBilinear(tensor([1, 2]), [2, 2]),
      /images must have rank 4 \[batch, height, width, channels\] or 3/,
    );
    assert.throws(
      () => image.resizeBilinear(nine(), [0, 2]),
      /size must be \[newHeight, newWidth\], two positive integers, received \[0,2\]/,
    );
  });
});

forEachBackend('image.resizeNearestNeighbor', () => {
  test('down and up, in the three conventions; the dtype is kept', () => {
    const cases: [boolean, boolean, [number, number], number[]][] = [
      [false, false, [2, 5], [1, 1, 2, 2, 3, 4, 4, 5, 5, 6]],
      [true, false, [2, 5], [1, 2, 2, 3, 3, 7, 8, 8, 9, 9]],
      [false, true, [2, 5], [1, 1, 2, 3, 3, 7, 7, 8, 9, 9]],
      [false, false, [5, 4], [1, 1, 2, 3, 1, 1, 2, 3, 4, 4, 5, 6, 4, 4, 5, 6, 7, 7, 8, 9]],
      [true, false, [5, 4], [1, 2, 2, 3, 4, 5, 5, 6, 4, 5, 5, 6, 7, 8, 8, 9, 7, 8, 8, 9]],
      [false, true, [5, 4], [1, 2, 2, 3, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 7, 8, 8, 9]],
    ];
    for (const [alignCorners, halfPixel, size, expected] of cases) {
      const y = image.resizeNearestNeighbor(nine(), size, alignCorners, halfPixel);
      assert.deepEqual(y.shape, [1, ...size, 1]);
      assert.deepEqual(flat(y), expected, `${alignCorners} ${halfPixel} ${size.join('x')}`);
    }
    const ints = image.resizeNearestNeighbor(tensor([1, 2, 3, 4], [2, 2, 1], 'int32'), [4, 4]);
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(flat(ints), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  test('gradient: each pixel receives the gradients of its copies', () => {
    checkGrad(
      (t) => image.resizeNearestNeighbor(t!, [5, 2]),
      [randomNormal([1, 3, 4, 2], 0, 1, 2)],
    );
    checkGrad(
      (t) => image.resizeNearestNeighbor(t!, [2, 7], true),
      [randomNormal([2, 3, 3, 1], 0, 1, 3)],
    );
  });
});

describe('image resizing against @tensorflow/tfjs', () => {
  before(async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
  });

  const sizes: [number, number][] = [
    [7, 5],
    [2, 3],
    [1, 1],
    [8, 11],
  ];
  const modes: [boolean, boolean][] = [
    [false, false],
    [true, false],
    [false, true],
  ];
  for (const [alignCorners, halfPixel] of modes) {
    test(`alignCorners ${alignCorners}, halfPixelCenters ${halfPixel}`, () => {
      const x = randomNormal([2, 4, 5, 3], 0, 1, 9);
      const tx = tf.tensor4d(x.dataSync(), [2, 4, 5, 3]);
      for (const size of sizes) {
        const ours = image.resizeBilinear(x, size, alignCorners, halfPixel);
        const theirs = tf.image.resizeBilinear(tx, size, alignCorners, halfPixel);
        assertClose(ours, theirs.arraySync() as number[][][][], { atol: 1e-5, rtol: 1e-5 });
        const nearest = image.resizeNearestNeighbor(x, size, alignCorners, halfPixel);
        const tfNearest = tf.image.resizeNearestNeighbor(tx, size, alignCorners, halfPixel);
        assert.deepEqual(flat(nearest), Array.from(tfNearest.dataSync()), size.join('x'));
      }
    });
  }
});
