/**
 * The wasm backend's fused recurrent sequences split by batch rows across the thread pool: with 2
 * and 3 threads, every cell's outputs, final states and gradients (masked, with recurrent dropout,
 * batch and units that are not multiples of 4, and on register tiles) must be those of 1 thread
 * bit for bit, since each row's arithmetic is the same wherever it runs, and the workers must have
 * run parts (claimed as threads finish, so a small sequence may run on the caller alone: counted
 * over all the cases). A worker that never answers must not hold up a sequence. A layer
 * wide enough that the packed recurrent kernel spans two blocks of k (u > 64: the LSTM's backward
 * product has k = 4u > 256) must agree with the reference backend.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as lm from '../../src/index.js';
import {
  nodeThreadHost,
  setThreadHost,
  setThreads,
  threadsReady,
} from '../../src/backend/wasm/index.js';
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
      const tasks = new Map<number, number>([
        [2, 0],
        [3, 0],
      ]);
      // The cases above, then W5's LSTM (64 rows, 32 steps of 128 units: 8 parts on 2 threads).
      const cases = [
        ...sized.map((c) => [...c, 5, 13] as const),
        ['lstm', 4, 128, 32, 64] as const,
      ];
      for (const [cell, g, units, steps, batch] of cases) {
        setThreads(1);
        const one = sequenceValues(cell, g, steps, batch, units);
        for (const threads of [2, 3]) {
          setThreads(threads);
          await threadsReady();
          const before = threadStats().tasks;
          const many = sequenceValues(cell, g, steps, batch, units);
          tasks.set(threads, (tasks.get(threads) as number) + threadStats().tasks - before);
          assert.deepEqual(many, one, `${cell} ${units} units, ${threads} threads`);
        }
      }
      for (const [threads, ran] of tasks)
        assert.ok(ran > 0, `${threads} threads: workers ran parts`);
    } finally {
      setThreads(1);
      lm.setBackend(previous);
    }
  },
);

test(
  'a worker that never answers does not hold up a sequence: the caller claims every part',
  { skip },
  async () => {
    const previous = lm.getBackend();
    lm.setBackend('wasm');
    const node = nodeThreadHost();
    assert.ok(node !== null);
    try {
      setThreads(1);
      const one = sequenceValues('lstm', 4, 6, 24, 16);
      // Its worker is never started, though the host says workers start while the caller waits:
      // a job split one share per thread would wait for it (60 s, then throw).
      setThreadHost({
        name: 'silent',
        canBlock: true,
        startsWhileBlocked: true,
        spawn: () => ({ terminate: () => undefined }),
      });
      setThreads(2);
      const before = threadStats().tasks;
      assert.deepEqual(sequenceValues('lstm', 4, 6, 24, 16), one);
      assert.equal(threadStats().tasks, before, 'no worker ran a part');
    } finally {
      setThreads(1);
      setThreadHost(node);
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
