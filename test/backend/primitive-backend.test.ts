/**
 * A backend is its primitives: a backend that implements only the primitive kernels (the
 * reference backend's table without the fused ones) runs every fused kernel as the engine's
 * default composition. Each composition against the fused reference kernel (bit for bit where
 * the reference rounds step by step, to rounding otherwise), the recurrent record and gradient
 * layouts across the two (a backend may implement either recurrent kernel alone), and a whole
 * `fit` of an LSTM + Dense model with kernel and activity penalties and Adam, which gives the
 * reference backend's losses and weights.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  l1,
  l1l2,
  l2,
  layers,
  randomNormal,
  randomUniform,
  registerBackend,
  sequential,
  setBackend,
  tensor,
  zeros,
  type Backend,
  type DataHandle,
  type Tensor,
  type TensorInfo,
} from '../../src/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import type {
  FusedKernelName,
  KernelName,
  RecurrentAttrs,
  RecurrentCell,
} from '../../src/backend/kernels.js';
import { gradLayout, gateCount, recordLayout } from '../../src/backend/recurrent-layout.js';
import { runKernel } from '../../src/engine/engine.js';
import { defaultCompositions } from '../../src/engine/compositions/index.js';
import {
  adamStep,
  axpby,
  axpbySquare,
  biasActivation,
  clipByValueGrad,
  matMulBiasActivation,
  penalty,
  penaltyGradAdd,
  reluGrad,
  rmsStep,
  weightGradPenalty,
} from '../../src/ops/fused.js';
import { conv2dBiasActivation } from '../../src/ops/conv.js';
import { LaminaError } from '../../src/errors.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { assertClose } from '../helpers.js';

type AnyKernel = (inputs: readonly TensorInfo[], attrs: unknown, out: unknown) => DataHandle;

const fusedNames = new Set(Object.keys(defaultCompositions));
const calls = { full: new Set<string>(), primitives: new Set<string>() };

/** The reference kernels, noting which ran; without the fused ones when `primitivesOnly`. */
function spiedBackend(name: 'full' | 'primitives', primitivesOnly: boolean): Backend {
  const entries = Object.entries(jsBackend.kernels as unknown as Record<string, AnyKernel>)
    .filter(([kernel]) => !(primitivesOnly && fusedNames.has(kernel)))
    .map(([kernel, impl]): [string, AnyKernel] => [
      kernel,
      (inputs, attrs, out) => {
        calls[name].add(kernel);
        return impl(inputs, attrs, out);
      },
    ]);
  return {
    name,
    write: jsBackend.write,
    read: jsBackend.read,
    kernels: Object.fromEntries(entries) as unknown as Backend['kernels'],
  };
}

registerBackend(spiedBackend('full', false));
registerBackend(spiedBackend('primitives', true));

afterEach(() => setBackend('js'));

/** `f` on the full reference backend and on the primitives-only one (inputs made on js). */
function both(f: () => Tensor): { full: Float32Array; primitives: Float32Array; shape: number[] } {
  setBackend('full');
  const full = f();
  setBackend('primitives');
  const primitives = f();
  setBackend('js');
  assert.deepEqual(primitives.shape, full.shape);
  return {
    full: full.dataSync() as Float32Array,
    primitives: primitives.dataSync() as Float32Array,
    shape: [...full.shape],
  };
}

function sameBits(f: () => Tensor): void {
  const r = both(f);
  assert.deepEqual(Array.from(r.primitives), Array.from(r.full));
}

function close(f: () => Tensor, rtol = 1e-6, atol = 1e-6): void {
  const r = both(f);
  assertClose(tensor(r.primitives, r.shape), Array.from(r.full), { rtol, atol, shape: r.shape });
}

let seed = 21;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const randoms = (n: number, scale = 3): Float32Array =>
  Float32Array.from({ length: n }, () => rand() * scale);

test('registerBackend refuses a backend without every primitive, naming what is missing', () => {
  const { Sum: _sum, Tanh: _tanh, ...rest } = jsBackend.kernels;
  assert.throws(
    () => registerBackend({ ...jsBackend, name: 'partial', kernels: rest as Backend['kernels'] }),
    (e: unknown) =>
      e instanceof LaminaError &&
      e.code === 'invalid-argument' &&
      e.message ===
        "registerBackend: backend 'partial' must implement every primitive kernel; missing: Tanh, Sum",
  );
});

