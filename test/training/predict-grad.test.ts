/**
 * `predict` is differentiable inside a gradient tape, as in TensorFlow.js (it used to run under
 * noGrad there and give `{}` or zeros), and still records nothing outside one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  grads,
  layers,
  mean,
  randomNormal,
  sequential,
  square,
  variableGrads,
  type Tensor,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

function net() {
  return sequential({
    layers: [
      layers.dense({
        units: 4,
        inputShape: [3],
        activation: 'tanh',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
        biasInitializer: { class_name: 'RandomNormal', config: { seed: 2, stddev: 0.1 } },
      }),
      layers.dense({
        units: 2,
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
      }),
    ],
  });
}

forEachBackend('predict under a gradient tape', () => {
  const x = randomNormal([5, 3], 0, 1, 7);

  test('variableGrads through predict equals variableGrads through apply, never zeros', () => {
    const m = net();
    const viaPredict = variableGrads(() => mean(square(m.predict(x, { batchSize: 2 }) as Tensor)));
    const viaApply = variableGrads(() => mean(square(m.apply(x))));
    const names = Object.keys(viaApply.grads).sort();
    assert.deepEqual(Object.keys(viaPredict.grads).sort(), names);
    assert.equal(names.length, 4);
    for (const name of names) {
      const g = viaPredict.grads[name] as Tensor;
      assertClose(g, (viaApply.grads[name] as Tensor).arraySync() as number[], {
        shape: g.shape,
        atol: 1e-6,
      });
      assert.ok(Math.max(...Array.from(g.dataSync()).map(Math.abs)) > 1e-3, `${name} is zero`);
    }
    assertClose(viaPredict.value, viaApply.value.arraySync() as number, { atol: 1e-7 });
  });

  test('gradients with respect to the input match finite differences (predictOnBatch too)', () => {
    const m = net();
    checkGrad((input) => m.predict(input as Tensor, { batchSize: 2 }) as Tensor, [x]);
    checkGrad((input) => m.predictOnBatch(input as Tensor) as Tensor, [x]);
    const [g] = grads((input) => mean(m.predict(input as Tensor) as Tensor))([x]);
    assert.deepEqual(g?.shape, [5, 3]);
  });

  test('outside a tape predict records nothing', () => {
    const y = net().predict(x) as Tensor;
    assert.equal(y.node, null);
  });
});
