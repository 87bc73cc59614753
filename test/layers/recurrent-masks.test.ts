/**
 * Masked recurrent calls on the fused kernels, with the Keras 3 semantics the step-by-step loop
 * has: a skipped step keeps the states and outputs the h it keeps (the initial state before the
 * first kept step, so initial states show there), or zeros with zeroOutputForMask. Such calls
 * used to fall back to the loop; here they must run `RecurrentSequence` and agree with the loop
 * (outputs, final states, gradients of the input, initial states and every weight) within 1e-5
 * relative + 1e-6, and the kernel's gradient rule must agree with finite differences.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  add,
  grads,
  mul,
  randomNormal,
  randomUniform,
  sum,
  tensor,
  type Layer,
  type Tensor,
} from '../../src/index.js';
import { GRU, LSTM, SimpleRNN } from '../../src/layers/recurrent/index.js';
import { setRecurrentFusion } from '../../src/layers/recurrent/base.js';
import { recurrentSequence } from '../../src/ops/recurrent.js';
import type { RecurrentCell } from '../../src/backend/kernels.js';
import { getBackend } from '../../src/engine/engine.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { checkGrad } from '../gradcheck.js';
import { forEachBackend } from '../helpers.js';

const [BATCH, STEPS, FEATURES, UNITS] = [3, 5, 3, 6];

/** Row 0 skips its first two steps, row 1 skips the middle and the last, row 2 every step. */
const MASK = tensor(
  [
    [false, false, true, true, true],
    [true, false, false, true, false],
    [false, false, false, false, false],
  ],
  [BATCH, STEPS],
  'bool',
);

const seeded = {
  kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
  recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
  biasInitializer: { class_name: 'RandomNormal', config: { seed: 3, mean: 0, stddev: 0.3 } },
};

type Maker = (args: Record<string, unknown>) => Layer;

const CELLS: [string, number, Maker][] = [
  ['SimpleRNN', 1, (a) => new SimpleRNN({ units: UNITS, ...a })],
  ['LSTM', 2, (a) => new LSTM({ units: UNITS, ...a })],
  ['GRU resetAfter', 1, (a) => new GRU({ units: UNITS, ...a })],
  ['GRU resetBefore', 1, (a) => new GRU({ units: UNITS, resetAfter: false, ...a })],
];

/** Counts the calls of the current backend's RecurrentSequence kernel while `body` runs. */
function countFused<T>(body: () => T): { value: T; calls: number } {
  const backend = getBackend() === 'wasm' ? wasmBackend : jsBackend;
  assert.ok(backend !== null);
  const table = backend.kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
  const impl = table.RecurrentSequence as (...a: unknown[]) => unknown;
  let calls = 0;
  table.RecurrentSequence = (...a: unknown[]) => {
    calls++;
    return impl(...a);
  };
  try {
    return { value: body(), calls };
  } finally {
    table.RecurrentSequence = impl;
  }
}

function run(
  make: Maker,
  args: Record<string, unknown>,
  stateCount: number,
  fused: boolean,
): { outputs: Tensor[]; grads: Tensor[] } {
  const previous = setRecurrentFusion(fused);
  try {
    const layer = make(args);
    const x = randomNormal([BATCH, STEPS, FEATURES], 0, 1, 7);
    const states = Array.from({ length: stateCount }, (_, i) =>
      randomNormal([BATCH, UNITS], 0, 0.5, 20 + i),
    );
    const call = (xs: Tensor[]): Tensor[] => {
      const y = layer.apply(xs.slice(0, 1 + stateCount), { training: true, mask: MASK }) as
        Tensor | Tensor[];
      return Array.isArray(y) ? y : [y];
    };
    const outputs = call([x, ...states]);
    const weights = outputs.map((y, i) => randomUniform(y.shape, 0.5, 1.5, 40 + i));
    const loss = (...xs: Tensor[]): Tensor =>
      call(xs)
        .map((y, i) => sum(mul(y, weights[i] as Tensor)))
        .reduce((a, b) => add(a, b));
    return { outputs, grads: grads(loss)([x, ...states, ...layer.trainableWeights]) };
  } finally {
    setRecurrentFusion(previous);
  }
}

