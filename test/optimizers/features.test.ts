/**
 * Clipping, decoupled weight decay and its exclusions, the L2-vs-decay equivalences,
 * constraints, iterations, learning-rate handling.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clipByValue,
  mul,
  sum,
  tensor,
  variable,
  variableGrads,
  zeros,
  type Tensor,
  type Variable,
} from '../../src/index.js';
import { LayerWeight } from '../../src/layers/base/weight.js';
import {
  Adam,
  AdamW,
  ExponentialDecay,
  PiecewiseConstantDecay,
  SGD,
} from '../../src/optimizers/index.js';
import { L2 } from '../../src/regularizers/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

/** A rank-2 variable (rank-1 variables are excluded from weight decay by default). */
const matrix = (name = 'dense/kernel'): Variable => variable(tensor([[1, -2]]), { name });

function weight(shortName: string, value: Tensor): LayerWeight {
  return new LayerWeight(value, {
    name: `layer/${shortName}`,
    shortName,
    trainable: true,
    regularizer: null,
    constraint: null,
  });
}

forEachBackend('gradient clipping', () => {
  test('clipValue clips each element', () => {
    const w = variable(tensor([0, 0]));
    new SGD({ learningRate: 1, clipValue: 0.5 }).applyGradients([[tensor([1, -0.2]), w]]);
    assertClose(w, [-0.5, 0.2]);
  });

  test('clipNorm rescales each gradient to norm <= clipNorm; small ones are kept', () => {
    const a = variable(tensor([0, 0]), { name: 'a' });
    const b = variable(tensor([0, 0]), { name: 'b' });
    new SGD({ learningRate: 1, clipNorm: 1 }).applyGradients([
      [tensor([3, 4]), a],
      [tensor([0.3, 0.4]), b],
    ]);
    assertClose(a, [-0.6, -0.8]);
    assertClose(b, [-0.3, -0.4]);
  });

  test('globalClipNorm rescales all gradients by their joint norm', () => {
    const a = variable(tensor([0, 0]), { name: 'a' });
    const b = variable(tensor([0, 0]), { name: 'b' });
    new SGD({ learningRate: 1, globalClipNorm: 1 }).applyGradients([
      [tensor([3, 0]), a],
      [tensor([0, 4]), b],
    ]);
    // The joint norm is 5: both scaled by 1/5 (per-gradient clipNorm would give -1 and -1).
    assertClose(a, [-0.6, 0]);
    assertClose(b, [0, -0.8]);
  });

  test('a zero gradient gives no NaN with clipNorm or globalClipNorm', () => {
    for (const opts of [{ clipNorm: 1 }, { globalClipNorm: 1 }]) {
      const w = variable(tensor([1, 2]));
      new Adam({ learningRate: 0.1, ...opts }).applyGradients([[zeros([2]), w]]);
      assertClose(w, [1, 2]);
    }
  });

  test('at most one clipping option', () => {
    assert.throws(
      () => new SGD({ clipNorm: 1, clipValue: 1 }),
      /Only one of clipNorm, clipValue and globalClipNorm can be set/,
    );
    assert.throws(() => new Adam({ globalClipNorm: 1, clipNorm: 2 }), /Only one of/);
  });
});

