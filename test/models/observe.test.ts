/**
 * The model observer hook (`apply(x, { observe })`) and `Layer.preActivation`: what diagnostics,
 * the study and the playground read instead of running the layers themselves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Activation,
  Dense,
  Dropout,
  input,
  layers,
  model,
  sequential,
  tensor,
  type LayerCall,
  type Tensor,
} from '../../src/index.js';

const values = (t: Tensor | Tensor[]): number[] => Array.from((t as Tensor).dataSync());

/** Kernel and bias of ones; built by its first application. */
function fixedDense(name: string, units: number, activation: string): Dense {
  return new Dense({ units, name, activation, kernelInitializer: 'ones', biasInitializer: 'ones' });
}

test('observe sees every layer application in order, nested models with their path', () => {
  const inner = sequential({ name: 'encoder', layers: [fixedDense('enc', 2, 'relu')] });
  const shared = fixedDense('shared', 2, 'linear');
  const inp = input({ shape: [3], name: 'x' });
  const y = shared.apply(shared.apply(inner.apply(inp)));
  const m = model({ inputs: inp, outputs: y, name: 'outer' });
  const calls: LayerCall[] = [];
  const out = m.apply(tensor([[1, 2, -4]]), { observe: (c) => calls.push(c) });
  assert.deepEqual(
    calls.map((c) => [c.layer.name, c.models.map((l) => l.name)]),
    [
      ['enc', ['outer', 'encoder']],
      ['encoder', ['outer']],
      ['shared', ['outer']],
      ['shared', ['outer']],
    ],
  );
  // enc: relu(1 + 2 - 4 + 1) = 0; shared: 0 + 0 + 1 = 1, then 1 + 1 + 1 = 3.
  assert.deepEqual(values(calls[0]!.outputs), [0, 0]);
  assert.deepEqual(values(calls[2]!.outputs), [1, 1]);
  assert.deepEqual(values(calls[3]!.outputs), [3, 3]);
  assert.equal(calls[3]!.outputs, out);
  assert.equal(calls[2]!.outputs, calls[3]!.inputs);
});

test('a Sequential model reports its layers, without the input layer', () => {
  const m = sequential({
    name: 'seq',
    layers: [fixedDense('d1', 2, 'linear'), layers.activation({ activation: 'relu', name: 'a1' })],
  });
  const names: string[] = [];
  m.apply(tensor([[1, -3]]), { training: false, observe: ({ layer }) => names.push(layer.name) });
  assert.deepEqual(names, ['d1', 'a1']);
  // Without an observer the result is the same.
  assert.deepEqual(values(m.apply(tensor([[1, -3]]))), [0, 0]);
});

test('observe is refused by layers that are not models, and must be a function', () => {
  const d = fixedDense('d', 1, 'linear');
  assert.throws(() => d.apply(tensor([[1]]), { observe: () => undefined }), {
    name: 'LaminaError',
    message: /observe/,
  });
  const m = sequential({ name: 's', layers: [fixedDense('d2', 1, 'linear')] });
  assert.throws(
    () => m.apply(tensor([[1]]), { observe: 3 as unknown as () => void }),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        "Sequential 's': options.observe must be a function ({ layer, inputs, outputs, models }) => void, received number",
  );
});

test('preActivation is the linear part before the activation, computed as call computes it', () => {
  const d = fixedDense('dense_tanh', 2, 'tanh');
  const x = tensor([[1, 2]]);
  assert.deepEqual(values(d.apply(x)), [Math.fround(Math.tanh(4)), Math.fround(Math.tanh(4))]);
  assert.deepEqual(values(d.preActivation(x)), [4, 4]);
  const conv = layers.conv1d({
    filters: 1,
    kernelSize: 2,
    activation: 'sigmoid',
    kernelInitializer: 'ones',
    biasInitializer: 'ones',
  });
  const seq = tensor([[[1], [2], [-3]]]);
  conv.apply(seq);
  assert.deepEqual(values(conv.preActivation(seq) as Tensor), [4, 0]);
  const act = new Activation({ activation: 'relu' });
  assert.deepEqual(values(act.preActivation(tensor([-1, 2])) as Tensor), [-1, 2]);
  assert.equal(new Dropout({ rate: 0.5 }).preActivation(tensor([1])), null);
});
