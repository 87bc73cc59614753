/**
 * diagnose: exact statistics on hand-built layers with known weights and inputs, penalties,
 * functional, nested and shared graphs, and that nothing in the model changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ActivityRegularization,
  Add,
  BatchNormalization,
  Dense,
  Dropout,
  input,
  l1,
  l2,
  model,
  sequential,
  tensor,
  type Tensor,
} from '../../src/index.js';
import { diagnose, type LayerDiagnosis } from '../../src/diagnostics/index.js';
import { forEachBackend } from '../helpers.js';

const close = (actual: number | null | undefined, expected: number, tol = 1e-5): void => {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)),
    `expected ${expected}, got ${String(actual)}`,
  );
};

function byName(layers: readonly LayerDiagnosis[], name: string): LayerDiagnosis {
  const l = layers.find((d) => d.name === name);
  assert.ok(l, `no layer ${name} in ${layers.map((d) => d.name).join(', ')}`);
  return l;
}

/** A Dense layer with fixed weights, built for `inputDim` inputs. */
function dense(
  name: string,
  kernel: number[][],
  bias: number[] | null,
  args: Partial<ConstructorParameters<typeof Dense>[0]> = {},
): Dense {
  const units = (kernel[0] as number[]).length;
  const layer = new Dense({ units, name, useBias: bias !== null, ...args });
  layer.apply(tensor([kernel.map(() => 0)]));
  layer.setWeights(bias === null ? [tensor(kernel)] : [tensor(kernel), tensor(bias)]);
  return layer;
}