test('the fused kernels are exactly the ones with a default composition', () => {
  const all = Object.keys(jsBackend.kernels) as KernelName[];
  const fused: FusedKernelName[] = [
    'Axpby',
    'AxpbySquare',
    'AdamStep',
    'RmsStep',
    'BiasActivation',
    'MatMulBiasActivation',
    'Conv2DBiasActivation',
    'ClipByValueGrad',
    'ReluGrad',
    'MaxPoolReluGrad',
    'Penalty',
    'PenaltyGradAdd',
    'WeightGradPenalty',
    'RecurrentSequence',
    'RecurrentSequenceGrad',
  ];
  assert.deepEqual([...fusedNames].sort(), [...fused].sort());
  assert.equal(all.length - fused.length, 70);
});

test('optimizer updates: the compositions give the fused kernels’ bits', () => {
  const n = 1003;
  const [x, y] = [tensor(randoms(n)), tensor(randoms(n))];
  const v = tensor(Float32Array.from(randoms(n), Math.abs));
  sameBits(() => axpby(x, y, 0.9, 0.1));
  sameBits(() => axpbySquare(x, y, 0.999, 1e-3));
  sameBits(() => adamStep(x, y, v, 1e-3, 1e-7));
  sameBits(() => rmsStep(x, y, v, 1, 1e-2, 1e-7));
  sameBits(() => rmsStep(x, y, v, 0.9, -1e-2, 0));
});

test('bias and activation, alone, after a product and after a convolution: same bits', () => {
  const x = tensor(randoms(35), [5, 7]);
  const w = tensor(randoms(21), [7, 3]);
  const bias = tensor(randoms(3));
  const withNaN = tensor([NaN, -0, 1, -1, 0, 2], [2, 3]);
  const z = tensor(randoms(15), [5, 3]);
  const image = tensor(randoms(2 * 6 * 6 * 2), [2, 6, 6, 2]);
  const filter = tensor(randoms(3 * 3 * 2 * 3), [3, 3, 2, 3]);
  for (const activation of ['linear', 'relu'] as const) {
    sameBits(() => biasActivation(z, bias, activation));
    sameBits(() => biasActivation(withNaN, bias, activation));
    sameBits(() => matMulBiasActivation(x, w, bias, activation));
    sameBits(() => conv2dBiasActivation(image, filter, bias, activation, 2, 'same'));
  }
});

test('relu and clip gradients: same bits, at bounds float32 cannot hold, NaN and infinities', () => {
  const f0 = Math.fround(0.1);
  const xs = [f0 - 2 ** -27, f0, 0.5, Math.fround(0.7), 0.7000000476837158, NaN, -Infinity];
  const x = tensor([...xs, Infinity, -0, 0]);
  const dy = tensor(Array.from({ length: 10 }, (_, i) => i + 1));
  sameBits(() => reluGrad(dy, x));
  for (const [min, max] of [
    [0.1, 0.7],
    [0.7, 0.75],
    [0.05, 0.1],
    [-Infinity, Infinity],
    [-1e39, 1e39],
    [0, 0],
  ] as const) {
    sameBits(() => clipByValueGrad(dy, x, min, max));
  }
});

test('max pooling gradient with relu folded in: same bits (ties, zeros, NaN, overlapping windows)', () => {
  const xs = Float32Array.from(randoms(2 * 7 * 6 * 5), (v) => Math.round(v * 2) / 2);
  xs[0] = NaN;
  xs[9] = -0;
  const x = tensor(xs, [2, 7, 6, 5]);
  for (const [size, stride, pad] of [
    [2, 2, 0],
    [3, 2, 1],
    [3, 1, 1],
  ] as const) {
    const oh = Math.floor((7 + 2 * pad - size) / stride) + 1;
    const ow = Math.floor((6 + 2 * pad - size) / stride) + 1;
    const dy = tensor(randoms(2 * oh * ow * 5), [2, oh, ow, 5]);
    const attrs = {
      filterSize: [size, size] as const,
      strides: [stride, stride] as const,
      pad: { top: pad, bottom: pad, left: pad, right: pad },
    };
    sameBits(() =>
      runKernel('MaxPoolReluGrad', [x, dy], attrs, { shape: x.shape, dtype: 'float32' }),
    );
  }
});

