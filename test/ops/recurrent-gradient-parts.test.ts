/**
 * The fused recurrent op's gradients: handed back as views on the backward kernel's flat output
 * (no copies), and the outputs' and final states' gradients reach the kernel apart, each as it
 * is (no padding into one [T + S, B, u] whole), whichever of them the loss reads.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import * as lm from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import type { WasmData } from '../../src/backend/wasm/memory.js';
import type { RecurrentCell } from '../../src/backend/kernels.js';
import { recurrentSequence } from '../../src/ops/recurrent.js';
import { checkGrad } from '../gradcheck.js';

afterEach(() => lm.setBackend('js'));

const backends = wasmBackend === null ? ['js'] : ['js', 'wasm'];

/** The JS array behind a tensor on the js or wasm backend. */
function valuesOf(t: lm.Tensor): Float32Array {
  const data = t.storage.data as Float32Array | WasmData;
  return (data instanceof Float32Array ? data : data.js) as Float32Array;
}

const [T, B, U] = [3, 2, 3];

/** The loss reads the outputs, a final state, or both. */
type Reads = 'outputs' | 'h' | 'c' | 'both';

function loss(cell: RecurrentCell, reads: Reads) {
  return (...xs: lm.Tensor[]): lm.Tensor => {
    const { outputs, states } = recurrentSequence({
      cell,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      projected: xs[0] as lm.Tensor,
      kernel: xs[1] as lm.Tensor,
      initialStates: xs.slice(2),
      // Row 1 skips step 1, so that the skipped-step paths carry the states' gradients.
      mask: lm.tensor([1, 1, 1, 0, 1, 1], [T, B]),
    });
    const out = (): lm.Tensor => outputs.mul(lm.tensor([0.5, -1.2, 0.9], [3, 1, 1])).sum();
    const state = (i: number): lm.Tensor => (states[i] as lm.Tensor).mul(1.7).sum();
    if (reads === 'outputs') return out();
    if (reads === 'h') return state(0);
    if (reads === 'c') return state(1);
    return out().add(state(0));
  };
}

function inputsFor(cell: RecurrentCell): lm.Tensor[] {
  const g = cell === 'lstm' ? 4 : cell === 'simple' ? 1 : 3;
  const s = cell === 'lstm' ? 2 : 1;
  return [
    lm.randomNormal([T, B, g * U], 0, 0.8, 1),
    lm.randomNormal([U, g * U], 0, 0.6, 2),
    ...Array.from({ length: s }, (_, i) => lm.randomNormal([B, U], 0, 0.5, 3 + i)),
  ];
}

for (const name of backends) {
  test(`the fused recurrent op's gradients are views on one flat buffer [${name}]`, () => {
    lm.setBackend(name);
    const [steps, batch, u] = [3, 2, 4];
    const projected = lm.randomNormal([steps, batch, 4 * u], 0, 1, 1);
    const kernel = lm.randomNormal([u, 4 * u], 0, 0.3, 2);
    const h0 = lm.randomNormal([batch, u], 0, 1, 3);
    const c0 = lm.randomNormal([batch, u], 0, 1, 4);
    const { grads } = lm.valueAndGrads((p: lm.Tensor, k: lm.Tensor, h: lm.Tensor, c: lm.Tensor) => {
      const { outputs, states } = recurrentSequence({
        cell: 'lstm',
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        projected: p,
        kernel: k,
        initialStates: [h, c],
      });
      return outputs.sum().add((states[1] as lm.Tensor).sum());
    })([projected, kernel, h0, c0]);
    const arrays = grads.map(valuesOf);
    const buffer = (arrays[0] as Float32Array).buffer;
    for (const a of arrays) assert.equal(a.buffer, buffer);
    // In the layout's order: d(projected), d(kernel), d(h0), d(c0), back to back.
    let offset = (arrays[0] as Float32Array).byteOffset;
    for (const [i, a] of arrays.entries()) {
      assert.equal(a.byteOffset, offset, `part ${i}`);
      offset += a.byteLength;
    }
  });

  for (const [cell, reads] of [
    ['lstm', 'outputs'],
    ['lstm', 'h'],
    ['lstm', 'c'],
    ['lstm', 'both'],
    ['gru', 'h'],
    ['gru', 'outputs'],
    ['simple', 'h'],
  ] as const) {
    test(`gradients when the loss reads ${reads} (${cell}): finite differences [${name}]`, () => {
      lm.setBackend(name);
      checkGrad(loss(cell, reads), inputsFor(cell));
    });
  }

  test(`reading only the states gives the gradient of reading them beside zero-weighted outputs [${name}]`, () => {
    lm.setBackend(name);
    const xs = inputsFor('lstm');
    const onlyH = lm.valueAndGrads(loss('lstm', 'h'))(xs).grads;
    const withOutputs = lm.valueAndGrads((...ts: lm.Tensor[]) => {
      const { outputs, states } = recurrentSequence({
        cell: 'lstm',
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        projected: ts[0] as lm.Tensor,
        kernel: ts[1] as lm.Tensor,
        initialStates: ts.slice(2),
        mask: lm.tensor([1, 1, 1, 0, 1, 1], [T, B]),
      });
      return outputs
        .mul(0)
        .sum()
        .add((states[0] as lm.Tensor).mul(1.7).sum());
    })(xs).grads;
    onlyH.forEach((g, i) =>
      assert.deepEqual(g.dataSync(), (withOutputs[i] as lm.Tensor).dataSync(), `input ${i}`),
    );
  });
}
