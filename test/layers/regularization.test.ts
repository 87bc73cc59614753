/**
 * Keras 3 regularization semantics (docs: keras-semantics worked values first, then our own).
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  Activation,
  ActivityRegularization,
  Dense,
  fill,
  grad,
  input,
  L1,
  L1L2,
  L2,
  l1,
  l1l2,
  l2,
  Layer,
  model,
  ones,
  OrthogonalRegularizer,
  Regularizer,
  registerRegularizer,
  deserializeRegularizer,
  getRegularizer,
  serializeRegularizer,
  sequential,
  setActivityNormalization,
  sum,
  tensor,
  zeros,
  concat,
  type LayerTensors,
  type Tensor,
} from '../../src/index.js';
import { resetDeprecationWarnings } from '../../src/layers/base/legacy.js';
import { assertClose, forEachBackend } from '../helpers.js';

const total = (losses: readonly Tensor[]): number =>
  losses.reduce((s, t) => s + t.dataSync()[0]!, 0);
const X = tensor([
  [1, -2],
  [3, -4],
]);

afterEach(() => setActivityNormalization('batch'));

forEachBackend('regularizers: worked values', () => {
  test('L1(0.1) = 1.0, L2(0.1) = 3.0, L1L2(0.1, 0.2) = 7.0 on [[1,-2],[3,-4]]', () => {
    assertClose(new L1(0.1).apply(X), 1.0);
    assertClose(new L2(0.1).apply(X), 3.0);
    assertClose(new L1L2(0.1, 0.2).apply(X), 7.0, { rtol: 1e-6 });
  });
  test('defaults: L1 and L2 0.01; L1L2 0 and 0 (Keras 3)', () => {
    assert.equal(new L1().l1, 0.01);
    assert.equal(new L2().l2, 0.01);
    assert.deepEqual(new L1L2().getConfig(), { l1: 0, l2: 0 });
    assert.deepEqual(l1l2({ l1: 0.5 }).getConfig(), { l1: 0.5, l2: 0 });
  });
  test('factories take a number or an options object', () => {
    assert.equal(l2(0.5).l2, 0.5);
    assert.equal(l2({ l2: 0.5 }).l2, 0.5);
    assert.equal(l1({ l1: 0.2 }).l1, 0.2);
  });
  test('OrthogonalRegularizer: factor * mean |cosine| over distinct row pairs', () => {
    const w = tensor([
      [1, 0],
      [1, 1],
    ]);
    assertClose(new OrthogonalRegularizer(0.01).apply(w), 0.01 * Math.SQRT1_2, { rtol: 1e-5 });
    // columns [1,1] and [0,1]: cosine 1/sqrt(2) as well
    assertClose(new OrthogonalRegularizer(1, 'columns').apply(w), Math.SQRT1_2, { rtol: 1e-5 });
    const orthogonal = tensor([
      [0.6, 0.8],
      [-0.8, 0.6],
    ]);
    assertClose(new OrthogonalRegularizer(1).apply(orthogonal), 0, { atol: 1e-6 });
    assert.throws(
      () => new OrthogonalRegularizer(1).apply(ones([2, 2, 2])),
      /inputs must have rank 2, received shape \[2,2,2\]/,
    );
  });
  test('validation: factors must be finite and non-negative', () => {
    assert.throws(
      () => l2(-1),
      /L2: Invalid value for argument l2: expected a non-negative float. Received: l2=-1/,
    );
    assert.throws(
      () => l1(NaN),
      /Invalid value for argument l1: expected a non-negative float. Received: l1=NaN/,
    );
    assert.throws(() => new L1L2(0, Infinity), /Received: l2=Infinity/);
    assert.throws(
      () => new OrthogonalRegularizer(0.1, 'diagonal' as 'rows'),
      /expected 'rows' or 'columns'. Received: mode=diagonal/,
    );
  });
  test('the L1 gradient at 0 is 0: a zero weight is pushed nowhere', () => {
    assertClose(grad((w) => l1(0.01).apply(w))(tensor([0, 1, -2])), [0, 0.01, -0.01]);
  });
});

forEachBackend('regularizers: identifiers and serialization', () => {
  test('get() resolves names, configs, instances, functions and null', () => {
    assert.equal(getRegularizer(null), null);
    assert.equal(getRegularizer(undefined), null);
    assert.ok(getRegularizer('l1') instanceof L1);
    assert.ok(getRegularizer('L2') instanceof L2);
    assert.ok(getRegularizer('l1l2') instanceof L1L2);
    assert.ok(getRegularizer('l1_l2') instanceof L1L2, "tf.keras's 'l1_l2' is accepted");
    assert.ok(getRegularizer('orthogonal_regularizer') instanceof OrthogonalRegularizer);
    const r = l2(0.3);
    assert.equal(getRegularizer(r), r);
    const f = getRegularizer((x: Tensor) => sum(x));
    assertClose(f!.apply(X), -2);
    assert.throws(
      () => getRegularizer('l3'),
      /unknown regularizer 'l3'. Known: (\w+, )*L1, L1L2, L2, OrthogonalRegularizer/,
    );
    assert.throws(
      () => getRegularizer(42 as unknown as string),
      /could not interpret regularizer identifier 42/,
    );
  });
  test('Keras 3 form is written; Keras 3 and the older form are read', () => {
    assert.deepEqual(serializeRegularizer(l2(0.01)), {
      module: 'keras.regularizers',
      class_name: 'L2',
      config: { l2: 0.01 },
      registered_name: null,
    });
    const fromOld = deserializeRegularizer({ class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    assert.deepEqual(fromOld.getConfig(), { l1: 0.1, l2: 0.2 });
    const fromNew = getRegularizer({
      module: 'keras.regularizers',
      class_name: 'L1',
      config: { l1: 0.3 },
      registered_name: null,
    });
    assert.deepEqual(fromNew?.getConfig(), { l1: 0.3 });
    assert.throws(
      () => deserializeRegularizer({ class_name: 'L2', config: { l2: 'big' } }),
      /config 'l2' must be a number, received "big"/,
    );
  });
  test('a custom regularizer registered by name round-trips through its config', () => {
    class CountAbove extends Regularizer {
      readonly className = 'CountAbove';
      constructor(readonly threshold: number) {
        super();
      }
      apply(x: Tensor): Tensor {
        return sum(x.greater(this.threshold).cast('float32'));
      }
      getConfig() {
        return { threshold: this.threshold };
      }
    }
    registerRegularizer('CountAbove', (c) => new CountAbove(c.threshold as number));
    const s = serializeRegularizer(new CountAbove(1.5));
    assert.deepEqual(s, {
      class_name: 'CountAbove',
      config: { threshold: 1.5 },
      registered_name: 'CountAbove',
    });
    const back = deserializeRegularizer(JSON.parse(JSON.stringify(s)));
    assertClose(back.apply(X), 1);
    const d = new Dense({ units: 2, kernelRegularizer: s });
    assert.deepEqual(d.getConfig().kernel_regularizer, s);
  });
  test('a plain-function regularizer works but refuses to serialize', () => {
    const d = new Dense({
      units: 1,
      kernelInitializer: 'ones',
      kernelRegularizer: (w: Tensor) => sum(w),
    });
    d.apply(ones([1, 2]));
    assertClose(sum(d.losses[0]!), 2);
    assert.throws(
      () => d.getConfig(),
      /a plain function cannot be serialized; subclass Regularizer and call registerRegularizer/,
    );
  });
});

/** Returns its input unchanged, plus the input repeated twice along the batch. */
class TwoOutputs extends Layer {
  static override className = 'TwoOutputs';
  call(inputs: LayerTensors): Tensor[] {
    const x = inputs as Tensor;
    return [x, concat([x, x], 0)];
  }
}