test('penalties: the gradient term with the same bits, the sum and the folded product to rounding', () => {
  const g = tensor(randoms(1003), [17, 59]);
  const xs = randoms(1003);
  xs[3] = 0;
  xs[4] = -0;
  const x = tensor(xs, [17, 59]);
  sameBits(() => penaltyGradAdd(g, x, 1.3e-3, 2e-4));
  close(() => penalty(x, 0.01, 0.02));
  close(() => penalty(x, 0, 0.02));
  close(() => penalty(x, 0.01, 0));
  sameBits(() => penalty(x, 0, 0));
  sameBits(() => penalty(tensor([Infinity]), 0, 0));
  const a = tensor(randoms(40 * 7), [40, 7]);
  const dz = tensor(randoms(40 * 9), [40, 9]);
  const w = tensor(randoms(63), [7, 9]);
  close(() => weightGradPenalty(a, dz, w, 0.25, 0.5), 1e-6, 1e-5);
});

const CELLS: RecurrentCell[] = ['simple', 'lstm', 'gru', 'gruResetAfter'];

interface Case {
  cell: RecurrentCell;
  masked: boolean;
  dropout: boolean;
  bias: boolean;
  zeroOutput?: boolean;
}

const CASES: Case[] = CELLS.flatMap((cell) => [
  { cell, masked: false, dropout: false, bias: false },
  { cell, masked: true, dropout: true, bias: cell === 'gruResetAfter' },
  { cell, masked: true, dropout: false, bias: false, zeroOutput: true },
]);

const T = 4;
const B = 3;
const U = 5;

function recurrentInputs(c: Case): { inputs: Tensor[]; attrs: RecurrentAttrs } {
  const gu = gateCount(c.cell) * U;
  const inputs = [
    randomNormal([T, B, gu], 0, 1, 31),
    randomNormal([U, gu], 0, 0.5, 32),
    randomNormal([B, U], 0, 1, 33),
  ];
  if (c.cell === 'lstm') inputs.push(randomNormal([B, U], 0, 1, 34));
  if (c.bias) inputs.push(randomNormal([gu], 0, 0.3, 35));
  // Row 1 skips its first two steps; row 2 skips every step.
  if (c.masked) inputs.push(tensor([1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0], [T, B]));
  if (c.dropout) inputs.push(randomUniform([B, U], 0, 2, 36));
  const attrs: RecurrentAttrs = {
    cell: c.cell,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    recurrentBias: c.bias,
    masked: c.masked,
    recurrentDropout: c.dropout,
    zeroOutputForMask: c.zeroOutput === true,
    saveForBackward: true,
  };
  return { inputs, attrs };
}

function sequence(inputs: Tensor[], attrs: RecurrentAttrs): Tensor {
  const size = attrs.saveForBackward
    ? recordLayout(attrs.cell, T, B, U).size
    : (T + (attrs.cell === 'lstm' ? 2 : 1)) * B * U;
  return runKernel('RecurrentSequence', inputs, attrs, { shape: [size], dtype: 'float32' });
}

/** The backward kernel, with the outputs' gradient or (null) without. */
function sequenceGrad(
  dOutputs: Tensor | null,
  dStates: Tensor,
  record: Tensor,
  inputs: Tensor[],
  attrs: RecurrentAttrs,
): Tensor {
  const fixed = attrs.cell === 'lstm' ? 4 : 3;
  const rest = [...inputs.slice(fixed), ...(dOutputs === null ? [] : [dOutputs])];
  return runKernel(
    'RecurrentSequenceGrad',
    [dStates, record, inputs[1] as Tensor, ...rest],
    { ...attrs, steps: T, outputsGradient: dOutputs !== null },
    { shape: [gradLayout(attrs, T, B, U).size], dtype: 'float32' },
  );
}

for (const c of CASES) {
  const label = [
    c.cell,
    c.masked ? 'masked' : '',
    c.dropout ? 'recurrent dropout' : '',
    c.bias ? 'recurrent bias' : '',
    c.zeroOutput === true ? 'zero output for mask' : '',
  ]
    .filter((part) => part !== '')
    .join(', ');
  test(`recurrent sequence (${label}): record and gradient as the fused kernels, to rounding`, () => {
    const { inputs, attrs } = recurrentInputs(c);
    // The record, with and without what backpropagation reads.
    close(() => sequence(inputs, attrs), 1e-5, 1e-6);
    close(() => sequence(inputs, { ...attrs, saveForBackward: false }), 1e-5, 1e-6);
    const dOutputs = randomNormal([T, B, U], 0, 1, 37);
    const dStates = randomNormal([c.cell === 'lstm' ? 2 : 1, B, U], 0, 1, 38);
    // The default backward pass on the reference record, and the reference backward pass on the
    // default record: the two halves keep one layout. With the outputs' gradient and without.
    setBackend('full');
    const record = sequence(inputs, attrs);
    setBackend('js');
    for (const d of [dOutputs, null]) {
      close(() => sequenceGrad(d, dStates, record, inputs, attrs), 1e-5, 1e-5);
    }
    setBackend('primitives');
    const composedRecord = sequence(inputs, attrs);
    setBackend('js');
    for (const d of [dOutputs, null]) {
      close(() => sequenceGrad(d, dStates, composedRecord, inputs, attrs), 1e-5, 1e-5);
    }
    // Without the outputs' gradient is with zeros for it, bit for bit.
    assert.deepEqual(
      sequenceGrad(null, dStates, record, inputs, attrs).dataSync(),
      sequenceGrad(zeros([T, B, U]), dStates, record, inputs, attrs).dataSync(),
    );
  });
}

