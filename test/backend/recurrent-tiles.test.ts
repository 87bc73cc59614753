/**
 * The wasm backend's LSTM and GRU (reset before) steps with their recurrent products in register
 * tiles (units a multiple of 4, or of 16 for the GRU; `assembly/recurrent-tiles.ts`). Each
 * register sums its terms as the GEMM micro-kernel does, so every step must give the bits of the
 * plain GEMM's products (a wasm `matMul`) followed by the reference's float32 gates: the oracles
 * below run the sequence one step at a time that way (LSTM: the product added to the projection,
 * then the reference kernel with a zero recurrent kernel; GRU, whose candidate product needs the
 * step's r: the gates written out with the reference's float32 activations). Inference (no
 * record) and training (the record) must agree bit for bit, and the record's gradients must match
 * the reference backend's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { recurrentSequence } from '../../src/ops/recurrent.js';
import { sigmoidF32, tanhF32 } from '../../src/backend/js/recurrent.js';

const skip = wasmBackend === null ? 'no WebAssembly SIMD here' : false;

/** Forward tiles: lstm and gru (reset before); backward tiles: every cell. */
type TiledCell = 'simple' | 'lstm' | 'gru' | 'gruResetAfter';
const GATES: Record<TiledCell, number> = { simple: 1, lstm: 4, gru: 3, gruResetAfter: 3 };

interface Case {
  cell: TiledCell;
  steps: number;
  batch: number;
  units: number;
  zeroOutputForMask: boolean;
  recurrentDropout: boolean;
}

function inputs({ cell, steps, batch, units }: Case): {
  projected: lm.Tensor;
  kernel: lm.Tensor;
  h0: lm.Tensor;
  c0: lm.Tensor;
  mask: lm.Tensor;
  drop: lm.Tensor;
  bias: lm.Tensor;
} {
  const g = GATES[cell];
  return {
    projected: lm.randomNormal([steps, batch, g * units], 0, 0.8, 11),
    kernel: lm.randomNormal([units, g * units], 0, 0.3, 12),
    h0: lm.randomNormal([batch, units], 0, 0.5, 13),
    c0: lm.randomNormal([batch, units], 0, 0.5, 14),
    mask: lm.cast(lm.greater(lm.randomUniform([steps, batch], 0, 1, 15), 0.3), 'float32'),
    drop: lm.mul(
      lm.cast(lm.greater(lm.randomUniform([batch, units], 0, 1, 16), 0.2), 'float32'),
      1.25,
    ),
    bias: lm.randomNormal([g * units], 0, 0.3, 17),
  };
}

function states(c: Case, x: ReturnType<typeof inputs>): lm.Tensor[] {
  return c.cell === 'lstm' ? [x.h0, x.c0] : [x.h0];
}

function sequence(
  c: Case,
  x: ReturnType<typeof inputs>,
  projected: lm.Tensor,
  kernel: lm.Tensor,
  states: lm.Tensor[],
  mask: lm.Tensor,
): { outputs: lm.Tensor; states: lm.Tensor[] } {
  return recurrentSequence({
    cell: c.cell,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    projected,
    kernel,
    initialStates: states,
    mask,
    zeroOutputForMask: c.zeroOutputForMask,
    recurrentDropout: c.recurrentDropout ? x.drop : null,
    recurrentBias: c.cell === 'gruResetAfter' ? x.bias : null,
  });
}

/** Outputs then final states, one step at a time: wasm's GEMM, then the reference's gates. */
function lstmStepByStep(c: Case, x: ReturnType<typeof inputs>): number[] {
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
    const r = sequence(c, x, withProduct, zeroKernel, [h, cell], maskRow);
    outputs.push(...r.outputs.dataSync());
    [h, cell] = r.states as [lm.Tensor, lm.Tensor];
  }
  return [...outputs, ...h.dataSync(), ...cell.dataSync()];
}

/**
 * A reset-before GRU one step at a time: wasm's GEMM for both products, the gates in float32 as
 * the reference kernel computes them (x + product, sigmoid/tanh, z * h + (1 - z) * candidate).
 */
function gruStepByStep(c: Case, x: ReturnType<typeof inputs>): number[] {
  const { steps, batch, units: u } = c;
  const f = Math.fround;
  lm.setBackend('wasm');
  const projected = x.projected.dataSync();
  const mask = x.mask.dataSync();
  const drop = x.drop.dataSync();
  const kernelZR = lm.slice(x.kernel, [0, 0], [u, 2 * u]);
  const kernelH = lm.slice(x.kernel, [0, 2 * u], [u, u]);
  const h = Float32Array.from(x.h0.dataSync());
  const outputs: number[] = [];
  for (let t = 0; t < steps; t++) {
    const prev = h.map((v, i) => (c.recurrentDropout ? f(v * (drop[i] as number)) : v));
    const zr = lm.matMul(lm.tensor(prev, [batch, u]), kernelZR).dataSync();
    const z = new Float32Array(batch * u);
    const rPrev = new Float32Array(batch * u);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < u; j++) {
        const xi = (t * batch + b) * 3 * u + j;
        z[b * u + j] = sigmoidF32(f((projected[xi] as number) + (zr[b * 2 * u + j] as number)));
        const r = sigmoidF32(f((projected[xi + u] as number) + (zr[b * 2 * u + u + j] as number)));
        rPrev[b * u + j] = f(r * (prev[b * u + j] as number));
      }
    }
    const ph = lm.matMul(lm.tensor(rPrev, [batch, u]), kernelH).dataSync();
    for (let b = 0; b < batch; b++) {
      const keep = (mask[t * batch + b] as number) !== 0;
      for (let j = 0; j < u; j++) {
        const s = b * u + j;
        const xi = (t * batch + b) * 3 * u + 2 * u + j;
        const hh = tanhF32(f((projected[xi] as number) + (ph[s] as number)));
        const zs = z[s] as number;
        const hPrev = h[s] as number;
        const hNew = f(f(zs * hPrev) + f(f(1 - zs) * hh));
        if (keep) h[s] = hNew;
        outputs.push(keep ? hNew : c.zeroOutputForMask ? 0 : hPrev);
      }
    }
  }
  return [...outputs, ...h];
}

