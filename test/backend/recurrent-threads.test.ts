/**
 * The wasm backend's fused recurrent sequences split by batch rows across the thread pool: with 2
 * and 3 threads, every cell's outputs, final states and gradients (masked, with recurrent dropout,
 * batch and units that are not multiples of 4, and on register tiles) must be those of 1 thread
 * bit for bit, since each row's arithmetic is the same wherever it runs, and the workers must have
 * run shares. A layer
 * wide enough that the packed recurrent kernel spans two blocks of k (u > 64: the LSTM's backward
 * product has k = 4u > 256) must agree with the reference backend.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as lm from '../../src/index.js';
import { setThreads, threadsReady } from '../../src/backend/wasm/index.js';
import { threadStats } from '../../src/backend/wasm/threads.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { recurrentSequence } from '../../src/ops/recurrent.js';
import type { RecurrentCell } from '../../src/backend/kernels.js';

const skip = wasmBackend === null ? 'no WebAssembly SIMD here' : false;

after(() => setThreads(1));

const CELLS: [RecurrentCell, number][] = [
  ['simple', 1],
  ['lstm', 4],
  ['gru', 3],
  ['gruResetAfter', 3],
];

/** Outputs, final states and the gradients of every input of one masked sequence, flattened. */
function sequenceValues(cell: RecurrentCell, g: number, T: number, B: number, U: number): number[] {
  const states = cell === 'lstm' ? 2 : 1;
  const inputs = [
    lm.randomNormal([T, B, g * U], 0, 0.8, 1),
    lm.randomNormal([U, g * U], 0, 0.3, 2),
    ...Array.from({ length: states }, (_, i) => lm.randomNormal([B, U], 0, 0.5, 3 + i)),
    ...(cell === 'gruResetAfter' ? [lm.randomNormal([g * U], 0, 0.3, 6)] : []),
  ];
  const mask = lm.cast(lm.greater(lm.randomUniform([T, B], 0, 1, 7), 0.3), 'float32');
  const drop = lm.mul(lm.cast(lm.greater(lm.randomUniform([B, U], 0, 1, 8), 0.2), 'float32'), 1.25);
  const run = (...xs: lm.Tensor[]): lm.Tensor[] => {
    const r = recurrentSequence({
      cell,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      projected: xs[0] as lm.Tensor,
      kernel: xs[1] as lm.Tensor,
      initialStates: xs.slice(2, 2 + states),
      recurrentBias: cell === 'gruResetAfter' ? (xs[2 + states] as lm.Tensor) : null,
      mask,
      recurrentDropout: drop,
    });
    return [r.outputs, ...r.states];
  };
  const loss = (...xs: lm.Tensor[]): lm.Tensor =>
    run(...xs)
      .map((y, i) => lm.sum(lm.mul(y, lm.randomUniform(y.shape, 0.5, 1.5, 40 + i))))
      .reduce((a, b) => lm.add(a, b));
  return [
    ...run(...inputs).flatMap((t) => [...t.dataSync()]),
    ...lm
      .grads(loss)(inputs)
      .flatMap((t) => [...t.dataSync()]),
  ];
}

test(
  'fused recurrent sequences on 2 and 3 threads equal 1 thread bit for bit',
  { skip },
  async () => {
    const previous = lm.getBackend();
    lm.setBackend('wasm');
    try {
      // 6 units: the plain GEMM and gate kernels; the LSTM's 8 and the GRU's 16: forward tiles.
      const sized = [
        ...CELLS.map(([cell, g]) => [cell, g, 6] as const),
        ['lstm', 4, 8] as const,
        // Backward tiles too (units a multiple of 16).
        ['gru', 3, 16] as const,
        ['simple', 1, 16] as const,
        ['lstm', 4, 16] as const,
        ['gruResetAfter', 3, 16] as const,
      ];
      for (const [cell, g, units] of sized) {
        setThreads(1);
        const one = sequenceValues(cell, g, 5, 13, units);
        for (const threads of [2, 3]) {
          setThreads(threads);
          await threadsReady();
          const before = threadStats().tasks;
          const many = sequenceValues(cell, g, 5, 13, units);
          assert.ok(
            threadStats().tasks > before,
            `${cell} ${units} units, ${threads} threads: workers ran shares`,
          );
          assert.deepEqual(many, one, `${cell} ${units} units, ${threads} threads`);
        }
      }
    } finally {
      setThreads(1);
      lm.setBackend(previous);
    }
  },
);

test(
  'a wide layer (packed recurrent kernel over two k blocks) agrees with the reference',
  { skip },
  () => {
    const previous = lm.getBackend();
    try {
      for (const [cell, g] of CELLS) {
        lm.setBackend('wasm');
        const wasm = sequenceValues(cell, g, 3, 9, 70);
        lm.setBackend('js');
        const js = sequenceValues(cell, g, 3, 9, 70);
        assert.equal(wasm.length, js.length);
        js.forEach((want, i) => {
          const got = wasm[i] as number;
          assert.ok(
            Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want),
            `${cell}, value ${i}: wasm ${got}, js ${want}`,
          );
        });
      }
    } finally {
      lm.setBackend(previous);
    }
  },
);
