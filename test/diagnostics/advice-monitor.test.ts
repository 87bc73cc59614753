/** diagnose's advice rules, the text table, and RegularizationMonitor over a short fit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Activation, Dense, fill, l2, sequential, tensor } from '../../src/index.js';
import {
  diagnose,
  diagnosisLogs,
  formatDiagnosis,
  HIGH_DEAD,
  HIGH_SATURATION,
  LARGE_MAGNITUDE,
  LARGE_WEIGHT_MAX_ABS,
  RegularizationMonitor,
  SMALL_WEIGHT_MAX_ABS,
  type LayerDiagnosis,
} from '../../src/diagnostics/index.js';
import { advise, type AdviceInput } from '../../src/diagnostics/advice.js';
import { forEachBackend } from '../helpers.js';

const base: AdviceInput = {
  activation: 'tanh',
  isOutput: false,
  maxAbsWeight: 0.3,
  meanAbsWeight: 0.1,
  output: {
    shape: [4, 8],
    units: 8,
    meanAbs: 0.3,
    maxAbs: 0.8,
    saturatedFraction: 0,
    deadFraction: 0,
    sparsity: 0,
  },
  preActivation: { meanAbs: 0.4, maxAbs: 1.2 },
  hasKernelRegularizer: false,
  hasActivityRegularizer: false,
};
const withOutput = (o: Partial<NonNullable<AdviceInput['output']>>): AdviceInput => ({
  ...base,
  output: { ...(base.output as NonNullable<AdviceInput['output']>), ...o },
});

test('thresholds are ordered sensibly', () => {
  assert.ok(SMALL_WEIGHT_MAX_ABS < LARGE_WEIGHT_MAX_ABS);
  assert.ok(LARGE_MAGNITUDE > 1 && HIGH_SATURATION > 0 && HIGH_DEAD > 0);
});

test('advice: small weights with large, saturated outputs -> activity regularizer', () => {
  const a = advise({
    ...withOutput({ saturatedFraction: 0.87, meanAbs: 0.99 }),
    preActivation: { meanAbs: 95.2, maxAbs: 300 },
  });
  assert.deepEqual(
    a.map((x) => x.rule),
    ['activity'],
  );
  assert.equal(
    a[0]?.text,
    'weights are small (max |w| 0.30) but pre-activations are large (mean |z| 95.2) and 87% of outputs are saturated (tanh): a kernel regularizer will not help; an activity regularizer will',
  );
  // Large outputs of a layer without a separate activation, moderate weights.
  const b = advise({
    ...withOutput({ meanAbs: 12 }),
    activation: 'relu',
    maxAbsWeight: 1.5,
    preActivation: null,
    hasActivityRegularizer: true,
  });
  assert.equal(b[0]?.rule, 'activity');
  assert.match(b[0]?.text ?? '', /^weights are moderate \(max \|w\| 1\.50\) but outputs are large/);
  assert.match(b[0]?.text ?? '', /increase its factor\)$/);
  // An Activation layer has no kernel.
  const c = advise({ ...withOutput({ saturatedFraction: 0.5 }), maxAbsWeight: null });
  assert.match(c[0]?.text ?? '', /no kernel of its own/);
});

test('advice: large weights -> kernel regularizer or weight decay', () => {
  const a = advise({ ...base, maxAbsWeight: 5.2, meanAbsWeight: 1.3 });
  assert.deepEqual(
    a.map((x) => x.rule),
    ['kernel'],
  );
  assert.equal(
    a[0]?.text,
    'weights are large (max |w| 5.20, mean |w| 1.30): a kernel regularizer (L2) or weight decay will shrink them',
  );
  const b = advise({
    ...withOutput({ saturatedFraction: 0.9 }),
    maxAbsWeight: 1,
    meanAbsWeight: 1.2,
    hasKernelRegularizer: true,
  });
  assert.deepEqual(
    b.map((x) => x.rule),
    ['kernel'],
  );
  assert.match(b[0]?.text ?? '', /they are why 90% of outputs are saturated/);
});

test('advice: many dead ReLUs; healthy; model outputs are exempt from the size rule', () => {
  const dead = advise({
    ...withOutput({ deadFraction: 0.62, saturatedFraction: null }),
    activation: 'relu',
  });
  assert.deepEqual(
    dead.map((x) => x.rule),
    ['dead'],
  );
  assert.match(dead[0]?.text ?? '', /^62% of ReLU units are dead \(0 for every sample\)/);
  const healthy = advise(base);
  assert.deepEqual(
    healthy.map((x) => x.rule),
    ['healthy'],
  );
  assert.equal(
    healthy[0]?.text,
    'healthy (max |w| 0.30, mean |a| 0.30, 0% saturated, 0% dead): no regularizer is needed for scale',
  );
  const out = advise({ ...withOutput({ saturatedFraction: 0.9 }), isOutput: true });
  assert.deepEqual(
    out.map((x) => x.rule),
    ['healthy'],
  );
  assert.match(out[0]?.text ?? '', /output layer/);
});

forEachBackend('diagnose advice, table and monitor', () => {
  test('the seed scenario: small weights, many inputs, saturated tanh', () => {
    const hidden = new Dense({ units: 4, activation: 'tanh', name: 'wide', useBias: false });
    const m = sequential({ layers: [hidden, new Dense({ units: 1, name: 'head' })] });
    m.apply(fill([1, 100], 0.5));
    hidden.setWeights([fill([100, 4], 0.3)]);
    const report = diagnose(m, fill([3, 100], 0.5));
    const d = report.layers[0] as LayerDiagnosis;
    assert.equal(d.output?.saturatedFraction, 1);
    assert.ok(
      Math.abs((d.preActivation?.meanAbs ?? 0) - 15) < 15 * 1e-5,
      'within 1e-5 relative (float32 accumulation)',
    );
    assert.equal(d.advice[0]?.rule, 'activity');
    assert.match(
      d.advice[0]?.text ?? '',
      /^weights are small \(max \|w\| 0\.30\) but pre-activations are large \(mean \|z\| 15\.0\) and 100% of outputs are saturated/,
    );

    const text = formatDiagnosis(report);
    assert.match(text, /^Diagnosis on 3 samples/);
    assert.match(text, /layer\s+class\s+activation\s+mean\|w\|\s+max\|w\|\s+mean\|z\|/);
    assert.match(
      text,
      /\nwide\s+Dense\s+tanh\s+0\.30\s+0\.30\s+15\.0\s+1\.00\s+1\.00\s+100%\s+100%\s+0%\s+-\n/,
    );
    assert.match(text, /\n {2}- weights are small/);
  });

  test('an Activation layer reports its input as pre-activation', () => {
    const m = sequential({
      layers: [new Activation({ activation: 'tanh', name: 'act', inputShape: [2] })],
    });
    const d = diagnose(m, tensor([[10, -20]])).layers[0] as LayerDiagnosis;
    assert.equal(d.preActivation?.meanAbs, 15);
    assert.equal(d.maxAbsWeight, null);
  });

  test('RegularizationMonitor records diag/<layer>/... into History and keeps reports', async () => {
    const m = sequential({
      layers: [
        new Dense({
          units: 3,
          inputShape: [2],
          activation: 'tanh',
          name: 'mh',
          kernelRegularizer: l2(0.01),
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
        }),
        new Dense({
          units: 1,
          name: 'mo',
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 2 } },
        }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor([
      [1, 2],
      [-1, 0.5],
      [0.3, -0.2],
      [2, 1],
    ]);
    const y = tensor([[1], [0], [0.5], [1]]);
    const monitor = new RegularizationMonitor(x);
    const history = await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [monitor] });
    assert.equal(monitor.reports.length, 3);
    assert.deepEqual(
      monitor.reports.map((r) => r.epoch),
      [0, 1, 2],
    );
    for (const key of [
      'diag/mh/mean_abs_activation',
      'diag/mh/saturated_fraction',
      'diag/mh/max_abs_weight',
      'diag/mh/penalty',
      'diag/mo/mean_abs_activation',
    ]) {
      assert.equal(history.history[key]?.length, 3, key);
    }
    assert.equal(history.history['diag/mh/dead_fraction']?.length, 3);
    assert.equal(history.history['diag/mo/saturated_fraction'], undefined, 'linear: no saturation');
    const last = monitor.latest;
    assert.ok(last !== null);
    const logs = diagnosisLogs(last);
    for (const [k, v] of Object.entries(logs)) assert.equal(history.history[k]?.[2], v, k);
    // After training the same report comes back from diagnose (nothing else changed).
    assert.deepEqual(diagnosisLogs(diagnose(m, x)), logs);

    const every = new RegularizationMonitor(x, { every: 2 });
    const h2 = await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [every] });
    assert.deepEqual(
      every.reports.map((r) => r.epoch),
      [1, 2],
    );
    assert.ok(Number.isNaN(h2.history['diag/mh/max_abs_weight']?.[0]));
    assert.throws(() => new RegularizationMonitor(x, { every: 0 }), /every/);
  });
});