forEachBackend('activity regularization', () => {
  test('worked value: Dense(5, kernel ones, kernel L1(0.01), activity L2(0.01)) on 5x5 of 2s sums to 5.25', () => {
    const d = new Dense({
      units: 5,
      kernelInitializer: 'ones',
      kernelRegularizer: l1(0.01),
      activityRegularizer: l2(0.01),
    });
    d.apply(fill([5, 5], 2));
    assert.deepEqual(
      d.lossTerms().map((t) => [t.name, t.kind]),
      [
        [`${d.name}/activity`, 'activity'],
        [`${d.name}/kernel`, 'weight'],
      ],
    );
    assert.ok(Math.abs(total(d.losses) - 5.25) < 1e-5);
    assertClose(d.losses[0]!, 5); // 0.01 * 25 * 20^2 / 5
    assertClose(d.losses[1]!, 0.25);
  });
  test('worked value: identity with activity "l2" on ones(B,5)*2 gives 0.2 for every B', () => {
    for (const b of [1, 3, 8]) {
      const layer = new Activation({ activation: 'linear', activityRegularizer: 'l2' });
      layer.apply(fill([b, 5], 2));
      assertClose(layer.losses[0]!, 0.2, { rtol: 1e-6 });
    }
  });
  test('worked value: ActivityRegularization(0.2, 0.3) on [2.0] gives 1.6', () => {
    const layer = new ActivityRegularization({ l1: 0.2, l2: 0.3 });
    layer.apply(tensor([2]));
    assertClose(layer.losses[0]!, 1.6, { rtol: 1e-6 });
  });
  test("'none' normalization (Keras 3.0-3.13) sums over the batch, per layer and library-wide", () => {
    const perLayer = new Activation({
      activation: 'linear',
      activityRegularizer: 'l2',
      activityNormalization: 'none',
    });
    perLayer.apply(fill([4, 5], 2));
    assertClose(perLayer.losses[0]!, 0.8, { rtol: 1e-6 });
    setActivityNormalization('none');
    const global = new Activation({ activation: 'linear', activityRegularizer: 'l2' });
    global.apply(fill([3, 5], 2));
    assertClose(global.losses[0]!, 0.6, { rtol: 1e-6 });
    const overridden = new Activation({
      activation: 'linear',
      activityRegularizer: 'l2',
      activityNormalization: 'batch',
    });
    overridden.apply(fill([3, 5], 2));
    assertClose(overridden.losses[0]!, 0.2, { rtol: 1e-6 });
    assert.throws(
      () => setActivityNormalization('mean' as 'batch'),
      /must be 'batch' .* or 'none'/,
    );
  });
  test('each output is penalized and divided by its own batch size', () => {
    const layer = new TwoOutputs({ activityRegularizer: l1(1) });
    layer.apply(tensor([[1, 2]]));
    // output 1: |1|+|2| = 3 over batch 1; output 2: 6 over batch 2 = 3
    assert.deepEqual(
      layer.losses.map((t) => t.dataSync()[0]),
      [3, 3],
    );
  });
  test('an empty batch gives 0, not NaN; a scalar output is not divided', () => {
    const layer = new Activation({ activation: 'linear', activityRegularizer: l2(1) });
    layer.apply(zeros([0, 3]));
    assert.deepEqual(layer.losses[0]!.dataSync()[0], 0);
    layer.apply(tensor(3));
    assertClose(layer.losses[0]!, 9);
  });
  test('each top-level call clears and recomputes activity losses (recursively)', () => {
    const d = new Dense({
      units: 1,
      kernelInitializer: 'ones',
      useBias: false,
      activityRegularizer: l1(1),
    });
    const m = sequential({ layers: [d] });
    m.apply(tensor([[1, 1]]));
    m.apply(tensor([[2, 3]]));
    assert.equal(m.losses.length, 1);
    assertClose(m.losses[0]!, 5);
    d.apply(tensor([[1, 0]]));
    assertClose(d.losses[0]!, 1);
  });
  test('symbolic calls record no activity loss', () => {
    const d = new Dense({ units: 2, activityRegularizer: 'l2' });
    d.apply(input({ shape: [3] }));
    assert.equal(d.losses.length, 0);
  });
  test("keras #9267: a model called inside another model penalizes its layers' outputs, not inputs", () => {
    const x = input({ shape: [2] });
    const inner = model({
      inputs: x,
      outputs: new Dense({
        units: 3,
        kernelInitializer: 'ones',
        useBias: false,
        activityRegularizer: l1(1),
      }).apply(x),
    });
    const y = input({ shape: [2] });
    const outer = model({ inputs: y, outputs: inner.apply(y) });
    outer.apply(tensor([[1, 1]]));
    // the inner Dense outputs [2, 2, 2]: L1 = 6 (its input would give 2)
    assert.equal(outer.losses.length, 1);
    assertClose(outer.losses[0]!, 6);
  });
});

