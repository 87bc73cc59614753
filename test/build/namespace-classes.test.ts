/**
 * The namespaces hold their classes, as Keras's modules do (`layers.Dense`, `optimizers.Adam`,
 * `regularizers.L1L2`, `initializers.GlorotUniform`, `constraints.MaxNorm`,
 * `callbacks.EarlyStopping`): each is the flat export itself, not a copy, and works. The
 * TensorFlow.js namespaces of `lamina-nn/tfjs` keep factories only, as TensorFlow.js's do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lamina from '../../src/index.js';
import * as tfjs from '../../src/tfjs/index.js';
import {
  callbacks,
  constraints,
  initializers,
  layers,
  optimizers,
  regularizers,
  tensor,
} from '../../src/index.js';

/** Each namespace's classes, by name: every one must be there and be the flat export. */
const CLASSES: Record<string, readonly string[]> = {
  layers: [
    'Layer',
    'InputLayer',
    'Dense',
    'Activation',
    'ActivityRegularization',
    'ReLU',
    'LeakyReLU',
    'ELU',
    'ThresholdedReLU',
    'Softmax',
    'PReLU',
    'Dropout',
    'SpatialDropout1D',
    'SpatialDropout2D',
    'GaussianNoise',
    'GaussianDropout',
    'AlphaDropout',
    'Flatten',
    'Reshape',
    'Permute',
    'RepeatVector',
    'TimeDistributed',
    'Conv1D',
    'Conv2D',
    'DepthwiseConv2D',
    'SeparableConv2D',
    'Conv2DTranspose',
    'ZeroPadding2D',
    'UpSampling2D',
    'MaxPooling1D',
    'MaxPooling2D',
    'AveragePooling1D',
    'AveragePooling2D',
    'GlobalAveragePooling1D',
    'GlobalAveragePooling2D',
    'GlobalMaxPooling1D',
    'GlobalMaxPooling2D',
    'Add',
    'Subtract',
    'Multiply',
    'Average',
    'Maximum',
    'Minimum',
    'Concatenate',
    'Dot',
    'BatchNormalization',
    'LayerNormalization',
    'Embedding',
    'RNN',
    'SimpleRNN',
    'LSTM',
    'GRU',
    'Bidirectional',
  ],
  optimizers: [
    'Optimizer',
    'SGD',
    'Adam',
    'AdamW',
    'Adamax',
    'Nadam',
    'RMSprop',
    'Adagrad',
    'Adadelta',
  ],
  regularizers: ['Regularizer', 'L1', 'L2', 'L1L2', 'OrthogonalRegularizer'],
  initializers: [
    'Initializer',
    'Zeros',
    'Ones',
    'Constant',
    'Identity',
    'RandomNormal',
    'RandomUniform',
    'TruncatedNormal',
    'VarianceScaling',
    'GlorotUniform',
    'GlorotNormal',
    'HeNormal',
    'HeUniform',
    'LecunNormal',
    'LecunUniform',
    'Orthogonal',
  ],
  constraints: ['Constraint', 'MaxNorm', 'MinMaxNorm', 'NonNeg', 'UnitNorm'],
  callbacks: [
    'Callback',
    'CallbackList',
    'History',
    'ProgressBar',
    'EarlyStopping',
    'ReduceLROnPlateau',
    'LearningRateScheduler',
    'TerminateOnNaN',
    'CSVLogger',
    'ModelCheckpoint',
  ],
};

const flat = lamina as unknown as Record<string, unknown>;

for (const [namespace, names] of Object.entries(CLASSES)) {
  test(`${namespace} holds each of its ${names.length} classes, the flat export itself`, () => {
    const held = flat[namespace] as Record<string, unknown>;
    const wrong = names.filter(
      (name) => typeof held[name] !== 'function' || held[name] !== flat[name],
    );
    assert.deepEqual(wrong, []);
  });
}

test('every capitalised member of a namespace is a class the package also exports flat', () => {
  for (const namespace of Object.keys(CLASSES)) {
    const held = flat[namespace] as Record<string, unknown>;
    const extra = Object.keys(held).filter(
      (name) => /^[A-Z]/.test(name) && !(CLASSES[namespace] ?? []).includes(name),
    );
    assert.deepEqual(extra, [], namespace);
  }
});

