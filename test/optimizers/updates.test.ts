/**
 * The first three updates of every optimizer against float64 references written out here from
 * Keras 3's formulas (keras/src/optimizers/*.py), on a 2-element variable with fixed gradients.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scalar, tensor, variable } from '../../src/index.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Nadam,
  RMSprop,
  SGD,
  type Optimizer,
} from '../../src/optimizers/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

const W0 = [1, -2];
const GRADS = [
  [0.5, -1],
  [0.3, 0.2],
  [-0.4, 0.6],
];

/** The variable's values after each of the three updates. */
function run(opt: Optimizer): number[][] {
  const w = variable(tensor(W0), { name: 'w' });
  return GRADS.map((g) => {
    opt.applyGradients([[tensor(g), w]]);
    return Array.from(w.dataSync());
  });
}

/** A float64 reference: `step(w, g, t)` updates w in place (t = 1, 2, 3). */
function reference(step: (w: number[], g: number[], t: number, i: number) => void): number[][] {
  const w = [...W0];
  return GRADS.map((g, k) => {
    for (let i = 0; i < w.length; i++) step(w, g, k + 1, i);
    return [...w];
  });
}

function check(opt: Optimizer, expected: number[][]): void {
  const got = run(opt);
  expected.forEach((e, k) =>
    assertClose(tensor(got[k] as number[]), e, { rtol: 2e-6, atol: 2e-6 }),
  );
  assert.equal(opt.iterations, 3);
}

const at = (a: number[], i: number): number => a[i] as number;

