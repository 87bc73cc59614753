/**
 * The wasm backend's LSTM step with its recurrent product in register tiles (units a multiple of
 * 4, `assembly/recurrent-tiles.ts`). Each register sums its terms as the GEMM micro-kernel does,
 * so every step must give the bits of the plain GEMM's product (a wasm `matMul`) followed by the
 * reference backend's gates: the oracle below runs the sequence one step at a time that way (the
 * product added to the projection, then the reference kernel with a zero recurrent kernel, which
 * computes the same float32 gates). Inference (no record) and training (the record) must agree
 * bit for bit, and the record's gradients must match the reference backend's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { recurrentSequence } from '../../src/ops/recurrent.js';

const skip = wasmBackend === null ? 'no WebAssembly SIMD here' : false;

interface Case {
  steps: number;
  batch: number;
  units: number;
  zeroOutputForMask: boolean;
  recurrentDropout: boolean;
}

function inputs({ steps, batch, units }: Case): {
  projected: lm.Tensor;
  kernel: lm.Tensor;
  h0: lm.Tensor;
  c0: lm.Tensor;
  mask: lm.Tensor;
  drop: lm.Tensor;
} {
  return {
    projected: lm.randomNormal([steps, batch, 4 * units], 0, 0.8, 11),
    kernel: lm.randomNormal([units, 4 * units], 0, 0.3, 12),
    h0: lm.randomNormal([batch, units], 0, 0.5, 13),
    c0: lm.randomNormal([batch, units], 0, 0.5, 14),
    mask: lm.cast(lm.greater(lm.randomUniform([steps, batch], 0, 1, 15), 0.3), 'float32'),
    drop: lm.mul(
      lm.cast(lm.greater(lm.randomUniform([batch, units], 0, 1, 16), 0.2), 'float32'),
      1.25,
    ),
  };
}

function lstm(
  c: Case,
  x: ReturnType<typeof inputs>,
  projected: lm.Tensor,
  kernel: lm.Tensor,
  states: lm.Tensor[],
  mask: lm.Tensor,
): { outputs: lm.Tensor; states: lm.Tensor[] } {
  return recurrentSequence({
    cell: 'lstm',
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    projected,
    kernel,
    initialStates: states,
    mask,
    zeroOutputForMask: c.zeroOutputForMask,
    recurrentDropout: c.recurrentDropout ? x.drop : null,
  });
}

/** Outputs then final states, one step at a time: wasm's GEMM, then the reference's gates. */
function stepByStep(c: Case, x: ReturnType<typeof inputs>): number[] {
  const { steps, batch, units } = c;
  const zeroKernel = lm.zeros([units, 4 * units]);
  let h = x.h0;
  let cell = x.c0;
  const outputs: number[] = [];
  for (let t = 0; t < steps; t++) {
    lm.setBackend('wasm');
    const prev = c.recurrentDropout ? lm.mul(h, x.drop) : h;
    const step = lm.slice(x.projected, [t, 0, 0], [1, batch, 4 * units]);
    const withProduct = lm.add(step, lm.reshape(lm.matMul(prev, x.kernel), [1, batch, 4 * units]));
    const maskRow = lm.slice(x.mask, [t, 0], [1, batch]);
    lm.setBackend('js');
    const r = lstm(c, x, withProduct, zeroKernel, [h, cell], maskRow);
    outputs.push(...r.outputs.dataSync());
    [h, cell] = r.states as [lm.Tensor, lm.Tensor];
  }
  return [...outputs, ...h.dataSync(), ...cell.dataSync()];
}

const CASES: Case[] = [
  // Odd batch (a lone last row), one panel, the plain step's mask handling.
  { steps: 5, batch: 7, units: 4, zeroOutputForMask: false, recurrentDropout: true },
  { steps: 4, batch: 6, units: 12, zeroOutputForMask: true, recurrentDropout: false },
  { steps: 3, batch: 9, units: 72, zeroOutputForMask: false, recurrentDropout: true },
];

test(
  'LSTM register tiles: the plain GEMM product and the reference gates, bit for bit',
  { skip },
  () => {
    const previous = lm.getBackend();
    try {
      for (const c of CASES) {
        const x = inputs(c);
        const want = stepByStep(c, x);
        lm.setBackend('wasm');
        const r = lstm(c, x, x.projected, x.kernel, [x.h0, x.c0], x.mask);
        const got = [...r.outputs.dataSync(), ...r.states.flatMap((s) => [...s.dataSync()])];
        assert.equal(got.length, want.length);
        assert.deepEqual(got, want, `units ${c.units}, batch ${c.batch}`);
      }
    } finally {
      lm.setBackend(previous);
    }
  },
);

test(
  "LSTM register tiles: training (with the record) gives inference's bits and the reference's gradients",
  { skip },
  () => {
    const previous = lm.getBackend();
    try {
      for (const c of CASES) {
        const x = inputs(c);
        const run = (backend: string): { values: number[]; grads: number[] } => {
          lm.setBackend(backend);
          const values: number[] = [];
          const loss = (
            projected: lm.Tensor,
            kernel: lm.Tensor,
            h0: lm.Tensor,
            c0: lm.Tensor,
          ): lm.Tensor => {
            const r = lstm(c, x, projected, kernel, [h0, c0], x.mask);
            const ys = [r.outputs, ...r.states];
            values.push(...ys.flatMap((y) => [...y.dataSync()]));
            return ys
              .map((y, i) => lm.sum(lm.mul(y, lm.randomUniform(y.shape, 0.5, 1.5, 40 + i))))
              .reduce((a, b) => lm.add(a, b));
          };
          const grads = lm
            .grads(loss)([x.projected, x.kernel, x.h0, x.c0])
            .flatMap((g) => [...g.dataSync()]);
          return { values, grads };
        };
        const wasm = run('wasm');
        const inference = lstm(c, x, x.projected, x.kernel, [x.h0, x.c0], x.mask);
        assert.deepEqual(
          wasm.values,
          [inference.outputs, ...inference.states].flatMap((y) => [...y.dataSync()]),
          `units ${c.units}: training forward against inference`,
        );
        const js = run('js');
        assert.equal(wasm.grads.length, js.grads.length);
        js.grads.forEach((want, i) => {
          const got = wasm.grads[i] as number;
          assert.ok(
            Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want),
            `units ${c.units}, gradient ${i}: wasm ${got}, js ${want}`,
          );
        });
      }
    } finally {
      lm.setBackend(previous);
    }
  },
);