forEachBackend('weight decay', () => {
  test('decoupled: w -= lr * wd * w before the update', () => {
    const w = matrix();
    new SGD({ learningRate: 0.1, weightDecay: 0.5 }).applyGradients([[tensor([[1, 1]]), w]]);
    // w * (1 - 0.05) - 0.1 * g
    assertClose(w, [[0.85, -2]]);
  });

  test('by default biases, normalization weights and rank-1 variables are not decayed', () => {
    const opt = new SGD({ learningRate: 0.1, weightDecay: 0.5 });
    const kernel = weight('kernel', tensor([[1, 2]]));
    const bias = weight('bias', tensor([[1, 2]]));
    const gamma = weight('gamma', tensor([[1, 2]]));
    const vector = variable(tensor([1, 2]), { name: 'vector' });
    const zero = [[0, 0]];
    opt.applyGradients([
      [tensor(zero), kernel],
      [tensor(zero), bias],
      [tensor(zero), gamma],
      [zeros([2]), vector],
    ]);
    assertClose(kernel, [[0.95, 1.9]]);
    assertClose(bias, [[1, 2]]);
    assertClose(gamma, [[1, 2]]);
    assertClose(vector, [1, 2]);
    for (const name of ['beta', 'moving_mean', 'moving_variance'])
      assert.equal(opt.usesWeightDecay(weight(name, tensor([[1]]))), false);
  });

  test('decayAllVariables: true decays every variable, as Keras', () => {
    const bias = weight('bias', tensor([1, 2]));
    new SGD({ learningRate: 0.1, weightDecay: 0.5, decayAllVariables: true }).applyGradients([
      [zeros([2]), bias],
    ]);
    assertClose(bias, [0.95, 1.9]);
  });

  test('excludeFromWeightDecay by variable and by name substring', () => {
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    const a = matrix('encoder/embeddings');
    const b = matrix('dense/kernel');
    const c = matrix('head/kernel');
    opt.excludeFromWeightDecay({ varNames: ['embed'], variables: [c] });
    assert.deepEqual(
      [a, b, c].map((v) => opt.usesWeightDecay(v)),
      [false, true, false],
    );
    opt.applyGradients([
      [zeros([1, 2]), a],
      [zeros([1, 2]), b],
      [zeros([1, 2]), c],
    ]);
    assertClose(a, [[1, -2]]);
    assertClose(b, [[0.95, -1.9]]);
    assertClose(c, [[1, -2]]);
  });

  test('AdamW defaults to weightDecay 0.004 and requires one', () => {
    assert.equal(new AdamW().weightDecay, 0.004);
    assert.equal(new Adam().weightDecay, null);
    assert.throws(() => new AdamW({ weightDecay: null }), /weightDecay must be a float/);
  });

  test('SGD: Keras L2(wd / 2) penalty gradient == PyTorch-style coupled decay g + wd * w', () => {
    const wd = 0.1;
    const c = tensor([[0.5, -1]]);
    const viaL2 = matrix('a');
    const { grads } = variableGrads(
      () => sum(mul(viaL2, c)).add(new L2(wd / 2).apply(viaL2)),
      [viaL2],
    );
    new SGD({ learningRate: 0.1 }).applyGradients([[grads.a as Tensor, viaL2]]);
    const coupled = matrix('b');
    new SGD({ learningRate: 0.1 }).applyGradients([[c.add(mul(coupled, wd)), coupled]]);
    // w - lr * (c + wd * w) = [1 - 0.1 * 0.6, -2 - 0.1 * (-1.2)]
    assertClose(viaL2, [[0.94, -1.88]]);
    assertClose(coupled, [[0.94, -1.88]]);
  });

  test('AdamW differs from Adam + L2: the penalty is normalized away, decay is not', () => {
    const lambda = 0.05;
    const g = tensor([[0.5, -1]]);
    const withL2 = matrix('a');
    new Adam({ learningRate: 0.1 }).applyGradients([[g.add(mul(withL2, 2 * lambda)), withL2]]);
    const adamW = matrix('b');
    new AdamW({ learningRate: 0.1, weightDecay: 2 * lambda }).applyGradients([[g, adamW]]);
    // Adam's first step is lr * sign(g'), whatever the penalty: [0.9, -1.9].
    assertClose(withL2, [[0.9, -1.9]], { rtol: 1e-6 });
    // AdamW shrinks first: w * (1 - 0.1 * 0.1) - 0.1 * sign(g) = [0.89, -1.88].
    assertClose(adamW, [[0.89, -1.88]], { rtol: 1e-6 });
  });
});