forEachBackend('weight penalties: trainable, shared, attached later, legacy names', () => {
  test('weight penalties exist right after build, before any call', () => {
    const m = sequential({
      layers: [
        new Dense({
          units: 2,
          inputShape: [3],
          kernelInitializer: 'ones',
          kernelRegularizer: l2(0.5),
        }),
      ],
    });
    assert.equal(m.losses.length, 1);
    assertClose(m.losses[0]!, 3);
  });
  test('a frozen layer adds no weight penalty (its activity penalty stays); unfreezing restores it', () => {
    const d = new Dense({
      units: 2,
      kernelInitializer: 'ones',
      kernelRegularizer: l1(1),
      activityRegularizer: l1(1),
      useBias: false,
    });
    const m = sequential({ layers: [d] });
    m.apply(tensor([[1, 1]]));
    assert.deepEqual(
      m.lossTerms().map((t) => t.kind),
      ['activity', 'weight'],
    );
    d.trainable = false;
    assert.deepEqual(
      m.lossTerms().map((t) => t.kind),
      ['activity'],
    );
    assert.equal(m.trainableWeights.length, 0);
    d.trainable = true;
    assert.equal(m.losses.length, 2);
    m.trainable = false;
    assert.deepEqual(
      m.lossTerms().map((t) => t.kind),
      ['activity'],
    );
  });
  test('a layer shared by two call sites: weight penalty counted once, activity once per call', () => {
    const shared = new Dense({
      units: 1,
      kernelInitializer: 'ones',
      useBias: false,
      kernelRegularizer: l1(1),
      activityRegularizer: l1(1),
    });
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const m = model({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] });
    m.apply([tensor([[1, 1]]), tensor([[2, 2]])]);
    const terms = m.lossTerms();
    assert.deepEqual(
      terms.map((t) => t.kind),
      ['activity', 'activity', 'weight'],
    );
    assert.deepEqual(
      terms.map((t) => t.value.dataSync()[0]),
      [2, 4, 2],
    );
    assert.equal(m.trainableWeights.length, 1);
  });
  test('a regularizer can be attached to or removed from a built layer', () => {
    const d = new Dense({ units: 2, kernelInitializer: 'ones' });
    const m = sequential({ layers: [d] });
    m.apply(ones([1, 3]));
    assert.equal(m.losses.length, 0);
    d.kernel!.regularizer = l2(0.1);
    assertClose(m.losses[0]!, 0.6, { rtol: 1e-6 });
    assert.deepEqual(d.getConfig().kernel_regularizer, serializeRegularizer(l2(0.1)));
    d.kernel!.regularizer = null;
    assert.equal(m.losses.length, 0);
    assert.equal(d.getConfig().kernel_regularizer, null);
  });
  test('legacy names map to the new ones with a one-time warning; both together is an error', () => {
    resetDeprecationWarnings();
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (msg: string) => warnings.push(msg);
    try {
      const a = new Dense({
        units: 1,
        kernelInitializer: 'ones',
        W_regularizer: l1(1),
        b_regularizer: l2(1),
      });
      new Dense({ units: 1, W_regularizer: l1(1) });
      const c = new Dense({ units: 1, kernelInitializer: 'ones', weightRegularizer: l1(2) });
      a.apply(ones([1, 2]));
      c.apply(ones([1, 2]));
      assertClose(a.losses[0]!, 2);
      assert.equal(a.bias?.regularizer?.className, 'L2');
      assertClose(c.losses[0]!, 4);
    } finally {
      console.warn = original;
    }
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(
      warnings[0]!,
      /Dense: 'W_regularizer' is a Keras 1 name; update your call to use 'kernelRegularizer' instead/,
    );
    assert.match(warnings[1]!, /'b_regularizer' .* 'biasRegularizer'/);
    assert.match(warnings[2]!, /'weightRegularizer' .* 'kernelRegularizer'/);
    assert.throws(
      () => new Dense({ units: 1, W_regularizer: l1(1), kernelRegularizer: l2(1) }),
      /Dense: got both the legacy argument 'W_regularizer' and its replacement 'kernelRegularizer'/,
    );
  });
  test('model.losses is recursive and de-duplicated across nested models', () => {
    const d = new Dense({
      units: 2,
      kernelInitializer: 'ones',
      useBias: false,
      kernelRegularizer: l1(1),
    });
    const inner = sequential({ layers: [d] });
    const x = input({ shape: [2] });
    const outer = model({ inputs: x, outputs: [inner.apply(x), inner.apply(x)] });
    assert.equal(outer.losses.length, 1);
    assertClose(outer.losses[0]!, 4);
  });
});