test('new layers.Dense({ units: 2 }) is a Dense and computes x · kernel + bias', () => {
  const layer = new layers.Dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'ones' });
  assert.ok(layer instanceof lamina.Dense);
  assert.deepEqual((layer.apply(tensor([[1, 2, 3]])) as lamina.Tensor).arraySync(), [[7, 7]]);
  assert.deepEqual(layer.getConfig().units, 2);
});

test('a layer class from the namespace trains in a Sequential model', () => {
  const model = lamina.sequential({
    layers: [new layers.Dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })],
  });
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.5 }), loss: 'mse' });
  model.trainOnBatch(tensor([[1, 0]]), tensor([[1]]));
  // One step of SGD on (w·x + b - 1)^2 from zero: the gradient is -2 for w0 and b, 0 for w1.
  assert.deepEqual((model.predict(tensor([[1, 0]])) as lamina.Tensor).arraySync(), [[2]]);
});

test('optimizers.Adam, regularizers.L1L2, initializers.Constant, constraints.MaxNorm and callbacks.EarlyStopping work', () => {
  const adam = new optimizers.Adam({ learningRate: 0.25 });
  assert.ok(adam instanceof lamina.Adam);
  assert.equal(adam.getConfig().learning_rate, 0.25);

  const penalty = new regularizers.L1L2(0.5, 0.25);
  assert.ok(penalty instanceof lamina.L1L2);
  // 0.5 * (1 + 2) + 0.25 * (1 + 4)
  assert.equal(penalty.apply(tensor([1, -2])).arraySync(), 2.75);
  assert.equal(new regularizers.L1(0.5).apply(tensor([1, -2])).arraySync(), 1.5);

  const constant = new initializers.Constant({ value: 2 });
  assert.ok(constant instanceof lamina.Constant);
  assert.deepEqual(constant.generate([2]).arraySync(), [2, 2]);

  const maxNorm = new constraints.MaxNorm({ maxValue: 1 });
  assert.ok(maxNorm instanceof lamina.MaxNorm);
  // A column of norm 5 scaled to norm 1 (Keras's epsilon 1e-7 keeps it just under).
  const [[a], [b]] = maxNorm.apply(tensor([[3], [4]])).arraySync() as number[][] as [
    [number],
    [number],
  ];
  assert.ok(Math.abs(a - 0.6) < 1e-6 && Math.abs(b - 0.8) < 1e-6, `${a}, ${b}`);

  const stop = new callbacks.EarlyStopping({ patience: 3 });
  assert.ok(stop instanceof lamina.EarlyStopping);
  assert.ok(stop instanceof callbacks.Callback);
});

test('the factories stay next to the classes', () => {
  assert.ok(layers.dense({ units: 2 }) instanceof layers.Dense);
  assert.ok(optimizers.adam() instanceof optimizers.Adam);
  assert.ok(regularizers.l2(0.1) instanceof regularizers.L2);
  assert.ok(initializers.glorotUniform({ seed: 1 }) instanceof initializers.GlorotUniform);
  assert.ok(constraints.nonNeg() instanceof constraints.NonNeg);
  assert.ok(callbacks.earlyStopping() instanceof callbacks.EarlyStopping);
});

test('lamina-nn/tfjs namespaces keep factories only, as TensorFlow.js has them', () => {
  const namespaces = {
    layers: tfjs.layers,
    initializers: tfjs.initializers,
    constraints: tfjs.constraints,
    callbacks: tfjs.callbacks,
  } as Record<string, Record<string, unknown>>;
  for (const [name, held] of Object.entries(namespaces)) {
    // tf.layers.Layer is TensorFlow.js's base class for custom layers, the one class it holds.
    const classes = Object.keys(held).filter((key) => /^[A-Z]/.test(key) && key !== 'Layer');
    assert.deepEqual(classes, [], name);
  }
  assert.equal(typeof tfjs.callbacks.earlyStopping, 'function');
});
