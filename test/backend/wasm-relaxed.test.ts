/**
 * The relaxed-SIMD build of the wasm kernels (fused multiply-adds, assembly/madd.ts), which Node 20
 * validates only with `--experimental-wasm-relaxed-simd`: this file sets that flag before the
 * kernels load (each test file is its own process, so no other file sees it), checks that the
 * backend then picks the relaxed build, and compares it with the reference backend on GEMMs of odd
 * shapes (edge tiles of its 6-row tile, k split into panels, transposed operands), the direct
 * few-channel convolution and its filter gradient, depthwise convolution and both gradients, and a
 * short Dense + Conv2D training run and an LSTM + GRU one. `setKernelVariant('plain')` must then give the plain build's
 * exact bits (those of a second backend loaded plain), threads included, and switching back the
 * relaxed bits again.
 */
import v8 from 'node:v8';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { KernelVariant, Tensor } from '../../src/index.js';

// Node 21+ validates relaxed SIMD by default (and no longer knows the flag).
if (Number(process.versions.node.split('.')[0]) <= 20)
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
// Loaded after the flag: the backend validates the relaxed build as it instantiates.
const lm = await import('../../src/index.js');
const { createWasmBackend } = await import('../../src/backend/wasm/backend.js');
const { loadKernels } = await import('../../src/backend/wasm/module.js');
const { getKernelVariant, setKernelVariant, setThreads } = lm;

after(() => setThreads(1));

let seed = 5;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const floats = (n: number): Float32Array => Float32Array.from({ length: n }, rand);
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

type Case = () => Tensor[];

/** Runs f on a backend and returns its outputs' values. */
function on(backend: string, f: Case): Float32Array[] {
  lm.setBackend(backend);
  try {
    return f().map((t) => t.dataSync() as Float32Array);
  } finally {
    lm.setBackend('wasm');
  }
}

/**
 * |got - want| <= tol * max(1, max |want|): float32 sums in another order (and rounded once per
 * multiply-add) differ by a few ulps of the largest terms, which cancellation can leave next to a
 * small element.
 */
function assertNear(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    assert.ok(
      Math.abs(g - w) <= tol * scale,
      `${what}: element ${i} is ${g}, the reference backend gives ${w} (scale ${scale})`,
    );
  }
}

function assertBits(got: Float32Array[], want: Float32Array[], what: string): void {
  assert.equal(got.length, want.length, `${what}: outputs`);
  got.forEach((g, i) =>
    assert.deepEqual(
      new Uint32Array(g.buffer, g.byteOffset, g.length),
      new Uint32Array(want[i]!.buffer, want[i]!.byteOffset, want[i]!.length),
      `${what}: output ${i} bit for bit`,
    ),
  );
}

/** A product and its two gradients, with the operands stored transposed or not. */
function gemmCase(m: number, k: number, n: number, ta: boolean, tb: boolean): Case {
  const a = floats(m * k);
  const b = floats(k * n);
  return () => {
    const A = lm.tensor(a, ta ? [k, m] : [m, k]);
    const B = lm.tensor(b, tb ? [n, k] : [k, n]);
    const f = (x: Tensor, y: Tensor) => lm.sum(lm.square(lm.matMul(x, y, ta, tb)));
    const { value, grads } = lm.valueAndGrads(f)([A, B]);
    return [lm.matMul(A, B, ta, tb), value, ...grads];
  };
}

const gemms: [string, Case][] = [
  // 6-row tiles with 1-5 rows left over, 8-column panels with 1-7 columns left over
  ['13 x 29 x 700 (k in two panels)', gemmCase(13, 700, 29, false, false)],
  ['67 x 45 x 1100 (three panels, A blocks of 60 rows), A^T', gemmCase(67, 1100, 45, true, false)],
  ['1 x 9 x 17, B^T', gemmCase(1, 17, 9, false, true)],
  ['130 x 70 x 64, A^T B^T', gemmCase(130, 64, 70, true, true)],
];

