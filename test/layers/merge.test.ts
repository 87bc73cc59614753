import assert from 'node:assert/strict';
import { test } from 'node:test';
import { input, randomNormal, tensor, type Tensor } from '../../src/index.js';
import {
  Add,
  Average,
  Concatenate,
  Dot,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
  mergeLayers,
} from '../../src/layers/merge/index.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';

const A = (): Tensor =>
  tensor([
    [1, 5],
    [-2, 4],
  ]);
const B = (): Tensor =>
  tensor([
    [3, 2],
    [0, 6],
  ]);
const C = (): Tensor =>
  tensor([
    [2, 8],
    [-4, 1],
  ]);

forEachBackend('merge layers: conformance', () => {
  test('elementwise merges, with 3 inputs and broadcasting', () => {
    const makers = [Add, Multiply, Average, Maximum, Minimum];
    for (const L of makers) {
      checkLayer({
        make: () => new L(),
        input: [
          randomNormal([2, 3], 0, 1, 1),
          randomNormal([2, 3], 0, 1, 2),
          randomNormal([2, 3], 0, 1, 3),
        ],
        expectedOutputShape: [2, 3],
        expectedWeights: 0,
      });
    }
    checkLayer({
      make: () => new Subtract(),
      input: [randomNormal([2, 3, 4], 0, 1, 4), randomNormal([2, 4], 0, 1, 5)],
      expectedOutputShape: [2, 3, 4],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new Multiply(),
      input: [randomNormal([2, 3, 1], 0, 1, 6), randomNormal([2, 1, 4], 0, 1, 7)],
      expectedOutputShape: [2, 3, 4],
      expectedWeights: 0,
    });
  });
  test('Concatenate and Dot', () => {
    checkLayer({
      make: () => new Concatenate({ axis: 1 }),
      input: [randomNormal([2, 2, 3], 0, 1, 8), randomNormal([2, 1, 3], 0, 1, 9)],
      expectedOutputShape: [2, 3, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new Dot({ axes: 1 }),
      input: [randomNormal([2, 4], 0, 1, 10), randomNormal([2, 4], 0, 1, 11)],
      expectedOutputShape: [2, 1],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new Dot({ axes: [2, 1] }),
      input: [randomNormal([2, 3, 4], 0, 1, 12), randomNormal([2, 4, 5], 0, 1, 13)],
      expectedOutputShape: [2, 3, 5],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new Dot({ axes: -1, normalize: true }),
      input: [randomNormal([2, 3, 4], 0, 1, 14), randomNormal([2, 5, 4], 0, 1, 15)],
      expectedOutputShape: [2, 3, 5],
      expectedWeights: 0,
    });
  });
});

forEachBackend('merge layers: values', () => {
  test('Add, Subtract, Multiply, Average, Maximum, Minimum on hand values', () => {
    assertClose(new Add().apply([A(), B(), C()]) as Tensor, [
      [6, 15],
      [-6, 11],
    ]);
    assertClose(new Subtract().apply([A(), B()]) as Tensor, [
      [-2, 3],
      [-2, -2],
    ]);
    assertClose(new Multiply().apply([A(), B(), C()]) as Tensor, [
      [6, 80],
      [0, 24],
    ]);
    assertClose(new Average().apply([A(), B(), C()]) as Tensor, [
      [2, 5],
      [-2, 11 / 3],
    ]);
    assertClose(new Maximum().apply([A(), B(), C()]) as Tensor, [
      [3, 8],
      [0, 6],
    ]);
    assertClose(new Minimum().apply([A(), B(), C()]) as Tensor, [
      [1, 2],
      [-4, 1],
    ]);
  });
  test('broadcasting along non-batch dimensions: a lower rank input gains axes after the batch', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]); // [1, 3, 2]
    const y = tensor([[10, 20]]); // [1, 2] -> [1, 1, 2]
    assertClose(new Add().apply([x, y]) as Tensor, [
      [
        [11, 22],
        [13, 24],
        [15, 26],
      ],
    ]);
    const col = tensor([[[1], [2]]]); // [1, 2, 1]
    const row = tensor([[[1, 10, 100]]]); // [1, 1, 3]
    assertClose(new Multiply().apply([col, row]) as Tensor, [
      [
        [1, 10, 100],
        [2, 20, 200],
      ],
    ]);
    const out = new Add().apply([input({ shape: [3, 2] }), input({ shape: [2] })]);
    assert.deepEqual([...(Array.isArray(out) ? [] : out.shape)], [null, 3, 2]);
  });
  test('Concatenate along axis 1 of 3-D inputs, and the default last axis', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const y = tensor([
      [
        [5, 6],
        [7, 8],
      ],
      [
        [9, 10],
        [11, 12],
      ],
    ]); // [2, 2, 2]
    assertClose(new Concatenate({ axis: 1 }).apply([x, y]) as Tensor, [
      [
        [1, 2],
        [5, 6],
        [7, 8],
      ],
      [
        [3, 4],
        [9, 10],
        [11, 12],
      ],
    ]);
    assertClose(mergeLayers.concatenate().apply([A(), B()]) as Tensor, [
      [1, 5, 3, 2],
      [-2, 4, 0, 6],
    ]);
    const sym = new Concatenate({ axis: 1 }).apply([
      input({ shape: [null, 3] }),
      input({ shape: [2, 3] }),
    ]);
    assert.deepEqual([...(Array.isArray(sym) ? [] : sym.shape)], [null, null, 3]);
    assert.equal(new Concatenate({ axis: 1 }).getConfig().axis, 1);
  });
  test('Dot: 2-D rows, batched matmul, axes [1, 1], and cosine with normalize', () => {
    assertClose(new Dot({ axes: 1 }).apply([A(), B()]) as Tensor, [[13], [24]]);
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const y = tensor([
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    assertClose(new Dot({ axes: [2, 1] }).apply([x, y]) as Tensor, [
      [
        [19, 22],
        [43, 50],
      ],
    ]);
    // axes [1, 1]: x^T y
    assertClose(new Dot({ axes: [1, 1] }).apply([x, y]) as Tensor, [
      [
        [26, 30],
        [38, 44],
      ],
    ]);
    const cos = new Dot({ axes: 1, normalize: true }).apply([
      tensor([
        [3, 4],
        [1, 0],
      ]),
      tensor([
        [4, 3],
        [0, 2],
      ]),
    ]) as Tensor;
    assertClose(cos, [[0.96], [0]], { atol: 1e-6 });
    const d = mergeLayers.dot({ axes: [1, 2], normalize: true });
    assert.deepEqual(d.getConfig().axes, [1, 2]);
    assert.equal(d.getConfig().normalize, true);
    const sym = new Dot({ axes: [2, 1] }).apply([
      input({ shape: [null, 4] }),
      input({ shape: [4, 6] }),
    ]);
    assert.deepEqual([...(Array.isArray(sym) ? [] : sym.shape)], [null, null, 6]);
  });
  test('errors: input counts, shapes and arguments', () => {
    assert.throws(
      () => new Subtract().apply([A(), B(), C()]),
      /Subtract 'subtract(_\d+)?': A `Subtract` layer should be called on a list of exactly 2 inputs. Received: 3 inputs/,
    );
    assert.throws(
      () => new Add().apply([A()]),
      /An `Add` layer should be called on a list of at least 2 inputs. Received: 1 inputs/,
    );
    assert.throws(
      () => new Add().apply(A()),
      /should be called on a list of at least 2 inputs. Received: a single input of shape \(2, 2\)/,
    );
    assert.throws(
      () => new Add().apply([A(), tensor([[1, 2, 3]])]),
      /Cannot merge tensors with different batch sizes/,
    );
    assert.throws(
      () =>
        new Maximum().apply([
          A(),
          tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ]),
      /Maximum 'maximum(_\d+)?': Inputs have incompatible shapes. Received shapes \[\(2, 2\), \(2, 3\)\]/,
    );
    assert.throws(
      () => new Add().apply([input({ shape: [3] }), input({ shape: [4] })]),
      /Inputs have incompatible shapes/,
    );
    assert.throws(
      () => new Concatenate({ axis: 1 }).apply([tensor([[[1, 2]]]), tensor([[[1, 2, 3]]])]),
      /A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis \(1\)/,
    );
    assert.throws(
      () => new Concatenate().apply([A(), tensor([[[1, 2]]])]),
      /requires inputs of the same rank/,
    );
    assert.throws(
      () => new Concatenate({ axis: 1.5 }),
      /Invalid value for argument axis: expected an integer. Received: axis=1.5/,
    );
    assert.throws(
      () =>
        new Dot({ axes: 1 }).apply([
          A(),
          tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ]),
      /Incompatible input shapes: axis values 2 \(at axis 1\) != 3 \(at axis 1\)/,
    );
    assert.throws(
      () => new Dot({ axes: 0 }).apply([A(), B()]),
      /Cannot perform batch_dot over axis 0/,
    );
    assert.throws(
      () => new Dot({ axes: [1, 2, 3] as unknown as [number, number] }),
      /Invalid value for argument axes: expected an integer or a list of two integers. Received: axes=\[1,2,3\]/,
    );
    assert.throws(() => new Dot({ axes: 1 }).apply([A(), B(), C()]), /exactly 2 inputs/);
  });
});