forEachBackend('constraints, iterations and learning rate', () => {
  test('a constraint is applied after the update (and after weight decay)', () => {
    const v = Object.assign(variable(tensor([[0.5, -0.5]])), {
      constraint: { apply: (w: Tensor): Tensor => clipByValue(w, 0, 1) },
    });
    const opt = new SGD({ learningRate: 1, weightDecay: 0.1 });
    opt.applyGradients([[tensor([[-1, 0.2]]), v]]);
    // decay: [0.45, -0.45]; update: [1.45, -0.65]; constraint: [1, 0]
    assertClose(v, [[1, 0]]);
    const w = weight('kernel', tensor([[2, 2]]));
    w.constraint = { className: 'Half', apply: (x) => mul(x, 0.5) };
    opt.applyGradients([[zeros([1, 2]), w]]);
    assertClose(w, [[0.9, 0.9]]);
  });

  test('iterations counts applyGradients calls; schedules see the step before each update', () => {
    const opt = new SGD({ learningRate: new PiecewiseConstantDecay([0, 1], [1, 0.5, 0.25]) });
    const w = variable(tensor([0, 0]));
    const rates: number[] = [];
    for (let k = 0; k < 3; k++) {
      rates.push(opt.currentLearningRate());
      opt.applyGradients([[tensor([1, 1]), w]]);
    }
    assert.equal(opt.iterations, 3);
    assert.deepEqual(rates, [1, 0.5, 0.25]);
    assertClose(w, [-1.75, -1.75]);
  });

  test('learningRate is settable; a number cannot replace a schedule (Keras)', () => {
    const opt = new Adam();
    assert.equal(opt.learningRate, 0.001);
    opt.learningRate = 0.01;
    assert.equal(opt.currentLearningRate(), 0.01);
    assert.throws(() => (opt.learningRate = -1), /learningRate: expected a number >= 0/);
    const schedule = new ExponentialDecay(0.1, 10, 0.5);
    opt.learningRate = schedule;
    assert.equal(opt.learningRate, schedule);
    assert.throws(() => (opt.learningRate = 0.1), /not settable/);
  });

  test('updates are not recorded for autodiff', () => {
    const w = variable(tensor([1, 2]), { name: 'w' });
    const opt = new Adam({ learningRate: 0.1 });
    const { grads } = variableGrads(() => {
      opt.applyGradients([[tensor([1, 1]), w]]);
      return sum(mul(w, 3));
    }, [w]);
    assertClose(grads.w as Tensor, [3, 3]);
  });

  test('bad arguments give clear errors', () => {
    assert.throws(
      () => new SGD({ learningRate: -0.1 }),
      /SGD: Invalid value for argument learningRate/,
    );
    assert.throws(() => new SGD({ momentum: 1.5 }), /momentum: expected a number in \[0, 1\]/);
    assert.throws(() => new Adam({ beta1: Number.NaN }), /beta1/);
    assert.throws(() => new Adam({ clipNorm: -1 }), /clipNorm/);
    const w = variable(tensor([1, 2]));
    const opt = new SGD();
    assert.throws(() => opt.applyGradients([[tensor([1, 2, 3]), w]]), /has shape \[3\]/);
    assert.throws(
      () =>
        opt.applyGradients([
          [tensor([1, 2]), w],
          [tensor([1, 2]), w],
        ]),
      /appears twice/,
    );
  });
});

forEachBackend('minimize', () => {
  test('minimize takes the gradients of loss() and applies them; returns the loss', () => {
    const w = variable(tensor([1, -2]), { name: 'w' });
    const opt = new SGD({ learningRate: 0.1 });
    const loss = opt.minimize(() => sum(mul(w, w)), [w]);
    assertClose(loss, 5);
    assertClose(w, [0.8, -1.6]);
    assert.equal(opt.iterations, 1);
  });
});
