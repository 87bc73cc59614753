import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { input, l2, tensor } from '../../src/index.js';
import { deserializeLayer, serializeLayer } from '../../src/layers/base/config.js';
import { resetDeprecationWarnings } from '../../src/layers/base/legacy.js';
import { Embedding, normalizationLayers } from '../../src/layers/normalization/index.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';

const ids = (v: number[][]) => tensor(v, undefined, 'int32');
const TABLE = tensor([
  [0, 1],
  [2, 3],
  [4, 5],
  [6, 7],
]);

afterEach(() => resetDeprecationWarnings());

forEachBackend('Embedding: conformance', () => {
  test('2-D and 1-D index inputs, with a regularizer', () => {
    checkLayer({
      make: () =>
        new Embedding({
          inputDim: 5,
          outputDim: 3,
          embeddingsInitializer: { class_name: 'RandomUniform', config: { seed: 1 } },
          embeddingsRegularizer: l2(0.01),
        }),
      input: ids([
        [0, 1, 4],
        [3, 1, 0],
      ]),
      expectedOutputShape: [2, 3, 3],
      expectedWeights: 1,
      expectedTrainableWeights: 1,
      expectedLosses: 1,
      skipInputGradient: true,
    });
    checkLayer({
      make: () =>
        new Embedding({
          inputDim: 4,
          outputDim: 2,
          embeddingsInitializer: { class_name: 'RandomNormal', config: { seed: 2 } },
        }),
      input: tensor([2, 0, 3], undefined, 'int32'),
      expectedOutputShape: [3, 2],
      expectedWeights: 1,
      skipInputGradient: true,
    });
  });
});

forEachBackend('Embedding: values', () => {
  test('looks up rows; float inputs holding integers are cast', () => {
    const e = new Embedding({ inputDim: 4, outputDim: 2 });
    e.apply(ids([[0]]));
    e.setWeights([TABLE]);
    const expected = [
      [
        [4, 5],
        [0, 1],
      ],
      [
        [6, 7],
        [2, 3],
      ],
    ];
    assertClose(
      e.apply(
        ids([
          [2, 0],
          [3, 1],
        ]),
      ),
      expected,
    );
    assertClose(
      e.apply(
        tensor([
          [2, 0],
          [3, 1],
        ]),
      ),
      expected,
    );
  });
  test('defaults and config: uniform(-0.05, 0.05), mask_zero stored, symbolic int32 input', () => {
    const e = normalizationLayers.embedding({ inputDim: 10, outputDim: 3, maskZero: true });
    const c = e.getConfig();
    assert.deepEqual(c.embeddings_initializer, {
      module: 'keras.initializers',
      class_name: 'RandomUniform',
      config: { minval: -0.05, maxval: 0.05, seed: null },
      registered_name: null,
    });
    assert.equal(c.mask_zero, true);
    assert.equal(c.input_dim, 10);
    assert.equal(c.output_dim, 3);
    const out = e.apply(input({ shape: [null], dtype: 'int32' }));
    assert.deepEqual([...out.shape], [null, null, 3]);
    assert.equal(out.dtype, 'float32');
    const w = Array.from(e.embeddings!.dataSync());
    assert.ok(w.every((v) => v >= -0.05 && v <= 0.05));
  });
  test('Keras 2 configs: input_length sets the input shape; W_regularizer maps with a warning', () => {
    const e = deserializeLayer({
      class_name: 'Embedding',
      config: { input_dim: 5, output_dim: 2, input_length: 7, mask_zero: false },
    }) as Embedding;
    assert.deepEqual(e.batchInputShape, [null, 7]);
    assert.deepEqual(e.getConfig().batch_input_shape, [null, 7]);
    assert.equal('input_length' in e.getConfig(), false);
    const clone = deserializeLayer(serializeLayer(e));
    assert.deepEqual(clone.getConfig(), e.getConfig());
    const warn = console.warn;
    const messages: string[] = [];
    console.warn = (m: string) => messages.push(m);
    try {
      const legacy = new Embedding({ inputDim: 3, outputDim: 2, W_regularizer: 'l2' });
      assert.equal(
        (legacy.getConfig().embeddings_regularizer as { class_name: string }).class_name,
        'L2',
      );
    } finally {
      console.warn = warn;
    }
    assert.match(messages[0]!, /'W_regularizer' is a Keras 1 name.*'embeddingsRegularizer'/);
  });
  test('errors: bad arguments, out-of-range and bool indices', () => {
    assert.throws(
      () => new Embedding({ inputDim: 0, outputDim: 2 }),
      /Embedding 'embedding(_\d+)?': Invalid value for argument inputDim: expected a positive integer. Received: inputDim=0/,
    );
    assert.throws(
      () => new Embedding({ inputDim: 3, outputDim: 1.5 }),
      /Invalid value for argument outputDim: expected a positive integer. Received: outputDim=1.5/,
    );
    assert.throws(
      () =>
        new Embedding({
          inputDim: 3,
          outputDim: 2,
          embeddingsRegularizer: 'l2',
          W_regularizer: 'l1',
        }),
      /got both the legacy argument 'W_regularizer' and its replacement 'embeddingsRegularizer'/,
    );
    const e = new Embedding({ inputDim: 4, outputDim: 2 });
    assert.throws(
      () => e.apply(ids([[1, 4]])),
      /Embedding 'embedding_\d+': index 4 \(at flat position 1 of an input of shape \[1,2\]\) is out of range: indices must be in \[0, 4\) for inputDim=4/,
    );
    assert.throws(() => e.apply(ids([[-1]])), /index -1 .* is out of range/);
    assert.throws(
      () => e.apply(tensor([[true]])),
      /expected integer indices \(int32, or float32 holding integers\), received a bool tensor/,
    );
  });
});
