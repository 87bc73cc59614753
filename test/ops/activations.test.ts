import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  elu,
  exp,
  gelu,
  hardSigmoid,
  leakyRelu,
  logSoftmax,
  relu,
  relu6,
  selu,
  sigmoid,
  softmax,
  softplus,
  softsign,
  sum,
  swish,
  tanh,
  tensor,
} from '../../src/index.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

const X = [-3, -1, -0.5, 0, 0.5, 1, 3];

forEachBackend('piecewise-linear activations', () => {
  test('relu', () => {
    assertExact(relu(tensor([-2, -0.5, 0, 0.5, 7])), [0, 0, 0, 0.5, 7], 'float32');
    assertExact(relu(tensor([NaN, -Infinity, Infinity])), [NaN, 0, Infinity]);
    assertExact(
      relu(
        tensor([
          [-1, 2],
          [3, -4],
        ]),
      ),
      [
        [0, 2],
        [3, 0],
      ],
    );
  });

  test('relu6', () => {
    assertExact(relu6(tensor([-2, 0, 3, 6, 6.5, 100])), [0, 0, 3, 6, 6, 6]);
    assertExact(relu6(tensor([NaN, -Infinity, Infinity])), [NaN, 0, 6]);
  });

  test('leakyRelu with the default alpha 0.2 and a custom alpha', () => {
    assertClose(leakyRelu(tensor([-10, -1, 0, 2])), [-2, -0.2, 0, 2]);
    assertClose(leakyRelu(tensor([-10, -1, 0, 2]), 0.01), [-0.1, -0.01, 0, 2]);
    assertClose(leakyRelu(tensor([-4, 4]), 0), [0, 4]);
    assert.throws(() => leakyRelu(tensor([1]), NaN), /leakyRelu: alpha must be a finite number/);
  });

  test('hardSigmoid is relu6(x + 3) / 6 (Keras 3)', () => {
    assertClose(hardSigmoid(tensor([-10, -3, -1.5, 0, 1.5, 3, 10])), [0, 0, 0.25, 0.5, 0.75, 1, 1]);
    assertClose(hardSigmoid(tensor([1])), [4 / 6]);
  });

  test('activations reject int32 with a message naming the op', () => {
    const n = tensor(Int32Array.from([1, -1]));
    assert.throws(() => relu(n), /relu: .*float32.*int32/);
    assert.throws(() => sigmoid(n), /sigmoid/);
    assert.throws(() => softmax(n), /softmax/);
    assert.throws(() => gelu(n), /gelu/);
  });
});