const conv = (
  x: [number, number, number, number],
  f: [number, number, number, number],
  strides: [number, number],
  padding: 'same' | 'valid',
  dilation: [number, number] = [1, 1],
): Case => {
  const xv = floats(size(x));
  const fv = floats(size(f));
  return () => {
    const X = lm.tensor(xv, x);
    const F = lm.tensor(fv, f);
    const y = (a: Tensor, b: Tensor) => lm.conv2d(a, b, strides, padding, dilation);
    const { value, grads } = lm.valueAndGrads((a: Tensor, b: Tensor) => lm.sum(lm.square(y(a, b))))(
      [X, F],
    );
    return [y(X, F), value, ...grads];
  };
};

const depthwise = (
  x: [number, number, number, number],
  f: [number, number, number, number],
  strides: [number, number],
  padding: 'same' | 'valid',
): Case => {
  const xv = floats(size(x));
  const fv = floats(size(f));
  return () => {
    const X = lm.tensor(xv, x);
    const F = lm.tensor(fv, f);
    const y = (a: Tensor, b: Tensor) => lm.depthwiseConv2d(a, b, strides, padding);
    const { value, grads } = lm.valueAndGrads((a: Tensor, b: Tensor) => lm.sum(lm.square(y(a, b))))(
      [X, F],
    );
    return [y(X, F), value, ...grads];
  };
};

const convs: [string, Case][] = [
  // c < 4 input channels, co % 4 == 0: the direct kernels (convDirect, convFilterDirect)
  ['direct conv 3 -> 12 channels, 3x3, same', conv([2, 9, 11, 3], [3, 3, 3, 12], [1, 1], 'same')],
  ['direct conv 1 -> 8, 5x5, stride 2, valid', conv([1, 13, 12, 1], [5, 5, 1, 8], [2, 2], 'valid')],
  [
    'direct conv 2 -> 4, 3x3, dilation 2',
    conv([2, 10, 10, 2], [3, 3, 2, 4], [1, 1], 'same', [2, 2]),
  ],
  // through im2col and the GEMM
  ['conv 6 -> 10 channels, 3x3, same', conv([2, 8, 9, 6], [3, 3, 6, 10], [1, 1], 'same')],
  ['depthwise 6 channels, multiplier 1', depthwise([2, 7, 8, 6], [3, 3, 6, 1], [1, 1], 'same')],
  ['depthwise 5 channels, multiplier 2', depthwise([1, 9, 7, 5], [3, 2, 5, 2], [2, 1], 'valid')],
];

const glorot = (s: number) => ({ class_name: 'GlorotUniform', config: { seed: s } });
const orthogonal = (s: number) => ({ class_name: 'Orthogonal', config: { seed: s } });

/** Three seeded epochs of a 3-class classifier; the per-epoch losses and the weights. */
async function fitThreeEpochs(
  model: ReturnType<typeof lm.sequential>,
  x: Tensor,
  seed: number,
): Promise<Float32Array[]> {
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const n = x.shape[0] as number;
  const y = lm.tensor(
    Array.from({ length: n }, (_, i) => (i * 5) % 3),
    [n],
  );
  const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed });
  return [
    Float32Array.from(h.history.loss as number[]),
    ...model.getWeights().map((w) => w.dataSync() as Float32Array),
  ];
}

/** A seeded Conv2D + Dense classifier, three epochs. */
async function train(): Promise<Float32Array[]> {
  const model = lm.sequential({
    layers: [
      lm.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        inputShape: [8, 8, 3],
        activation: 'relu',
        kernelInitializer: glorot(1),
      }),
      lm.layers.conv2d({ filters: 6, kernelSize: 3, kernelInitializer: glorot(2) }),
      lm.layers.flatten(),
      lm.layers.dense({ units: 16, activation: 'relu', kernelInitializer: glorot(3) }),
      lm.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(4) }),
    ],
  });
  return fitThreeEpochs(model, lm.randomNormal([32, 8, 8, 3], 0, 1, 21), 9);
}

/**
 * Three epochs of an LSTM then a GRU (reset before the product), 16 units each: the units that
 * the fused sequences' register tiles take (assembly/recurrent-tiles.ts), forward and backward.
 */
async function trainRecurrent(): Promise<Float32Array[]> {
  const model = lm.sequential({
    layers: [
      lm.layers.lstm({
        units: 16,
        returnSequences: true,
        inputShape: [7, 5],
        kernelInitializer: glorot(5),
        recurrentInitializer: orthogonal(6),
      }),
      lm.layers.gru({
        units: 16,
        resetAfter: false,
        kernelInitializer: glorot(7),
        recurrentInitializer: orthogonal(8),
      }),
      lm.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(9) }),
    ],
  });
  return fitThreeEpochs(model, lm.randomNormal([24, 7, 5], 0, 1, 22), 10);
}