forEachBackend('diagnose: exact statistics', () => {
  test('weights, outputs and penalties of a linear Dense layer', () => {
    const layer = dense(
      'lin',
      [
        [1, -2, 0],
        [0.0005, 3, -4],
      ],
      [0.5, 0, -0.25],
      { kernelRegularizer: l2(0.1), biasRegularizer: l1(0.5) },
    );
    const x = tensor([
      [1, 1],
      [2, -1],
    ]);
    const report = diagnose(layer, x);
    assert.equal(report.samples, 2);
    assert.equal(report.layers.length, 1);
    const d = report.layers[0] as LayerDiagnosis;
    assert.equal(d.name, 'lin');
    assert.equal(d.className, 'Dense');
    assert.equal(d.activation, 'linear');
    const [k, b] = d.weights;
    assert.equal(k?.name, 'lin/kernel');
    assert.deepEqual(k?.shape, [2, 3]);
    close(k?.meanAbs, 10.0005 / 6);
    close(k?.maxAbs, 4);
    close(k?.l2Norm, Math.sqrt(30.00000025));
    close(k?.nearZeroFraction, 2 / 6);
    assert.equal(k?.regularized, true);
    close(b?.meanAbs, 0.25);
    close(b?.maxAbs, 0.5);
    close(b?.nearZeroFraction, 1 / 3);
    // The layer's weight summary covers the kernel only.
    close(d.maxAbsWeight, 4);
    close(d.meanAbsWeight, 10.0005 / 6);
    // Outputs: [[1.5005, 1, -4.25], [2.4995, -7, 3.75]].
    assert.deepEqual(d.output?.shape, [2, 3]);
    assert.equal(d.output?.units, 3);
    close(d.output?.meanAbs, 20 / 6);
    close(d.output?.maxAbs, 7);
    assert.equal(d.output?.sparsity, 0);
    assert.equal(d.output?.saturatedFraction, null);
    assert.equal(d.output?.deadFraction, null);
    assert.equal(d.preActivation, null);
    close(d.penalties.kernel, 0.1 * 30.00000025);
    close(d.penalties.bias, 0.5 * 0.75);
    close(d.penalty, 3.375);
    close(report.penalty, 3.375);
  });

  test('nearZero option', () => {
    const layer = dense('nz', [[0.01, 0.05, 0.2, 1]], null);
    const d = diagnose(layer, tensor([[1]]), { nearZero: 0.1 }).layers[0];
    close(d?.weights[0]?.nearZeroFraction, 0.5);
    assert.throws(() => diagnose(layer, tensor([[1]]), { nearZero: -1 }), /nearZero/);
  });

  test('tanh with huge pre-activations: saturated and dead fractions, pre-activation', () => {
    const layer = dense(
      'th',
      [
        [100, -100, 1, 0],
        [0, 0, 0, 50],
      ],
      null,
      { activation: 'tanh' },
    );
    const x = tensor([
      [1, 1],
      [0.5, 1],
      [-0.001, -1],
    ]);
    const z = [100, -100, 1, 50, 50, -50, 0.5, 50, -0.1, 0.1, -0.001, -50];
    const d = diagnose(layer, x).layers[0] as LayerDiagnosis;
    // |tanh z| > 0.99 iff |z| > 2.65: units 1 and 2 on two samples, unit 4 on all three.
    close(d.output?.saturatedFraction, 7 / 12);
    close(d.output?.deadFraction, 1 / 4);
    close(d.output?.meanAbs, z.reduce((s, v) => s + Math.abs(Math.tanh(v)), 0) / 12);
    close(d.preActivation?.meanAbs, z.reduce((s, v) => s + Math.abs(v), 0) / 12);
    close(d.preActivation?.maxAbs, 100);
    assert.equal(layer.activation.name, 'tanh', 'the layer keeps its activation');
  });

  test('sigmoid saturation outside [0.01, 0.99]', () => {
    const layer = dense('sg', [[10, -10, 0.1, 4]], null, { activation: 'sigmoid' });
    const d = diagnose(layer, tensor([[1], [0]])).layers[0] as LayerDiagnosis;
    // sigmoid(10), sigmoid(-10) are saturated; sigmoid(4) = 0.982 and all of sample 2 are not.
    close(d.output?.saturatedFraction, 2 / 8);
    close(d.output?.deadFraction, 0);
  });

  test('relu: dead units (0 for every sample) and sparsity (exact zeros)', () => {
    const layer = dense('re', [[1, -1, 0]], [0, 0, -1], { activation: 'relu' });
    const d = diagnose(layer, tensor([[1], [2], [-1]])).layers[0] as LayerDiagnosis;
    // z = [[1,-1,-1],[2,-2,-1],[-1,1,-1]]: unit 3 is never positive.
    close(d.output?.deadFraction, 1 / 3);
    close(d.output?.sparsity, 6 / 9);
    assert.equal(d.output?.saturatedFraction, null);
    close(d.output?.meanAbs, 4 / 9);
    close(d.preActivation?.meanAbs, 11 / 9);
    assert.equal(d.advice[0]?.rule, 'dead');
    assert.match(d.advice[0]?.text ?? '', /^33% of ReLU units are dead/);
  });

  test('activity penalties (batch-normalized) and layers without weights', () => {
    const layer = dense('act', [[1, -2]], null, { activityRegularizer: l1(0.1) });
    const reg = new ActivityRegularization({ l2: 0.5, name: 'areg' });
    const m = sequential({ layers: [layer, reg] });
    const report = diagnose(m, tensor([[1], [3]]));
    assert.deepEqual(
      report.layers.map((l) => l.name),
      ['act', 'areg'],
    );
    // Outputs [[1,-2],[3,-6]]: L1 0.1 * 12 / 2 samples; L2 0.5 * 50 / 2.
    close(byName(report.layers, 'act').penalties.activity, 0.6);
    close(byName(report.layers, 'areg').penalties.activity, 12.5);
    close(report.penalty, 13.1);
    assert.equal(byName(report.layers, 'areg').activation, null);
  });

  test('a frozen layer contributes no weight penalty', () => {
    const layer = dense('fz', [[2]], null, { kernelRegularizer: l2(1) });
    layer.trainable = false;
    const d = diagnose(layer, tensor([[1]])).layers[0] as LayerDiagnosis;
    assert.deepEqual(d.penalties, {});
    assert.equal(d.weights[0]?.trainable, false);
  });
});

