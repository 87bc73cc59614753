/**
 * Two nested models whose layers share a name train as Keras trains them: gradients are keyed by
 * the variables themselves, not by their names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { input, layers, model, sequential, tensor, type Tensor } from '../../src/index.js';

test('nested models with same-named layers both train', async () => {
  const make = (): ReturnType<typeof sequential> =>
    sequential({
      layers: [layers.dense({ units: 2, inputShape: [2], name: 'fc', kernelInitializer: 'ones' })],
    });
  const a = make();
  const b = make();
  const x = input({ shape: [2] });
  const outer = model({
    inputs: x,
    outputs: layers.add().apply([a.apply(x), b.apply(x)]) as never,
  });
  assert.equal(a.layers[0]!.weights[0]!.name, b.layers[0]!.weights[0]!.name, 'the names collide');
  outer.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await outer.fit(tensor([[1, 2]]), tensor([[0, 0]]), { epochs: 1, verbose: 0 });
  // Each kernel started at ones; d(mse)/dW = x^T (2 * (y - t) / 2) with y = 2 * [3, 3]: 6 per
  // unit, so W = 1 - 0.01 * [[6], [12]] on both sides.
  for (const m of [a, b]) {
    const w = m.layers[0]!.weights[0] as Tensor;
    const values = w.arraySync() as number[][];
    assert.ok(Math.abs(values[0]![0]! - 0.94) < 1e-6, String(values));
    assert.ok(Math.abs(values[1]![0]! - 0.88) < 1e-6, String(values));
  }
});