function model(): ReturnType<typeof sequential> {
  const m = sequential({
    layers: [
      layers.lstm({
        units: 6,
        inputShape: [5, 3],
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
        recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
        kernelRegularizer: l2(1e-2),
        activityRegularizer: l1(1e-3),
      }),
      layers.dense({
        units: 4,
        activation: 'relu',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 3 } },
        biasInitializer: { class_name: 'RandomNormal', config: { seed: 4, stddev: 0.1 } },
        kernelRegularizer: l1l2({ l1: 1e-3, l2: 1e-2 }),
        activityRegularizer: l2(1e-3),
      }),
      layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 5 } },
      }),
    ],
  });
  m.compile({
    optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
    loss: 'sparse_categorical_crossentropy',
  });
  return m;
}

test('a whole fit (LSTM + Dense, kernel and activity penalties, Adam) on the primitives alone', async () => {
  const x = randomNormal([24, 5, 3], 0, 1, 41);
  const y = tensor(
    Array.from({ length: 24 }, (_, i) => (i * 7) % 3),
    [24],
  );
  const run = async (backend: 'full' | 'primitives') => {
    setBackend(backend);
    calls[backend].clear();
    const m = model();
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed: 7 });
    const weights = m.getWeights().map((w) => Array.from(w.dataSync()));
    setBackend('js');
    return { h, weights };
  };
  const full = await run('full');
  const primitives = await run('primitives');
  // The full backend ran the fused kernels; the other never had them and composed each one.
  for (const kernel of [
    'RecurrentSequence',
    'RecurrentSequenceGrad',
    'MatMulBiasActivation',
    'Penalty',
    'WeightGradPenalty',
    'PenaltyGradAdd',
    'ReluGrad',
    'AdamStep',
    'Axpby',
    'AxpbySquare',
  ]) {
    assert.ok(calls.full.has(kernel), `the full backend ran ${kernel}`);
  }
  assert.deepEqual(
    [...calls.primitives].filter((k) => fusedNames.has(k)),
    [],
  );
  assert.ok(calls.primitives.has('Sigmoid') && calls.primitives.has('Sqrt'));
  for (const key of ['loss', 'regularization_loss'] as const) {
    const got = primitives.h.history[key] as number[];
    const want = full.h.history[key] as number[];
    assert.equal(got.length, 3);
    got.forEach((v, i) =>
      assert.ok(Math.abs(v - (want[i] as number)) <= 1e-6, `${key}[${i}]: ${v} vs ${want[i]}`),
    );
  }
  assert.equal(primitives.weights.length, full.weights.length);
  primitives.weights.forEach((w, i) =>
    w.forEach((v, j) => {
      const want = full.weights[i]?.[j] as number;
      assert.ok(Math.abs(v - want) <= 1e-6, `weight ${i}[${j}]: ${v} vs ${want}`);
    }),
  );
});

test('the wasm backend: its native kernels are the typed entries of its table, the rest the reference’s', () => {
  if (wasmBackend === null) return;
  const all = Object.keys(jsBackend.kernels);
  assert.deepEqual(Object.keys(wasmBackend.kernels).sort(), [...all].sort());
  for (const name of wasmBackend.nativeKernels) assert.ok(all.includes(name), name);
  for (const name of [
    'BatchMatMul',
    'Conv2D',
    'AdamStep',
    'WeightGradPenalty',
    'RecurrentSequence',
  ])
    assert.ok(wasmBackend.nativeKernels.has(name as KernelName), name);
  // Gather runs the reference kernel: no native entry.
  assert.equal(wasmBackend.nativeKernels.has('Gather'), false);
});