forEachBackend('optimizer updates', () => {
  test('SGD: w -= lr * g (literal values)', () => {
    check(new SGD({ learningRate: 0.1 }), [
      [0.95, -1.9],
      [0.92, -1.92],
      [0.96, -1.98],
    ]);
  });

  test('SGD defaults to learning rate 0.01', () => {
    check(
      new SGD(),
      reference((w, g, _t, i) => (w[i] = at(w, i) - 0.01 * at(g, i))),
    );
  });

  for (const nesterov of [false, true]) {
    test(`SGD momentum 0.9, nesterov ${nesterov}`, () => {
      const m = [0, 0];
      const expected = reference((w, g, _t, i) => {
        m[i] = 0.9 * at(m, i) - 0.1 * at(g, i);
        w[i] = at(w, i) + (nesterov ? 0.9 * at(m, i) - 0.1 * at(g, i) : at(m, i));
      });
      check(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov }), expected);
    });
  }

  test('SGD momentum: first step literal (m = -0.05, 0.1; nesterov adds 0.9 m - lr g)', () => {
    const w = variable(tensor(W0));
    new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }).applyGradients([
      [tensor(GRADS[0] as number[]), w],
    ]);
    // m = [-0.05, 0.1]; w += 0.9 m - 0.1 g = [-0.095, 0.19]
    assertClose(w, [0.905, -1.81]);
  });

  function adamRef(lr: number, b1: number, b2: number, eps: number, amsgrad: boolean): number[][] {
    const m = [0, 0];
    const v = [0, 0];
    const vhat = [0, 0];
    return reference((w, g, t, i) => {
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      m[i] = at(m, i) + (at(g, i) - at(m, i)) * (1 - b1);
      v[i] = at(v, i) + (at(g, i) ** 2 - at(v, i)) * (1 - b2);
      let vi = at(v, i);
      if (amsgrad) {
        vhat[i] = Math.max(at(vhat, i), vi);
        vi = at(vhat, i);
      }
      w[i] = at(w, i) - (alpha * at(m, i)) / (Math.sqrt(vi) + eps);
    });
  }

  test('Adam (Keras 3 form, bias correction folded into lr_t)', () => {
    check(new Adam({ learningRate: 0.1 }), adamRef(0.1, 0.9, 0.999, 1e-7, false));
  });

  test('Adam first step is lr * g / (|g| + eps / sqrt(1 - beta2)): about lr * sign(g)', () => {
    const w = variable(tensor(W0));
    new Adam({ learningRate: 0.1 }).applyGradients([[tensor([0.5, -1]), w]]);
    assertClose(w, [0.9, -1.9], { rtol: 1e-6 });
  });

  test('Adam amsgrad (second moment shrinks at step 2, so vhat differs from v)', () => {
    const expected = adamRef(0.1, 0.5, 0.5, 1e-7, true);
    check(new Adam({ learningRate: 0.1, beta1: 0.5, beta2: 0.5, amsgrad: true }), expected);
    const plain = adamRef(0.1, 0.5, 0.5, 1e-7, false);
    // Step 2 literal: plain Adam reaches w0 = 0.80315, AMSGrad (larger vhat) 0.81019.
    assert.ok(Math.abs(at(plain[1] as number[], 0) - 0.8031505) < 1e-6);
    assert.ok(Math.abs(at(expected[1] as number[], 0) - 0.8101854) < 1e-6);
  });

  test('AdamW with weightDecay 0 equals Adam; Adam defaults beta 0.9 / 0.999, eps 1e-7', () => {
    check(new AdamW({ weightDecay: 0 }), adamRef(0.001, 0.9, 0.999, 1e-7, false));
  });

  function rmsRef(rho: number, momentum: number, eps: number, centered: boolean): number[][] {
    const v = [0, 0];
    const a = [0, 0];
    const mom = [0, 0];
    return reference((w, g, _t, i) => {
      v[i] = rho * at(v, i) + (1 - rho) * at(g, i) ** 2;
      let denom = at(v, i) + eps;
      if (centered) {
        a[i] = rho * at(a, i) + (1 - rho) * at(g, i);
        denom = at(v, i) - at(a, i) ** 2 + eps;
      }
      const inc = (0.01 * at(g, i)) / Math.sqrt(denom);
      if (momentum > 0) {
        mom[i] = momentum * at(mom, i) + inc;
        w[i] = at(w, i) - at(mom, i);
      } else w[i] = at(w, i) - inc;
    });
  }

  test('RMSprop', () => {
    check(new RMSprop({ learningRate: 0.01 }), rmsRef(0.9, 0, 1e-7, false));
  });
  test('RMSprop with momentum', () => {
    check(new RMSprop({ learningRate: 0.01, momentum: 0.5 }), rmsRef(0.9, 0.5, 1e-7, false));
  });
  test('RMSprop centered (with momentum)', () => {
    const opt = new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true });
    check(opt, rmsRef(0.9, 0.5, 1e-7, true));
  });
  test("RMSprop: Keras's docstring example (lr 0.1, var 10, grad = var) gives 9.683772", () => {
    const w = variable(scalar(10));
    new RMSprop({ learningRate: 0.1 }).applyGradients([[scalar(10), w]]);
    assertClose(w, 9.683772, { rtol: 1e-6 });
  });

  test('Adagrad (accumulator starts at 0.1)', () => {
    const acc = [0.1, 0.1];
    const expected = reference((w, g, _t, i) => {
      acc[i] = at(acc, i) + at(g, i) ** 2;
      w[i] = at(w, i) - (0.1 * at(g, i)) / Math.sqrt(at(acc, i) + 1e-7);
    });
    check(new Adagrad({ learningRate: 0.1 }), expected);
  });

  test('Adadelta (learning rate 1, the paper form)', () => {
    const ag = [0, 0];
    const ad = [0, 0];
    const rms = (x: number): number => Math.sqrt(x + 1e-7);
    const expected = reference((w, g, _t, i) => {
      ag[i] = 0.95 * at(ag, i) + 0.05 * at(g, i) ** 2;
      const d = (-rms(at(ad, i)) * at(g, i)) / rms(at(ag, i));
      ad[i] = 0.95 * at(ad, i) + 0.05 * d ** 2;
      w[i] = at(w, i) + 1 * d;
    });
    check(new Adadelta({ learningRate: 1 }), expected);
  });

  test('Adamax', () => {
    const m = [0, 0];
    const u = [0, 0];
    const expected = reference((w, g, t, i) => {
      m[i] = at(m, i) + (at(g, i) - at(m, i)) * 0.1;
      u[i] = Math.max(0.999 * at(u, i), Math.abs(at(g, i)));
      w[i] = at(w, i) - (0.1 * at(m, i)) / ((1 - 0.9 ** t) * (at(u, i) + 1e-7));
    });
    check(new Adamax({ learningRate: 0.1 }), expected);
  });

  test("Nadam (Keras 3's momentum cache u_t = beta1 (1 - 0.5 * 0.96^t))", () => {
    const m = [0, 0];
    const v = [0, 0];
    const b1 = 0.9;
    const b2 = 0.999;
    const u = (t: number): number => b1 * (1 - 0.5 * 0.96 ** t);
    let product = 1;
    let lastT = 0;
    const expected = reference((w, g, t, i) => {
      if (t !== lastT) {
        product *= u(t);
        lastT = t;
      }
      m[i] = at(m, i) + (at(g, i) - at(m, i)) * (1 - b1);
      v[i] = at(v, i) + (at(g, i) ** 2 - at(v, i)) * (1 - b2);
      const mHat =
        (u(t + 1) * at(m, i)) / (1 - product * u(t + 1)) + ((1 - u(t)) * at(g, i)) / (1 - product);
      const vHat = at(v, i) / (1 - b2 ** t);
      w[i] = at(w, i) - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-7);
    });
    check(new Nadam({ learningRate: 0.1 }), expected);
  });

  test('several variables in one call each get their own slots', () => {
    const a = variable(tensor([1, 2]), { name: 'a' });
    const b = variable(tensor([[3]]), { name: 'b' });
    const opt = new SGD({ learningRate: 0.1, momentum: 0.5 });
    for (let k = 0; k < 2; k++) {
      opt.applyGradients([
        [tensor([1, 1]), a],
        [tensor([[2]]), b],
      ]);
    }
    // m1 = -0.1 g, m2 = -0.15 g: w = w0 - 0.25 g
    assertClose(a, [0.75, 1.75]);
    assertClose(b, [[2.5]]);
    assert.equal(opt.getWeights().length, 3);
  });
});
