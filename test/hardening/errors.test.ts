/**
 * API misuse is a LaminaError with a message about the user's call, never one exposing
 * Lamina's internals (issue 13, defect 12), and every fit/evaluate/predict option is checked
 * for its type and range (issue 13, "Also").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';

/** Asserts `fn` throws or rejects with a LaminaError of `code` whose message matches. */
async function misuse(fn: () => unknown, code: lm.LaminaErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof lm.LaminaError, `expected a LaminaError, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.match(e.message, message);
      return true;
    },
  );
}

function compiledModel(): lm.Sequential {
  const m = lm.sequential({ layers: [lm.layers.dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}
const x = (): lm.Tensor => lm.tensor([0, 1, 1, 0, 1, 1, 0, 0], [4, 2]);
const y = (): lm.Tensor => lm.tensor([1, 1, 0, 0], [4, 1]);

test('callbacks: [null] and one callback object are refused clearly', async () => {
  const m = compiledModel();
  await misuse(
    () => m.fit(x(), y(), { callbacks: [null] } as never),
    'invalid-argument',
    /^fit \(sequential(?:_\d+)?\): callbacks\[0\] must be a callback \(an object with hooks such as onEpochEnd\), received null$/,
  );
  await misuse(
    () => m.fit(x(), y(), { callbacks: { onEpochEnd: () => {} } } as never),
    'invalid-argument',
    /^fit \(sequential(?:_\d+)?\): callbacks must be a list, received an object \(pass one callback as \[callback\]\)$/,
  );
  await misuse(
    () => m.evaluate(x(), y(), { callbacks: [3] } as never),
    'invalid-argument',
    /^evaluate \(sequential(?:_\d+)?\): callbacks\[0\] must be a callback .*received 3$/,
  );
  // The TensorFlow.js face takes one object of hooks, as TensorFlow.js does.
  const { sequential, layers } = await import('../../src/tfjs/index.js');
  const t = sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })] });
  t.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  let epochs = 0;
  await t.fit(x(), y(), { epochs: 2, callbacks: { onEpochEnd: () => void epochs++ } });
  assert.equal(epochs, 2);
});

test('a non-string registered_name or class_name is a LaminaError, not a TypeError', async () => {
  await misuse(
    () => lm.getRegularizer({ class_name: 'L2', registered_name: 5, config: {} } as never),
    'invalid-config',
    /^getRegularizer: a regularizer's class_name and registered_name must be strings, received 5$/,
  );
  await misuse(
    () =>
      lm.modelFromJSON({
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'InputLayer', config: { batch_shape: [null, 2] } },
            {
              class_name: 'Dense',
              config: { units: 1, kernel_regularizer: { class_name: 'L2', registered_name: [] } },
            },
          ],
        },
      }),
    'invalid-config',
    /a regularizer's class_name and registered_name must be strings, received \[\]$/,
  );
});

test("class_name 'constructor' (or any Object member) is no model or layer class", async () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    await misuse(
      () => lm.modelFromJSON({ class_name: name, config: {} }),
      'unknown-class',
      new RegExp(
        `^modelFromJSON: expected a model \\(Sequential, Functional or Model\\), found class '${name}'$`,
      ),
    );
  }
  await misuse(
    () => lm.getInitializer('constructor'),
    'unknown-class',
    /^getInitializer: unknown initializer 'constructor'/,
  );
  // Before: MODES['constructor'] found Object's constructor and took it for a mode.
  assert.throws(
    () => lm.initializers.varianceScaling({ mode: 'constructor' as never }),
    /^LaminaRangeError: VarianceScaling: Invalid value for argument mode: expected one of 'fan_in', 'fan_out', 'fan_avg'\. Received: mode='constructor'$/,
  );
});

test('a second concurrent fit of one model is refused; fit works again once the first ends', async () => {
  const m = compiledModel();
  const first = m.fit(x(), y(), { epochs: 3, verbose: 0 });
  await misuse(
    () => m.fit(x(), y(), { epochs: 1, verbose: 0 }),
    'invalid-state',
    /^fit \(sequential(?:_\d+)?\): the model is already training \(a fit started earlier has not finished\); await it before calling fit again$/,
  );
  const history = await first;
  assert.equal(history.history.loss?.length, 3);
  const again = await m.fit(x(), y(), { epochs: 1, verbose: 0 });
  assert.equal(again.history.loss?.length, 1);
  // A fit that fails releases the model too.
  await assert.rejects(m.fit(x(), y(), { epochs: 1, verbose: 0, initialEpoch: 5 }));
  await m.fit(x(), y(), { epochs: 1, verbose: 0 });
});

test('wasm out-of-memory is a LaminaError naming the kernel and the bytes asked', async () => {
  if (wasmBackend === null) return;
  const previous = lm.getBackend();
  lm.setBackend('wasm');
  try {
    await misuse(
      () => lm.matMul(lm.ones([65536, 1]), lm.ones([1, 20000])),
      'out-of-memory',
      /^BatchMatMul: the wasm backend could not grow its memory for a block of 5368709120 bytes \(\d+ bytes in use, \d+ more needed\)/,
    );
    // The backend is usable afterwards.
    assert.deepEqual([...lm.matMul(lm.ones([2, 1]), lm.ones([1, 2])).dataSync()], [1, 1, 1, 1]);
  } finally {
    lm.setBackend(previous);
  }
});

test('fit, evaluate and predict check the type and range of every option', async () => {
  const m = compiledModel();
  const bad: [string, object, RegExp][] = [
    [
      'fit',
      { validationSplit: '0.2' },
      /validationSplit must be a number in \(0, 1\), received the string "0\.2"$/,
    ],
    ['fit', { validationSplit: 1 }, /validationSplit must be a number in \(0, 1\), received 1$/],
    ['fit', { shuffle: 'batch' }, /shuffle must be true or false, received the string "batch"$/],
    ['fit', { verbose: 7 }, /verbose must be one of 0, 1, 2, received 7$/],
    ['fit', { epochs: '3' }, /epochs must be a positive integer, received the string "3"$/],
    ['fit', { batchSize: 0 }, /batchSize must be a positive integer, received 0$/],
    ['fit', { seed: 1.5 }, /seed must be an integer seed, received 1\.5$/],
    ['fit', { initialEpoch: -1 }, /initialEpoch must be a non-negative integer, received -1$/],
    ['fit', { stepsPerEpoch: 2.5 }, /stepsPerEpoch must be a positive integer, received 2\.5$/],
    [
      'fit',
      { validationBatchSize: null },
      /validationBatchSize must be a positive integer, received null$/,
    ],
    ['fit', { sampleWeight: [1, 1, 1, 1] }, /sampleWeight must be a Tensor, received an array$/],
    ['fit', { classWeight: 3 }, /classWeight must be an object, received 3$/],
    [
      'evaluate',
      { verbose: 5 },
      /^evaluate \(sequential(?:_\d+)?\): verbose must be one of 0, 1, 2, received 5$/,
    ],
    ['evaluate', { steps: 0 }, /steps must be a positive integer, received 0$/],
    [
      'predict',
      { batchSize: '8' },
      /^predict \(sequential(?:_\d+)?\): batchSize must be a positive integer, received the string "8"$/,
    ],
  ];
  for (const [method, options, message] of bad) {
    const call = (): unknown =>
      method === 'fit'
        ? m.fit(x(), y(), options)
        : method === 'evaluate'
          ? m.evaluate(x(), y(), options)
          : m.predict(x(), options);
    await misuse(call, 'invalid-argument', message);
  }
  await misuse(
    () => m.fit(x(), y(), 5 as never),
    'invalid-argument',
    /options must be an object, received 5$/,
  );
  await misuse(() => m.compile(undefined as never), 'invalid-argument', /received nothing$/);
});

test('evaluate reads at most `steps` batches', async () => {
  const m = compiledModel();
  const all = await m.evaluate(x(), y(), { batchSize: 2 });
  const first = await m.evaluate(x(), y(), { batchSize: 2, steps: 1 });
  const half = await m.evaluate(lm.tensor([0, 1, 1, 0], [2, 2]), lm.tensor([1, 1], [2, 1]));
  assert.equal(first.loss, half.loss);
  assert.notEqual(first.loss, all.loss);
});