function close(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  const av = a.dataSync();
  const bv = b.dataSync();
  for (let i = 0; i < bv.length; i++) {
    const d = Math.abs((av[i] as number) - (bv[i] as number));
    assert.ok(
      d <= 1e-6 + 1e-5 * Math.abs(bv[i] as number),
      `${what}, element ${i}: fused ${av[i]}, step by step ${bv[i]}`,
    );
  }
}

forEachBackend('masked calls with initial states on the fused kernels', () => {
  for (const [name, stateCount, make] of CELLS) {
    test(`${name}: repeating the kept state, or zeros (zeroOutputForMask)`, () => {
      for (const zeroOutputForMask of [false, true]) {
        for (const goBackwards of [false, true]) {
          const args = {
            ...seeded,
            returnSequences: true,
            returnState: true,
            goBackwards,
            zeroOutputForMask,
            recurrentDropout: 0.3,
            seed: 4,
          };
          const { value: fused, calls } = countFused(() => run(make, args, stateCount, true));
          // The call, then again under the gradient tape: both on the fused kernel.
          assert.equal(calls, 2, `${name}: the fused kernel ran`);
          const loop = run(make, args, stateCount, false);
          const at = `${name} zeroOutputForMask=${zeroOutputForMask} goBackwards=${goBackwards}`;
          fused.outputs.forEach((y, i) => close(y, loop.outputs[i] as Tensor, `${at} output ${i}`));
          fused.grads.forEach((g, i) => close(g, loop.grads[i] as Tensor, `${at} gradient ${i}`));
          // Row 2 skips every step: it outputs its initial h throughout, or zeros.
          const seq = fused.outputs[0] as Tensor;
          const row2 = [...seq.dataSync().subarray(2 * STEPS * UNITS)];
          const h0 = randomNormal([BATCH, UNITS], 0, 0.5, 20)
            .dataSync()
            .subarray(2 * UNITS);
          const want = Array.from({ length: STEPS }, () =>
            zeroOutputForMask ? new Array<number>(UNITS).fill(0) : [...h0],
          ).flat();
          assert.deepEqual(row2, want, `${at}: row 2`);
        }
      }
    });
  }
});

forEachBackend('recurrentSequence with zeroOutputForMask: gradients by finite differences', () => {
  const cells: [RecurrentCell, number][] = [
    ['simple', 1],
    ['lstm', 4],
    ['gru', 3],
    ['gruResetAfter', 3],
  ];
  const [T, B, U] = [3, 2, 3];
  for (const [cell, g] of cells) {
    for (const zeroOutputForMask of [false, true]) {
      test(`${cell}, zeroOutputForMask ${zeroOutputForMask}`, () => {
        const states = cell === 'lstm' ? 2 : 1;
        const inputs = [
          randomNormal([T, B, g * U], 0, 0.8, 1),
          randomNormal([U, g * U], 0, 0.6, 2),
          ...Array.from({ length: states }, (_, i) => randomNormal([B, U], 0, 0.5, 3 + i)),
          ...(cell === 'gruResetAfter' ? [randomNormal([g * U], 0, 0.3, 6)] : []),
        ];
        const mask = tensor([0, 1, 1, 0, 0, 1], [T, B]);
        const f = (...xs: Tensor[]): Tensor => {
          const { outputs, states: finals } = recurrentSequence({
            cell,
            activation: 'tanh',
            recurrentActivation: 'sigmoid',
            projected: xs[0] as Tensor,
            kernel: xs[1] as Tensor,
            initialStates: xs.slice(2, 2 + states),
            recurrentBias: cell === 'gruResetAfter' ? (xs[2 + states] as Tensor) : null,
            mask,
            zeroOutputForMask,
          });
          return add(sum(mul(outputs, 1.3), 2), sum(finals.reduce((a, b) => add(a, mul(b, 0.7)))));
        };
        checkGrad(f, inputs, { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
      });
    }
  }
});
