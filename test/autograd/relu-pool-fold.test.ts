/**
 * The relu-pool fold (`src/autograd/gradients/relu-pool.ts`): `MaxPoolReluGrad` is
 * `MaxPoolGrad` then `ReluGrad`, bit for bit on every backend (ties, zeros and NaN at the chosen
 * element, -0 in dy, overlapping, padded and gapped windows, channel counts off the SIMD width);
 * backpropagation through a relu and then max pooling runs it instead of the two kernels and
 * gives the unfolded path's bits (a relu-activated convolution kernel, bias + relu, the relu op,
 * a Conv2D layer); where it must not fold (a linear activation, a second reader of the
 * activation, a pooled input) it does not; finite-difference checks through the fold.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add,
  getBackend,
  grads,
  layers,
  maxPool2d,
  mul,
  relu,
  sum,
  tensor,
  type Tensor,
} from '../../src/index.js';
import type { PoolAttrs } from '../../src/backend/kernels.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { reshapeView, runKernel } from '../../src/engine/engine.js';
import { biasActivation, reluGrad } from '../../src/ops/fused.js';
import { conv2dBiasActivation } from '../../src/ops/conv.js';
import { checkGrad } from '../gradcheck.js';
import { forEachBackend, fuzzRandom } from '../helpers.js';

const f32 = 'float32' as const;

type AnyKernel = (...args: unknown[]) => unknown;

/** Runs `f` counting the calls of the current backend's kernels named in `spied`. */
function countingCalls<T>(spied: readonly string[], f: () => T): { result: T; calls: string[] } {
  const backend = getBackend() === 'wasm' && wasmBackend !== null ? wasmBackend : jsBackend;
  const table = backend.kernels as unknown as Record<string, AnyKernel>;
  const saved = spied.map((name) => table[name] as AnyKernel);
  const calls: string[] = [];
  spied.forEach((name, i) => {
    table[name] = (...args: unknown[]) => {
      calls.push(name);
      return (saved[i] as AnyKernel)(...args);
    };
  });
  try {
    return { result: f(), calls };
  } finally {
    spied.forEach((name, i) => (table[name] = saved[i] as AnyKernel));
  }
}

const bitsOf = (t: Tensor): number[] => Array.from(t.dataSync());

/** Coarse values with exact ties, zeros and negatives (a relu's output has many zeros). */
function coarse(n: number, seed: number): Float32Array {
  const rand = fuzzRandom(seed);
  return Float32Array.from({ length: n }, () => {
    const r = rand() * 2 - 1;
    return Math.abs(r) < 0.2 ? 0 : Math.round(r * 8) / 4;
  });
}

// [x shape [h, w, c], pool, strides, pad [top, bottom, left, right]]
type PoolCase = [[number, number, number], [number, number], [number, number], number[]];
const POOL_CASES: PoolCase[] = [
  [
    [6, 6, 8],
    [2, 2],
    [2, 2],
    [0, 0, 0, 0],
  ], // W3's: 2x2 disjoint, the straight-line path
  [
    [7, 5, 3],
    [2, 2],
    [2, 2],
    [0, 1, 0, 1],
  ], // 'same' on odd sizes, a scalar channel tail
  [
    [5, 5, 6],
    [3, 3],
    [2, 2],
    [1, 1, 1, 1],
  ], // overlapping windows: sums where they meet
  [
    [5, 6, 13],
    [3, 2],
    [1, 2],
    [0, 0, 0, 0],
  ], // overlapping rows only
  [
    [8, 7, 4],
    [2, 3],
    [3, 4],
    [0, 0, 0, 0],
  ], // gaps between windows
  [
    [2, 2, 5],
    [3, 3],
    [3, 3],
    [2, 2, 2, 2],
  ], // windows entirely in the padding
];

function poolCase([[h, w, c], filterSize, strides, [top, bottom, left, right]]: PoolCase): {
  xShape: number[];
  dyShape: number[];
  attrs: PoolAttrs;
} {
  const [fh, fw] = filterSize;
  const oh = Math.floor((h + (top as number) + (bottom as number) - fh) / strides[0]) + 1;
  const ow = Math.floor((w + (left as number) + (right as number) - fw) / strides[1]) + 1;
  return {
    xShape: [2, h, w, c],
    dyShape: [2, oh, ow, c],
    attrs: {
      filterSize,
      strides,
      pad: {
        top: top as number,
        bottom: bottom as number,
        left: left as number,
        right: right as number,
      },
    },
  };
}