forEachBackend('diagnose: models', () => {
  test('functional model with a branch: graph order, outputs, merge layers skipped', () => {
    const inp = input({ shape: [2], name: 'fin' });
    const a = new Dense({ units: 3, activation: 'relu', name: 'fa' });
    const b = new Dense({ units: 3, name: 'fb' });
    const out = new Dense({ units: 1, name: 'fout' });
    const y = out.apply(new Add({ name: 'fadd' }).apply([a.apply(inp), b.apply(inp)]));
    const m = model({ inputs: inp, outputs: y });
    const x = tensor([
      [1, 2],
      [-1, 0.5],
    ]);
    const expected = m.predict(x) as Tensor;
    const report = diagnose(m, x);
    assert.deepEqual(
      report.layers.map((l) => l.name),
      ['fa', 'fb', 'fout'],
    );
    const o = byName(report.layers, 'fout');
    assert.equal(o.isOutput, true);
    assert.equal(byName(report.layers, 'fa').isOutput, false);
    const values = Array.from(expected.dataSync(), Math.abs);
    close(o.output?.meanAbs, (values[0]! + values[1]!) / 2);
  });

  test('nested models get hierarchical names; shared layers are numbered', () => {
    const inner = sequential({
      name: 'encoder',
      layers: [new Dense({ units: 2, inputShape: [3], activation: 'tanh', name: 'enc1' })],
    });
    const shared = new Dense({ units: 2, name: 'shared' });
    const inp = input({ shape: [3] });
    const h = inner.apply(inp);
    const y = shared.apply(shared.apply(h));
    const m = model({ inputs: inp, outputs: y });
    const x = tensor([[1, 2, 3]]);
    const report = diagnose(m, x);
    assert.deepEqual(
      report.layers.map((l) => l.name),
      ['encoder/enc1', 'shared', 'shared[1]'],
    );
    const enc = byName(report.layers, 'encoder/enc1');
    assert.equal(enc.layerName, 'enc1');
    const direct = inner.predict(x) as Tensor;
    close(enc.output?.meanAbs, Array.from(direct.dataSync(), Math.abs).reduce((s, v) => s + v) / 2);
    assert.equal(byName(report.layers, 'shared[1]').isOutput, true);
    assert.equal(byName(report.layers, 'shared').isOutput, false);
  });

  test('Sequential without an input shape runs its layers in order', () => {
    const m = sequential({
      layers: [new Dense({ units: 4, name: 's1', activation: 'relu' }), new Dense({ units: 1 })],
    });
    const report = diagnose(m, tensor([[1, 2, 3]]));
    assert.equal(report.layers.length, 2);
    assert.equal(report.layers[0]?.name, 's1');
    assert.equal(report.layers[1]?.isOutput, true);
  });

  test('inference mode; weights, moving statistics and predictions do not change', () => {
    const m = sequential({
      layers: [
        new Dense({ units: 3, inputShape: [2], activation: 'tanh', name: 'i1' }),
        new BatchNormalization({ name: 'ibn' }),
        new Dropout({ rate: 0.5 }),
        new Dense({ units: 1, name: 'i2' }),
      ],
    });
    const x = tensor([
      [1, 2],
      [3, -4],
    ]);
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    const predicted = Array.from((m.predict(x) as Tensor).dataSync());
    const report = diagnose(m, x);
    assert.deepEqual(
      report.layers.map((l) => l.name),
      ['i1', 'ibn', 'i2'],
    );
    assert.deepEqual(
      m.getWeights().map((w) => Array.from(w.dataSync())),
      before,
    );
    assert.deepEqual(Array.from((m.predict(x) as Tensor).dataSync()), predicted);
    const last = Array.from((m.predict(x) as Tensor).dataSync(), Math.abs);
    close(byName(report.layers, 'i2').output?.meanAbs, (last[0]! + last[1]!) / 2);
  });
});
