/**
 * The backend seam: a second backend with its own handle type plugs in through
 * `registerBackend` alone, and tensors move between backends on first use. The stand-in here
 * boxes every value in an object (as a WebAssembly backend would hold an offset) and freezes
 * inputs to prove kernels never mutate them.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  getBackend,
  grad,
  listBackends,
  matMul,
  registerBackend,
  setBackend,
  tensor,
  type Backend,
  type DataHandle,
  type KernelTable,
  type TensorInfo,
  type TypedArray,
} from '../../src/index.js';
import { jsBackend } from '../../src/backend/js/index.js';

interface Box {
  readonly values: TypedArray;
}

let kernelCalls = 0;

function unbox(info: TensorInfo): TensorInfo {
  return { ...info, data: (info.data as Box).values };
}

function boxed(): Backend {
  const kernels = Object.fromEntries(
    Object.entries(jsBackend.kernels).map(([name, impl]) => [
      name,
      (inputs: readonly TensorInfo[], attrs: unknown, out: TensorInfo): DataHandle => {
        kernelCalls++;
        const before = inputs.map((i) => (i.data as Box).values.slice());
        const result = (
          impl as (i: readonly TensorInfo[], a: unknown, o: TensorInfo) => DataHandle
        )(inputs.map(unbox), attrs, out);
        inputs.forEach((i, k) =>
          assert.deepEqual((i.data as Box).values, before[k], `${name} mutated input ${k}`),
        );
        return { values: result as TypedArray } satisfies Box;
      },
    ]),
  ) as unknown as KernelTable;
  return {
    name: 'boxed',
    write: (values) => ({ values }) satisfies Box,
    read: (h) => (h as Box).values,
    kernels,
  };
}

afterEach(() => setBackend('js'));

test('a second backend registers, runs ops and gradients, and tensors migrate between backends', () => {
  registerBackend(boxed());
  assert.ok(listBackends().includes('boxed'));
  const a = tensor([
    [1, 2],
    [3, 4],
  ]); // made on js
  setBackend('boxed');
  assert.equal(getBackend(), 'boxed');
  kernelCalls = 0;
  const p = matMul(a, a).add(1);
  assert.ok(kernelCalls >= 2, 'kernels ran on the boxed backend');
  assert.deepEqual(p.arraySync(), [
    [8, 11],
    [16, 23],
  ]);
  const g = grad((x) => matMul(x, x).sum())(a);
  // d/dX sum(X X) = 1 X^T + X^T 1 (1 = ones): row sums of X^T plus column sums of X^T.
  assert.deepEqual(g.arraySync(), [
    [7, 11],
    [9, 13],
  ]);
  setBackend('js');
  assert.deepEqual(p.mul(2).arraySync(), [
    [16, 22],
    [32, 46],
  ]);
});

test('setBackend names the registered backends when given an unknown one', () => {
  assert.throws(() => setBackend('webgpu'), /unknown backend 'webgpu'; registered: js/);
});