test('MaxPoolReluGrad on 4 hand-computed windows: dy only where the chosen element is > 0', () => {
  // One image 2x4, one channel, two 2x2 windows... as [1, 2, 4, 1]: windows [1, 3 | 0, 2] and
  // [0, 0 | -1, 0]; a window whose maximum is 0 (a relu's dead unit) passes nothing, and so does
  // one whose first element is a NaN (the NaN is the chosen one).
  const attrs: PoolAttrs = {
    filterSize: [2, 2],
    strides: [2, 2],
    pad: { top: 0, bottom: 0, left: 0, right: 0 },
  };
  const x = tensor([1, 3, 0, 0, 0, 2, -1, 0], [1, 2, 4, 1]);
  const dy = tensor([5, 7], [1, 1, 2, 1]);
  const got = runKernel('MaxPoolReluGrad', [x, dy], attrs, { shape: x.shape, dtype: f32 });
  assert.deepEqual(bitsOf(got), [0, 5, 0, 0, 0, 0, 0, 0]);
  const withNaN = tensor([NaN, 3, 4, 0, 0, 2, -1, 6], [1, 2, 4, 1]);
  const got2 = runKernel('MaxPoolReluGrad', [withNaN, dy], attrs, { shape: x.shape, dtype: f32 });
  assert.deepEqual(bitsOf(got2), [0, 0, 0, 0, 0, 0, 0, 7]);
});

