/**
 * A mask given to `apply` (Keras's `layer(x, mask=...)`) is used, by single layers, Sequential
 * and functional models and Bidirectional, instead of being dropped; bad masks are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Bidirectional,
  input,
  LSTM,
  model,
  randomNormal,
  sequential,
  tensor,
  type SymbolicTensor,
  type Tensor,
} from '../../src/index.js';
import { getMask, setMask } from '../../src/layers/base/masking.js';
import { forEachBackend } from '../helpers.js';

const seeded = {
  units: 3,
  kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
  recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
};
const x = (): Tensor => randomNormal([2, 4, 2], 0, 1, 3);
const mask = (): Tensor =>
  tensor(
    [
      [true, true, false, false],
      [true, true, true, true],
    ],
    [2, 4],
    'bool',
  );
const values = (t: Tensor | Tensor[]): number[] => Array.from((t as Tensor).dataSync());

/** The output with the mask registered on the input, the usual way. */
function withRegistered(apply: (input: Tensor) => Tensor | Tensor[]): number[] {
  const input = x();
  setMask(input, mask());
  return values(apply(input));
}

forEachBackend('apply(x, { mask })', () => {
  test('a recurrent layer uses the given mask', () => {
    const lstm = new LSTM(seeded);
    const given = values(lstm.apply(x(), { mask: mask() }));
    assert.deepEqual(
      given,
      withRegistered((t) => lstm.apply(t)),
    );
    assert.notDeepEqual(given, values(lstm.apply(x())));
    // null means "not given" (Keras's mask=None): the registered mask is used.
    assert.deepEqual(
      withRegistered((t) => lstm.apply(t, { mask: null })),
      given,
    );
    assert.ok(lstm.apply(input({ shape: [4, 2] }), { mask: null }));
  });

  test('Sequential, functional models and Bidirectional pass it on; the input keeps no mask', () => {
    const lstm = new LSTM(seeded);
    const stack = sequential({ layers: [lstm] });
    const data = x();
    assert.deepEqual(
      values(stack.apply(data, { mask: mask() })),
      withRegistered((t) => lstm.apply(t)),
    );
    const inp = input({ shape: [4, 2] });
    const functional = model({ inputs: inp, outputs: lstm.apply(inp) as SymbolicTensor });
    assert.deepEqual(
      values(functional.apply(data, { mask: mask() })),
      withRegistered((t) => lstm.apply(t)),
    );
    assert.equal(getMask(data), null);
    const bi = new Bidirectional({ layer: new LSTM(seeded) });
    assert.deepEqual(
      values(bi.apply(x(), { mask: mask() })),
      withRegistered((t) => bi.apply(t)),
    );
  });

  test('bad masks are refused', () => {
    const lstm = new LSTM(seeded);
    assert.throws(
      () => lstm.apply(x(), { mask: tensor([[1, 0, 0, 0]], [1, 4], 'int32') }),
      /options.mask must be a bool tensor whose first dimension is the batch of input 0 \(\[2,4,2\]\), or null; received int32 \[1,4\]/,
    );
    assert.throws(
      () => lstm.apply(input({ shape: [4, 2] }), { mask: mask() }),
      /a mask cannot be given to a symbolic application/,
    );
  });
});
