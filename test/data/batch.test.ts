import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, tensor, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers.js';

test('numbers, booleans, number arrays and typed arrays become tensors with the batch axis first', async () => {
  const [nums] = await data.array([1, 2, 3]).batch(3).toArray();
  assert.equal(nums!.dtype, 'float32');
  assertClose(nums!, [1, 2, 3]);
  const [bools] = await data.array([true, false]).batch(2).toArray();
  assert.equal(bools!.dtype, 'bool');
  assert.deepEqual(bools!.arraySync(), [true, false]);
  const [rows] = await data
    .array([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ])
    .batch(2)
    .toArray();
  assertClose(rows!, [
    [
      [1, 2],
      [3, 4],
    ],
    [
      [5, 6],
      [7, 8],
    ],
  ]);
  const [ints] = await data
    .array([new Int32Array([1, 2]), new Int32Array([3, 4])])
    .batch(2)
    .toArray();
  assert.equal(ints!.dtype, 'int32');
  assert.deepEqual(ints!.arraySync(), [
    [1, 2],
    [3, 4],
  ]);
});

test('tensors are stacked; the last batch is smaller unless smallLastBatch is false', async () => {
  const ds = data.array([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]);
  const batches = await ds.batch(2).toArray();
  assert.equal(ds.batch(2).size, 2);
  assertClose(batches[0]!, [
    [1, 2],
    [3, 4],
  ]);
  assertClose(batches[1]!, [[5, 6]]);
  const dropped = ds.batch(2, false);
  assert.equal(dropped.size, 1);
  assert.equal((await dropped.toArray()).length, 1);
  assert.equal(data.array([1]).repeat().batch(4).size, Infinity);
});

test('objects and arrays of tensors are batched entry by entry, to any depth', async () => {
  const elements = [
    { xs: { a: 1, b: [1, 2] }, ys: [tensor([1]), 10] },
    { xs: { a: 2, b: [3, 4] }, ys: [tensor([2]), 20] },
  ];
  const [b] = await data.array(elements).batch(2).toArray();
  const batch = b!;
  assertClose(batch.xs.a, [1, 2]);
  assertClose(batch.xs.b, [
    [1, 2],
    [3, 4],
  ]);
  assertClose(batch.ys[0] as Tensor, [[1], [2]]);
  assertClose(batch.ys[1] as Tensor, [10, 20]);
});

test('the batched structure of a zip is what fitDataset expects', async () => {
  const ds = data
    .zip({
      xs: data.array([
        [0, 1],
        [2, 3],
        [4, 5],
      ]),
      ys: data.array([0, 1, 0]),
    })
    .batch(2);
  const [first] = await ds.toArray();
  assertClose(first!.xs, [
    [0, 1],
    [2, 3],
  ]);
  assertClose(first!.ys, [0, 1]);
});

test('missing values, strings and mismatched elements are refused with the position', async () => {
  await assert.rejects(
    data
      .array([{ xs: { age: 3 } }, { xs: { age: undefined } }])
      .batch(2)
      .toArray(),
    /Dataset.batch: element 1 of the batch has no value at 'xs.age' \(received undefined\); give the column a default/,
  );
  await assert.rejects(
    data
      .array([{ xs: [1, 2] }, { xs: [3, undefined] }])
      .batch(2)
      .toArray(),
    /element 1 of the batch has no value at 'xs.1' \(received undefined\)/,
  );
  await assert.rejects(
    data
      .array([{ xs: [1, 2] }, { xs: [3, 'four'] }])
      .batch(2)
      .toArray(),
    /element 1 of the batch holds the string "four" at 'xs.1'/,
  );
  await assert.rejects(
    data
      .array([{ name: 'ann' }])
      .batch(1)
      .toArray(),
    /holds the string "ann" at 'name'; tensors are numeric/,
  );
  await assert.rejects(
    data
      .array<unknown>([1, [2]])
      .batch(2)
      .toArray(),
    /element 1 of the batch holds an array of length 1 at the element, expected a number like element 0/,
  );
  await assert.rejects(
    data
      .array([{ a: 1 }, { b: 1 }] as Record<string, number>[])
      .batch(2)
      .toArray(),
    /element 1 of the batch holds object at the element, expected an object with the keys a like element 0/,
  );
  await assert.rejects(
    data
      .array([tensor([1, 2]), tensor([1, 2, 3])])
      .batch(2)
      .toArray(),
    /cannot batch the tensors at the element: stack: tensor 1 has shape \[3\], expected \[2\]/,
  );
  await assert.rejects(
    data
      .array([tensor([1]), tensor([1], [1], 'int32')])
      .batch(2)
      .toArray(),
    /holds a int32 Tensor of shape \[1\] at the element, expected a float32 Tensor of shape \[1\]/,
  );
  await assert.rejects(
    data
      .array([[[1, 2]], [[1]]])
      .batch(2)
      .toArray(),
    /cannot batch the arrays at the element: tensor: ragged nested array/,
  );
});