forEachBackend('smooth activations', () => {
  test('elu', () => {
    assertClose(elu(tensor(X)), [-0.95021293, -0.63212056, -0.39346934, 0, 0.5, 1, 3]);
    assertExact(elu(tensor([-Infinity])), [-1]);
  });

  test('selu', () => {
    assertClose(
      selu(tensor(X)),
      [-1.67056873, -1.11133074, -0.69175819, 0, 0.52535049, 1.05070099, 3.15210296],
    );
    // Saturates at -scale * alpha.
    assertClose(selu(tensor([-100])), [-1.7580993408473766]);
  });

  test('gelu exact (erf) form', () => {
    assertClose(
      gelu(tensor(X)),
      [-0.00404969, -0.15865525, -0.15426877, 0, 0.34573123, 0.84134475, 2.99595031],
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  test('gelu approximate (tanh) form', () => {
    assertClose(
      gelu(tensor(X), true),
      [-0.00363739, -0.15880801, -0.15428599, 0, 0.34571401, 0.84119199, 2.99636261],
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  test('sigmoid, stable at +-100', () => {
    assertClose(
      sigmoid(tensor(X)),
      [0.04742587, 0.26894142, 0.37754067, 0.5, 0.62245933, 0.73105858, 0.95257413],
    );
    const s = sigmoid(tensor([-100, 100, -1000, 1000]));
    assertClose(s, [3.720076e-44, 1, 0, 1], { rtol: 0.05, atol: 0 });
    for (const v of s.dataSync()) assert.ok(!Number.isNaN(v));
  });

  test('tanh', () => {
    assertClose(
      tanh(tensor(X)),
      [-0.99505475, -0.76159416, -0.46211716, 0, 0.46211716, 0.76159416, 0.99505475],
    );
    assertExact(tanh(tensor([-Infinity, Infinity])), [-1, 1]);
  });

  test('softplus, stable at +-100', () => {
    assertClose(
      softplus(tensor(X)),
      [0.04858735, 0.31326169, 0.47407698, 0.69314718, 0.97407698, 1.31326169, 3.04858735],
    );
    const s = softplus(tensor([100, -100, 1000]));
    const [big, tiny, huge] = s.dataSync();
    assert.equal(big, 100);
    assert.equal(huge, 1000);
    // exp(-100) = 3.72e-44 is a float32 denormal: only a few bits of precision remain.
    assert.ok(tiny !== undefined && Math.abs(tiny - 3.72e-44) < 0.05 * 3.72e-44, `got ${tiny}`);
  });

  test('softsign', () => {
    assertClose(softsign(tensor(X)), [-0.75, -0.5, -1 / 3, 0, 1 / 3, 0.5, 0.75]);
  });

  test('swish with beta 1 (SiLU) and beta 2', () => {
    assertClose(
      swish(tensor(X)),
      [-0.14227762, -0.26894142, -0.18877033, 0, 0.31122967, 0.73105858, 2.85772238],
    );
    assertClose(
      swish(tensor(X), 2),
      [-0.00741787, -0.11920292, -0.13447071, 0, 0.36552929, 0.88079708, 2.99258213],
    );
  });
});

forEachBackend('softmax and logSoftmax', () => {
  test('softmax over the last axis by default', () => {
    const y = softmax(
      tensor([
        [1, 2, 3],
        [1, 1, 1],
      ]),
    );
    assertClose(y, [
      [0.09003057, 0.24472847, 0.66524096],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    assertClose(sum(y, 1), [1, 1]);
  });

  test('softmax is numerically stable for large inputs', () => {
    assertClose(softmax(tensor([1000, 1001])), [0.26894142, 0.73105858]);
    assertClose(softmax(tensor([-1000, -1001])), [0.73105858, 0.26894142]);
    assertClose(softmax(tensor([1e30, 0])), [1, 0]);
  });

  test('softmax along axis 0 and a negative axis', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const p = 0.04742587;
    const q = 0.95257413;
    const want = [
      [p, p, p],
      [q, q, q],
    ];
    assertClose(softmax(x, 0), want);
    assertClose(softmax(x, -2), want);
    assertClose(sum(softmax(x, 0), 0), [1, 1, 1]);
  });

  test('softmax along the middle axis of a rank-3 tensor', () => {
    // Shape [2,2,2]; along axis 1 each pair differs by 2 (or is equal).
    const x = tensor([
      [
        [0, 5],
        [2, 5],
      ],
      [
        [1, -1],
        [1, 1],
      ],
    ]);
    const a = 0.11920292;
    const c = 0.88079708;
    assertClose(softmax(x, 1), [
      [
        [a, 0.5],
        [c, 0.5],
      ],
      [
        [0.5, a],
        [0.5, c],
      ],
    ]);
  });

  test('logSoftmax', () => {
    assertClose(logSoftmax(tensor([1, 2, 3])), [-2.40760596, -1.40760596, -0.40760596]);
    assertClose(logSoftmax(tensor([1000, 1001])), [-1.31326169, -0.31326169]);
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertClose(logSoftmax(x, 0), [
      [-3.04858735, -3.04858735, -3.04858735],
      [-0.04858735, -0.04858735, -0.04858735],
    ]);
    // exp(logSoftmax) rows sum to 1.
    assertClose(sum(exp(logSoftmax(x, -1)), -1), [1, 1]);
  });

  test('softmax / logSoftmax reject an out-of-range axis', () => {
    assert.throws(() => softmax(tensor([1, 2]), 1), /softmax: axis 1 is out of range .*rank 1/);
    assert.throws(() => logSoftmax(tensor([[1, 2]]), -3), /logSoftmax: axis -3 .*rank 2/);
  });

  test('method chaining of activations', () => {
    assertExact(tensor([-1, 2]).add(1).relu(), [0, 3]);
    assertClose(tensor([0, 0]).softmax(), [0.5, 0.5]);
  });
});
