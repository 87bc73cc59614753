/**
 * Every layer with weights resolves its initializer, regularizer and constraint the same way
 * (one WeightParams): bad identifiers fail at construction, and once built, the config reports
 * what is on the weight now, including a regularizer removed after building (Keras 3).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  Embedding,
  l2,
  LSTM,
  ones,
  tensor,
  type Layer,
  type LayerWeight,
} from '../../src/index.js';
import { forEachBackend } from '../helpers.js';

interface Case {
  name: string;
  make: () => Layer;
  input: () => ReturnType<typeof ones>;
  weight: string;
  key: string;
}

const cases: Case[] = [
  {
    name: 'Dense',
    make: () => new Dense({ units: 2, kernelRegularizer: l2(0.1) }),
    input: () => ones([1, 3]),
    weight: 'kernel',
    key: 'kernel_regularizer',
  },
  {
    name: 'Conv2D',
    make: () => new Conv2D({ filters: 2, kernelSize: 1, kernelRegularizer: l2(0.1) }),
    input: () => ones([1, 2, 2, 1]),
    weight: 'kernel',
    key: 'kernel_regularizer',
  },
  {
    name: 'Embedding',
    make: () => new Embedding({ inputDim: 3, outputDim: 2, embeddingsRegularizer: l2(0.1) }),
    input: () => tensor([[1, 2]], undefined, 'int32'),
    weight: 'embeddings',
    key: 'embeddings_regularizer',
  },
  {
    name: 'BatchNormalization',
    make: () => new BatchNormalization({ gammaRegularizer: l2(0.1) }),
    input: () => ones([2, 3]),
    weight: 'gamma',
    key: 'gamma_regularizer',
  },
  {
    name: 'LSTM kernel',
    make: () => new LSTM({ units: 2, kernelRegularizer: l2(0.1) }),
    input: () => ones([1, 2, 3]),
    weight: 'kernel',
    key: 'kernel_regularizer',
  },
  {
    name: 'LSTM recurrent kernel',
    make: () => new LSTM({ units: 2, recurrentRegularizer: l2(0.1) }),
    input: () => ones([1, 2, 3]),
    weight: 'recurrent_kernel',
    key: 'recurrent_regularizer',
  },
];

forEachBackend('weight settings', () => {
  for (const c of cases) {
    test(`${c.name}: a regularizer removed after building is gone from losses and config`, () => {
      const layer = c.make();
      assert.notEqual(layer.getConfig()[c.key], null, 'before building, the config has it');
      layer.apply(c.input());
      const w = layer.weights.find((x) => x.shortName === c.weight) as LayerWeight;
      assert.equal(w.regularizer?.className, 'L2');
      w.regularizer = null;
      assert.equal(layer.losses.length, 0);
      assert.equal(layer.getConfig()[c.key], null);
    });
  }
});
