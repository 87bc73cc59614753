/**
 * Finite-difference gradient checks for reshaping, reordering, slicing and joining. These ops are
 * linear, so central differences are exact up to float32 rounding.
 *
 * Tolerance: checkGrad defaults (eps 1e-2, rtol 2e-2, atol 2e-3); exact-value tests use
 * assertClose with rtol = atol = 1e-6.
 */
import { test } from 'node:test';
import {
  add,
  broadcastTo,
  concat,
  expandDims,
  gather,
  grad,
  grads,
  mul,
  pad,
  randomNormal,
  reshape,
  reverse,
  slice,
  split,
  squeeze,
  stack,
  stridedSlice,
  tensor,
  tile,
  transpose,
  unstack,
  type Tensor,
} from '../../src/index.js';
import { runKernel } from '../../src/engine/engine.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

/** Combines several outputs into one tensor with distinct weights so each part is checked. */
function combine(parts: readonly Tensor[]): Tensor {
  return parts.map((p, i) => mul(p, i + 1)).reduce((acc, p) => add(acc, p));
}

forEachBackend('movement gradients', () => {
  const x = randomNormal([2, 3, 4], 0, 1, 71);
  const m = randomNormal([4, 5], 0, 1, 72);

  test('reshape', () => {
    checkGrad((t) => reshape(t, [6, 4]), [x]);
    checkGrad((t) => reshape(t, [-1]), [x]);
    checkGrad((t) => mul(reshape(t, [4, 6]), reshape(t, [4, 6])), [x]);
  });

  test('transpose (rank 3 perm and default)', () => {
    checkGrad((t) => transpose(t, [2, 0, 1]), [x]);
    checkGrad((t) => transpose(t, [1, 2, 0]), [x]);
    checkGrad((t) => transpose(t), [x]);
  });

  test('slice', () => {
    checkGrad((t) => slice(t, [0, 1, 1], [2, 2, 2]), [x]);
    checkGrad((t) => slice(t, [1, 0, 2], [1, -1, -1]), [x]);
    checkGrad((t) => slice(t, [2], [2]), [m]);
  });

  test('stridedSlice with stride 2', () => {
    checkGrad((t) => stridedSlice(t, [0, 0], [4, 5], [2, 2]), [m]);
    checkGrad((t) => stridedSlice(t, [1, 1], [4, 5], [2, 3]), [m]);
    checkGrad((t) => stridedSlice(t, [0, 0, 1], [2, 3, 4], [1, 2, 2]), [x]);
  });

  test('stridedSlice with negative strides', () => {
    checkGrad((t) => stridedSlice(t, [-1, 0], [0, 5], [-1, 1], { endMask: 1 }), [m]);
    checkGrad((t) => stridedSlice(t, [3, 4], [0, 0], [-2, -2]), [m]);
    checkGrad(
      (t) => stridedSlice(t, [0, 0, 0], [2, 3, 4], [1, -1, -2], { beginMask: 6, endMask: 6 }),
      [x],
    );
  });

  test('stridedSlice with shrinkAxisMask', () => {
    checkGrad((t) => stridedSlice(t, [1, 0], [2, 5], [1, 2], { shrinkAxisMask: 1 }), [m]);
  });

  test('stridedSlice: exact gradient places ones at the picked elements', () => {
    const v = tensor([0, 1, 2, 3, 4, 5]);
    assertClose(grad((t) => stridedSlice(t, [5], [0], [-2]))(v), [0, 1, 0, 1, 0, 1]);
    assertClose(grad((t) => stridedSlice(t, [0], [6], [2]))(v), [1, 0, 1, 0, 1, 0]);
  });

  test('concat (two and three inputs, several axes)', () => {
    const a = randomNormal([2, 3], 0, 1, 73);
    const b = randomNormal([2, 2], 0, 1, 74);
    const c = randomNormal([2, 1], 0, 1, 75);
    checkGrad((p, q, r) => concat([p, q, r], 1), [a, b, c]);
    checkGrad((p, q) => concat([p, q], -1), [a, b]);
    checkGrad((p, q) => concat([p, q], 0), [a, randomNormal([3, 3], 0, 1, 76)]);
    // The same tensor twice: its gradient is the sum of both slices'.
    checkGrad((p) => concat([p, p], 0), [a]);
  });

  test('stack (axis 0, 1 and -1)', () => {
    const a = randomNormal([2, 3], 0, 1, 77);
    const b = randomNormal([2, 3], 0, 1, 78);
    for (const axis of [0, 1, -1]) checkGrad((p, q) => stack([p, q], axis), [a, b]);
  });

  test('unstack (axis 0 and 1)', () => {
    checkGrad((t) => combine(unstack(t)), [x]);
    checkGrad((t) => combine(unstack(t, 1)), [x]);
    // Only some parts used: the others get zero gradient.
    checkGrad((t) => unstack(t, 2)[1] as Tensor, [x]);
  });

  test('split (equal parts and sizes with -1)', () => {
    checkGrad((t) => combine(split(t, 2, 2)), [x]);
    checkGrad((t) => combine(split(t, [1, -1], 1)), [x]);
    checkGrad((t) => split(t, [1, 3, 1], 1)[1] as Tensor, [m]);
  });

  test('gather with repeated indices (gradients accumulate)', () => {
    const idx = tensor([2, 0, 2, 2, 1], [5], 'int32');
    checkGrad((t) => gather(t, idx, 0), [m]);
    checkGrad((t) => gather(t, idx, 1), [m]);
    checkGrad(
      (t) =>
        gather(
          t,
          tensor(
            [
              [1, 1],
              [0, 2],
            ],
            [2, 2],
            'int32',
          ),
          1,
        ),
      [x],
    );
    checkGrad((t) => gather(t, tensor([3, 3, 0], [3], 'int32'), -1), [x]);
  });

  test('gather: exact accumulated gradient', () => {
    const v = tensor([10, 20, 30, 40]);
    assertClose(grad((t) => gather(t, tensor([0, 2, 0, 0], [4], 'int32')))(v), [3, 0, 1, 0]);
    const rows = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assertClose(
      grad((t) =>
        gather(
          t,
          tensor(
            [
              [2, 2],
              [1, 2],
            ],
            [2, 2],
            'int32',
          ),
        ),
      )(rows),
      [
        [0, 0],
        [1, 1],
        [3, 3],
      ],
    );
  });

  test('pad', () => {
    checkGrad(
      (t) =>
        pad(t, [
          [1, 0],
          [0, 2],
          [1, 1],
        ]),
      [x],
    );
    checkGrad(
      (t) =>
        pad(
          t,
          [
            [2, 1],
            [0, 0],
          ],
          3.5,
        ),
      [m],
    );
  });

  test('tile', () => {
    checkGrad((t) => tile(t, [2, 1, 3]), [x]);
    checkGrad((t) => tile(t, [3, 2]), [randomNormal([2, 2], 0, 1, 79)]);
    assertClose(grad((t) => tile(t, [3, 2]))(tensor([[1, 2]])), [[6, 6]]);
  });

  test('broadcastTo', () => {
    checkGrad((t) => broadcastTo(t, [3, 2, 4]), [randomNormal([2, 4], 0, 1, 80)]);
    checkGrad((t) => broadcastTo(t, [2, 3, 4]), [randomNormal([2, 1, 4], 0, 1, 81)]);
    checkGrad((t) => broadcastTo(t, [2, 3]), [randomNormal([1, 1], 0, 1, 82)]);
    assertClose(grad((t) => broadcastTo(t, [2, 3, 2]))(tensor([[1], [2], [3]])), [[4], [4], [4]]);
  });

  test('expandDims', () => {
    checkGrad((t) => expandDims(t, 1), [m]);
    checkGrad((t) => mul(expandDims(t, -1), expandDims(t, 0)), [randomNormal([3], 0, 1, 83)]);
  });

  test('squeeze', () => {
    const s = randomNormal([1, 3, 1, 2], 0, 1, 84);
    checkGrad((t) => squeeze(t), [s]);
    checkGrad((t) => squeeze(t, 2), [s]);
    checkGrad((t) => squeeze(t, [0, 2]), [s]);
  });

  test('reverse', () => {
    checkGrad((t) => reverse(t, 1), [x]);
    checkGrad((t) => reverse(t, [0, 2]), [x]);
    checkGrad((t) => reverse(t), [x]);
    const [g] = grads((t) => mul(reverse(t), tensor([1, 2, 3])))([tensor([5, 6, 7])]);
    assertClose(g as Tensor, [3, 2, 1]);
  });

  test('a chain of movement ops', () => {
    checkGrad(
      (t) =>
        transpose(
          reverse(
            slice(
              pad(t, [
                [0, 1],
                [2, 0],
                [0, 0],
              ]),
              [1, 1, 0],
              [2, 3, 3],
            ),
            1,
          ),
        ),
      [x],
    );
  });
});

/** Rules reached only as adjoints of other gradients, checked at the kernel level. */
forEachBackend('movement kernel gradients', () => {
  test('Pad with interior padding (the adjoint of a strided slice)', () => {
    const x = randomNormal([2, 3], 0, 1, 85);
    checkGrad(
      (t) =>
        runKernel(
          'Pad',
          [t],
          { before: [1, 0], after: [0, 2], interior: [1, 2], value: 0 },
          { shape: [4, 9], dtype: 'float32' },
        ),
      [x],
    );
  });

  test('ScatterAdd with repeated indices (the adjoint of gather)', () => {
    const updates = randomNormal([2, 4, 3], 0, 1, 86);
    const idx = tensor([1, 0, 1, 3], [4], 'int32');
    checkGrad(
      (u) =>
        runKernel(
          'ScatterAdd',
          [u, idx],
          { axis: 1, size: 5 },
          {
            shape: [2, 5, 3],
            dtype: 'float32',
          },
        ),
      [updates],
    );
  });
});
