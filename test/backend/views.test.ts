/**
 * Views: `leadingSlice` shares its input's storage on a backend with `Backend.view` (the js and
 * wasm backends) and copies through the Slice kernel elsewhere; either way it is recorded as a
 * slice.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import * as lm from '../../src/index.js';
import { leadingSlice, registerBackend } from '../../src/engine/engine.js';
import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import type { WasmData } from '../../src/backend/wasm/memory.js';

afterEach(() => lm.setBackend('js'));

const backends = wasmBackend === null ? ['js'] : ['js', 'wasm'];

/** The JS array behind a tensor on the js or wasm backend. */
function valuesOf(t: lm.Tensor): Float32Array {
  const data = t.storage.data as Float32Array | WasmData;
  return (data instanceof Float32Array ? data : data.js) as Float32Array;
}

for (const name of backends) {
  test(`leadingSlice shares storage and differentiates as a slice [${name}]`, () => {
    lm.setBackend(name);
    const x = lm.tensor(
      Array.from({ length: 24 }, (_, i) => i),
      [4, 3, 2],
    );
    const part = leadingSlice(x, 1, 2);
    assert.deepEqual(part.shape, [2, 3, 2]);
    assert.deepEqual([...part.dataSync()], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const whole = valuesOf(x);
    const shared = valuesOf(part);
    assert.equal(shared.buffer, whole.buffer);
    assert.equal(shared.byteOffset, whole.byteOffset + 6 * 4);
    // Read by a later kernel (resident in linear memory on wasm): the right values.
    assert.deepEqual([...part.mul(2).dataSync().slice(0, 3)], [12, 14, 16]);
    const grad = lm.grad((t: lm.Tensor) => leadingSlice(t, 3, 1).mul(lm.scalar(5)).sum())(x);
    assert.deepEqual(
      [...grad.dataSync()],
      [...new Array<number>(18).fill(0), ...new Array<number>(6).fill(5)],
    );
  });
}

test('leadingSlice copies through the Slice kernel on a backend without views', () => {
  const { view: _view, ...rest } = jsBackend;
  const copying: Backend = { ...rest, name: 'copying' };
  registerBackend(copying);
  lm.setBackend('copying');
  const x = lm.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
  const part = leadingSlice(x, 2, 1);
  assert.deepEqual([...part.dataSync()], [5, 6]);
  assert.notEqual(valuesOf(part).buffer, valuesOf(x).buffer);
  const grad = lm.grad((t: lm.Tensor) => leadingSlice(t, 0, 2).sum())(x);
  assert.deepEqual([...grad.dataSync()], [1, 1, 1, 1, 0, 0]);
});

test('leadingSlice names the rows it was asked for and the shape it received', () => {
  const x = lm.zeros([4, 2]);
  assert.throws(
    () => leadingSlice(x, 3, 2),
    /leadingSlice: expected rows \[3, 5\) within the first axis of a tensor of shape \[4,2\]/,
  );
  assert.throws(() => leadingSlice(lm.scalar(1), 0, 1), /shape \[\]/);
});