const CASES: Case[] = [
  // Odd batch (a lone last row), one panel, the plain step's mask handling.
  { cell: 'lstm', steps: 5, batch: 7, units: 4, zeroOutputForMask: false, recurrentDropout: true },
  { cell: 'lstm', steps: 4, batch: 6, units: 12, zeroOutputForMask: true, recurrentDropout: false },
  { cell: 'lstm', steps: 3, batch: 9, units: 72, zeroOutputForMask: false, recurrentDropout: true },
  { cell: 'gru', steps: 5, batch: 7, units: 16, zeroOutputForMask: false, recurrentDropout: true },
  { cell: 'gru', steps: 4, batch: 6, units: 48, zeroOutputForMask: true, recurrentDropout: false },
];

/** More cases whose backward products run on tiles (units a multiple of 16; the GRU's above too). */
const BACKWARD_CASES: Case[] = [
  { cell: 'lstm', steps: 4, batch: 7, units: 16, zeroOutputForMask: false, recurrentDropout: true },
  { cell: 'lstm', steps: 3, batch: 6, units: 32, zeroOutputForMask: true, recurrentDropout: false },
  {
    cell: 'simple',
    steps: 4,
    batch: 5,
    units: 16,
    zeroOutputForMask: false,
    recurrentDropout: true,
  },
  {
    cell: 'gruResetAfter',
    steps: 4,
    batch: 7,
    units: 32,
    zeroOutputForMask: false,
    recurrentDropout: true,
  },
];

test(
  'register tiles: the plain GEMM products and the reference gates, bit for bit',
  { skip },
  () => {
    const previous = lm.getBackend();
    try {
      for (const c of CASES) {
        const x = inputs(c);
        const want = c.cell === 'lstm' ? lstmStepByStep(c, x) : gruStepByStep(c, x);
        lm.setBackend('wasm');
        const r = sequence(c, x, x.projected, x.kernel, states(c, x), x.mask);
        const got = [...r.outputs.dataSync(), ...r.states.flatMap((s) => [...s.dataSync()])];
        assert.equal(got.length, want.length);
        assert.deepEqual(got, want, `${c.cell}, units ${c.units}, batch ${c.batch}`);
      }
    } finally {
      lm.setBackend(previous);
    }
  },
);

test(
  "register tiles: training (with the record) gives inference's bits and the reference's gradients",
  { skip },
  () => {
    const previous = lm.getBackend();
    try {
      for (const c of [...CASES, ...BACKWARD_CASES]) {
        const x = inputs(c);
        const run = (backend: string): { values: number[]; grads: number[] } => {
          lm.setBackend(backend);
          const values: number[] = [];
          const loss = (
            projected: lm.Tensor,
            kernel: lm.Tensor,
            ...initial: lm.Tensor[]
          ): lm.Tensor => {
            const r = sequence(c, x, projected, kernel, initial, x.mask);
            const ys = [r.outputs, ...r.states];
            values.push(...ys.flatMap((y) => [...y.dataSync()]));
            return ys
              .map((y, i) => lm.sum(lm.mul(y, lm.randomUniform(y.shape, 0.5, 1.5, 40 + i))))
              .reduce((a, b) => lm.add(a, b));
          };
          const grads = lm
            .grads(loss)([x.projected, x.kernel, ...states(c, x)])
            .flatMap((g) => [...g.dataSync()]);
          return { values, grads };
        };
        const wasm = run('wasm');
        const inference = sequence(c, x, x.projected, x.kernel, states(c, x), x.mask);
        assert.deepEqual(
          wasm.values,
          [inference.outputs, ...inference.states].flatMap((y) => [...y.dataSync()]),
          `${c.cell}, units ${c.units}: training forward against inference`,
        );
        const js = run('js');
        assert.equal(wasm.grads.length, js.grads.length);
        js.grads.forEach((want, i) => {
          const got = wasm.grads[i] as number;
          assert.ok(
            Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want),
            `${c.cell}, units ${c.units}, gradient ${i}: wasm ${got}, js ${want}`,
          );
        });
      }
    } finally {
      lm.setBackend(previous);
    }
  },
);