forEachBackend('Keras 1 names in configs', () => {
  test('a config with W_regularizer / b_regularizer loads onto kernel and bias', async () => {
    const { deserializeLayer } = await import('../../src/index.js');
    resetDeprecationWarnings();
    const original = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      const d = deserializeLayer({
        class_name: 'Dense',
        config: {
          units: 2,
          W_regularizer: { class_name: 'L2', config: { l2: 0.5 } },
          b_regularizer: { class_name: 'L1', config: { l1: 0.1 } },
        },
      }) as Dense;
      d.apply(ones([1, 3]));
      assert.equal(d.kernel?.regularizer?.className, 'L2');
      assert.equal(d.bias?.regularizer?.className, 'L1');
      assert.deepEqual((d.getConfig().kernel_regularizer as { config: unknown }).config, {
        l2: 0.5,
      });
    } finally {
      console.warn = original;
    }
    assert.equal(warnings.length, 2);
  });
});

forEachBackend('regularizer gradients', () => {
  test('L1, L2 and L1L2 gradients: l1 sign(x) + 2 l2 x, scaled by the upstream gradient, 0 at 0 for L1', async () => {
    const { grads: gradsOf } = await import('../../src/index.js');
    const x = tensor([0, 1.5, -2]);
    const [g1] = gradsOf((w) => l1(0.1).apply(w).mul(3))([x]);
    assertClose(g1!, [0, 0.3, -0.3], { rtol: 1e-6 });
    const [g2] = gradsOf((w) => l2(0.1).apply(w))([x]);
    assertClose(g2!, [0, 0.3, -0.4], { rtol: 1e-6 });
    const [g3] = gradsOf((w) => new L1L2(0.1, 0.1).apply(w).mul(2))([x]);
    assertClose(g3!, [0, 0.8, -1.0], { rtol: 1e-6 });
  });
});