forEachBackend('MaxPoolReluGrad', () => {
  test('is MaxPoolGrad then ReluGrad, bit for bit (ties, zeros, NaN, -0, every window kind)', () => {
    let seed = 3;
    for (const c of POOL_CASES) {
      const { xShape, dyShape, attrs } = poolCase(c);
      for (const withSpecial of [false, true]) {
        const xs = coarse(
          xShape.reduce((a, b) => a * b, 1),
          seed++,
        );
        // As a relu's output would not hold them, but the kernel's contract covers any x.
        if (withSpecial)
          for (let i = 0; i < xs.length; i += 7)
            xs[i] = [NaN, -Infinity, Infinity, -0][i % 4] as number;
        const dys = coarse(
          dyShape.reduce((a, b) => a * b, 1),
          seed++,
        );
        for (let i = 0; i < dys.length; i += 5) dys[i] = -0;
        const x = tensor(xs, xShape);
        const dy = tensor(dys, dyShape);
        const fused = runKernel('MaxPoolReluGrad', [x, dy], attrs, { shape: xShape, dtype: f32 });
        const pooled = runKernel('MaxPoolGrad', [x, dy], attrs, { shape: xShape, dtype: f32 });
        assert.deepEqual(bitsOf(fused), bitsOf(reluGrad(pooled, x)), JSON.stringify(c));
      }
    }
  });

  test('a relu-activated convolution, bias + relu and relu before max pooling: folded, same bits', () => {
    const x = tensor(coarse(2 * 9 * 8 * 3, 11), [2, 9, 8, 3]);
    const filter = tensor(coarse(3 * 3 * 3 * 8, 12), [3, 3, 3, 8]);
    const bias = tensor(coarse(8, 13), [8]);
    const z = tensor(coarse(2 * 6 * 6 * 5, 14), [2, 6, 6, 5]);
    const b5 = tensor(coarse(5, 15), [5]);
    // pooled(y) is max pooling of y; unfolded puts an identity view between, which the fold
    // does not see through, so relu's gradient runs as its own kernel after MaxPoolGrad.
    const cases: [string, (pool: (y: Tensor) => Tensor, ...xs: Tensor[]) => Tensor, Tensor[]][] = [
      [
        'conv2dBiasActivation',
        (pool, a, f, b) =>
          pool(conv2dBiasActivation(a as Tensor, f as Tensor, b as Tensor, 'relu')),
        [x, filter, bias],
      ],
      [
        'biasActivation',
        (pool, a, b) => pool(biasActivation(a as Tensor, b as Tensor, 'relu')),
        [z, b5],
      ],
      ['relu', (pool, a) => pool(relu(a as Tensor)), [z]],
    ];
    for (const [name, f, inputs] of cases) {
      for (const [size, strides, padding] of [
        [2, 2, 'valid'],
        [3, 1, 'same'],
      ] as const) {
        const pool = (y: Tensor): Tensor => maxPool2d(y, size, strides, padding);
        const viewed = (y: Tensor): Tensor =>
          maxPool2d(reshapeView(y, y.shape), size, strides, padding);
        const probe = f(pool, ...inputs);
        const dy = tensor(coarse(probe.size, 16), probe.shape);
        const loss =
          (p: (y: Tensor) => Tensor) =>
          (...xs: Tensor[]) =>
            sum(mul(f(p, ...xs), dy));
        const spied = ['MaxPoolReluGrad', 'MaxPoolGrad', 'ReluGrad'];
        const folded = countingCalls(spied, () => grads(loss(pool))(inputs));
        const unfolded = countingCalls(spied, () => grads(loss(viewed))(inputs));
        assert.deepEqual(folded.calls, ['MaxPoolReluGrad'], `${name}: folded`);
        assert.deepEqual(unfolded.calls, ['MaxPoolGrad', 'ReluGrad'], `${name}: unfolded`);
        folded.result.forEach((g, k) =>
          assert.deepEqual(bitsOf(g), bitsOf(unfolded.result[k] as Tensor), `${name}: input ${k}`),
        );
      }
    }
  });

  test('not folded: a linear activation, a second reader of the activation, a pooled input', () => {
    const z = tensor(coarse(2 * 6 * 6 * 4, 21), [2, 6, 6, 4]);
    const b = tensor(coarse(4, 22), [4]);
    const spied = ['MaxPoolReluGrad', 'MaxPoolGrad', 'ReluGrad'];
    const linear = countingCalls(spied, () =>
      grads((a: Tensor, c: Tensor) => sum(maxPool2d(biasActivation(a, c, 'linear'))))([z, b]),
    );
    assert.deepEqual(linear.calls, ['MaxPoolGrad']);
    // relu's output also summed: its gradient is the pooling's plus ones, relu's applied after.
    const twoReaders = countingCalls(spied, () =>
      grads((a: Tensor) => {
        const y = relu(a);
        return add(sum(maxPool2d(y)), sum(y));
      })([z]),
    );
    assert.deepEqual(twoReaders.calls, ['MaxPoolGrad', 'ReluGrad']);
    const [g] = twoReaders.result;
    const y = relu(z);
    const dy = tensor(new Float32Array(2 * 3 * 3 * 4).fill(1), [2, 3, 3, 4]);
    const pooled = runKernel('MaxPoolGrad', [y, dy], poolCase(POOL_CASES[0] as PoolCase).attrs, {
      shape: y.shape,
      dtype: f32,
    });
    const ones = tensor(new Float32Array(y.size).fill(1), y.shape);
    assert.deepEqual(bitsOf(g as Tensor), bitsOf(reluGrad(add(pooled, ones), y)));
    // The watched tensor itself pooled: its gradient is MaxPoolGrad's, evaluated at the end.
    const leaf = countingCalls(spied, () => grads((a: Tensor) => sum(maxPool2d(a)))([z]));
    assert.deepEqual(leaf.calls, ['MaxPoolGrad']);
  });

  test('a Conv2D layer with relu before MaxPooling2D trains through the fold, same bits', () => {
    const conv = layers.conv2d({
      filters: 8,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 5 } },
      biasInitializer: { class_name: 'RandomNormal', config: { seed: 6, stddev: 0.1 } },
    });
    const pool = layers.maxPooling2d({ poolSize: 2 });
    const x = tensor(coarse(3 * 10 * 10 * 2, 31), [3, 10, 10, 2]);
    const dy = tensor(coarse(3 * 4 * 4 * 8, 32), [3, 4, 4, 8]);
    const layerGrads = countingCalls(['MaxPoolReluGrad', 'ReluGrad'], () =>
      grads((t: Tensor) => sum(mul(pool.apply(conv.apply(t) as Tensor) as Tensor, dy)))([x]),
    );
    assert.deepEqual(layerGrads.calls, ['MaxPoolReluGrad']);
    const [kernel, bias] = conv.trainableWeights;
    const [unfolded] = grads((t: Tensor) => {
      const y = conv2dBiasActivation(t, kernel as Tensor, bias as Tensor, 'relu');
      return sum(mul(maxPool2d(reshapeView(y, y.shape), 2), dy));
    })([x]);
    assert.deepEqual(bitsOf(layerGrads.result[0] as Tensor), bitsOf(unfolded as Tensor));
  });

  test('gradient checks through the fold (relu-activated convolution, then max pooling)', () => {
    // Normal values: ties and zeros at the kinks are improbable, so finite differences hold.
    const rand = fuzzRandom(41);
    const normal = (n: number, scale: number) =>
      Float32Array.from({ length: n }, () => (rand() + rand() + rand() - 1.5) * scale);
    const x = tensor(normal(1 * 6 * 6 * 2, 1), [1, 6, 6, 2]);
    const filter = tensor(normal(3 * 3 * 2 * 4, 0.5), [3, 3, 2, 4]);
    const bias = tensor(Float32Array.from(normal(4, 0.2)), [4]);
    checkGrad((a, f, b) => maxPool2d(conv2dBiasActivation(a, f, b, 'relu'), 2), [x, filter, bias], {
      eps: 1e-3,
    });
    checkGrad(
      (a, b) => maxPool2d(biasActivation(a, b, 'relu'), 3, 1, 'same'),
      [tensor(normal(2 * 4 * 4 * 3, 1), [2, 4, 4, 3]), tensor(normal(3, 0.3), [3])],
      { eps: 1e-3 },
    );
  });
});
