/**
 * `dataFormat: 'channels_first'` for convolution, padding, upsampling and pooling layers: the
 * same numbers as the channels_last layer (same weights) on the transposed input, transposed
 * back; symbolic output shapes in channels-first order. (Against Keras itself: the
 * channels_first fixture of test/saving/keras-archive.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AveragePooling2D,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  input,
  MaxPooling1D,
  MaxPooling2D,
  randomNormal,
  SeparableConv2D,
  transpose,
  UpSampling2D,
  ZeroPadding2D,
  type Layer,
  type Tensor,
} from '../../src/index.js';
import type { DataFormat } from '../../src/layers/conv/index.js';
import { forEachBackend } from '../helpers.js';

type Make = (dataFormat: DataFormat) => Layer;

const CASES: [string, number[], Make][] = [
  ['Conv1D', [2, 7, 3], (f) => new Conv1D({ filters: 2, kernelSize: 3, dataFormat: f })],
  [
    'Conv2D',
    [2, 6, 5, 3],
    (f) => new Conv2D({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', dataFormat: f }),
  ],
  [
    'DepthwiseConv2D',
    [2, 5, 5, 2],
    (f) => new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, dataFormat: f }),
  ],
  [
    'SeparableConv2D',
    [2, 5, 5, 2],
    (f) => new SeparableConv2D({ filters: 3, kernelSize: 2, dataFormat: f }),
  ],
  [
    'Conv2DTranspose',
    [2, 3, 4, 2],
    (f) => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, dataFormat: f }),
  ],
  [
    'ZeroPadding2D',
    [2, 3, 4, 2],
    (f) =>
      new ZeroPadding2D({
        padding: [
          [1, 0],
          [2, 1],
        ],
        dataFormat: f,
      }),
  ],
  ['UpSampling2D', [2, 3, 4, 2], (f) => new UpSampling2D({ size: [2, 3], dataFormat: f })],
  ['MaxPooling1D', [2, 6, 3], (f) => new MaxPooling1D({ poolSize: 2, dataFormat: f })],
  [
    'MaxPooling2D',
    [2, 5, 4, 3],
    (f) => new MaxPooling2D({ poolSize: 2, padding: 'same', dataFormat: f }),
  ],
  ['AveragePooling2D', [2, 4, 4, 3], (f) => new AveragePooling2D({ poolSize: 2, dataFormat: f })],
  [
    'GlobalAveragePooling2D',
    [2, 3, 4, 5],
    (f) => new GlobalAveragePooling2D({ keepdims: true, dataFormat: f }),
  ],
  ['GlobalMaxPooling1D', [2, 6, 3], (f) => new GlobalMaxPooling1D({ dataFormat: f })],
];

/** Channels-last axes -> channels-first axes (and the inverse). */
const toFirst = (rank: number): number[] => [
  0,
  rank - 1,
  ...Array.from({ length: rank - 2 }, (_, i) => i + 1),
];
const toLast = (rank: number): number[] => [
  0,
  ...Array.from({ length: rank - 2 }, (_, i) => i + 2),
  1,
];

forEachBackend('channels_first layers', () => {
  for (const [name, shape, make] of CASES)
    test(`${name}: channels_first equals channels_last between transposes, shapes included`, () => {
      const last = make('channels_last');
      const first = make('channels_first');
      const x = randomNormal(shape, 0, 1, 7);
      const yLast = last.apply(x) as Tensor;
      const xFirst = transpose(x, toFirst(shape.length));
      first.apply(xFirst); // builds the layer
      if (last.weights.length > 0) first.setWeights(last.getWeights());
      const yFirst = first.apply(xFirst) as Tensor;
      const back = yFirst.rank > 2 ? transpose(yFirst, toLast(yFirst.rank)) : yFirst;
      assert.deepEqual([...back.shape], [...yLast.shape]);
      const a = back.dataSync();
      const b = yLast.dataSync();
      for (let i = 0; i < b.length; i++)
        assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-6, `${name}[${i}]`);
      const symbolic = make('channels_first').apply(input({ shape: xFirst.shape.slice(1) }));
      assert.deepEqual([...symbolic.shape], [null, ...yFirst.shape.slice(1)]);
    });
});