async function trainOn(
  backend: string,
  run: () => Promise<Float32Array[]> = train,
): Promise<Float32Array[]> {
  lm.setBackend(backend);
  try {
    return await run();
  } finally {
    lm.setBackend('wasm');
  }
}

// A second backend loaded with the plain build, for the plain bits.
const plain = createWasmBackend(await loadKernels(256, false, 'plain'));
lm.registerBackend({ ...plain, name: 'wasm-plain' });

test('with the flag, the backend loads the relaxed build', () => {
  assert.equal(getKernelVariant(), 'relaxed');
  assert.equal(plain.kernelVariant(), 'plain');
});

test('relaxed GEMMs agree with the reference backend, and fuse (bits differ from plain)', () => {
  let differs = 0;
  for (const [what, f] of gemms) {
    const got = on('wasm', f);
    const want = on('js', f);
    got.forEach((g, i) => assertNear(g, want[i]!, 1e-5, `${what}, output ${i}`));
    const plainBits = on('wasm-plain', f);
    got.forEach((g, i) => {
      for (let j = 0; j < g.length; j++) if (g[j] !== plainBits[i]![j]) differs++;
    });
  }
  // A machine without FMA would run relaxed_madd unfused, and this would fail: it guards against
  // the relaxed build silently running the plain code.
  assert.ok(differs > 0, 'the relaxed build gave the plain bits everywhere: nothing fused');
});

test('relaxed convolutions and depthwise convolutions, with gradients, agree with the reference', () => {
  for (const [what, f] of convs) {
    const got = on('wasm', f);
    const want = on('js', f);
    got.forEach((g, i) => assertNear(g, want[i]!, 1e-5, `${what}, output ${i}`));
  }
});

test('a short Conv2D + Dense training run on the relaxed build follows the reference', async () => {
  const got = await trainOn('wasm');
  const want = await trainOn('js');
  assertNear(got[0]!, want[0]!, 1e-4, 'losses per epoch');
  got.slice(1).forEach((g, i) => assertNear(g, want[i + 1]!, 1e-3, `weight ${i}`));
});

test('LSTM and GRU training on the relaxed build (register-tiled steps) follows the reference', async () => {
  const got = await trainOn('wasm', trainRecurrent);
  const want = await trainOn('js', trainRecurrent);
  assertNear(got[0]!, want[0]!, 1e-4, 'losses per epoch');
  got.slice(1).forEach((g, i) => assertNear(g, want[i + 1]!, 1e-3, `weight ${i}`));
  const plainBits = await trainOn('wasm-plain', trainRecurrent);
  assert.ok(
    got.some((g, i) => g.some((v, j) => v !== plainBits[i]![j])),
    'the relaxed recurrent training gave the plain bits everywhere: nothing fused',
  );
});

test("setKernelVariant('plain') gives the plain build's bits, threads included; 'relaxed' again the relaxed bits", async () => {
  const cases = [...gemms, ...convs];
  const relaxedBits = cases.map(([, f]) => on('wasm', f));
  const relaxedTraining = await trainOn('wasm');
  setThreads(2);
  await setKernelVariant('plain');
  assert.equal(getKernelVariant(), 'plain');
  assert.equal(lm.getThreads(), 2);
  cases.forEach(([what, f]) => assertBits(on('wasm', f), on('wasm-plain', f), `${what}, plain`));
  assertBits(await trainOn('wasm'), await trainOn('wasm-plain'), 'training, plain');
  await setKernelVariant('relaxed');
  assert.equal(getKernelVariant(), 'relaxed');
  cases.forEach(([what, f], i) => assertBits(on('wasm', f), relaxedBits[i]!, `${what}, relaxed`));
  setThreads(1);
  assertBits(await trainOn('wasm'), relaxedTraining, 'training, relaxed again');
});

test('setKernelVariant refuses anything but the two variants, naming what it got', async () => {
  await assert.rejects(
    () => setKernelVariant('fast' as KernelVariant),
    /setKernelVariant: expected 'relaxed' or 'plain', received "fast"/,
  );
  assert.equal(getKernelVariant(), 'relaxed');
});
