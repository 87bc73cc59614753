// The date-conversion-attention example's shape: a functional encoder-decoder with masking
// embeddings, an LSTM decoder started from the encoder's last step (initialState), dot-product
// attention, TimeDistributed dense layers, a custom layer, and an intermediate-output model
// built from `getLayer('attention').output`.
import { lcg } from './data.js';

export async function run(tf) {
  class LastStep extends tf.layers.Layer {
    constructor(config) {
      super(config || {});
    }
    computeOutputShape(inputShape) {
      const out = inputShape.slice();
      out.splice(out.length - 2, 1);
      return out;
    }
    call(input) {
      if (Array.isArray(input)) input = input[0];
      tf.util.assert(input.shape.length === 3, `rank ${input.shape.length}`);
      return input.gather([input.shape[1] - 1], 1).squeeze([1]);
    }
    static get className() {
      return 'LastStep';
    }
  }
  tf.serialization.registerClass(LastStep);

  const inLength = 6;
  const outLength = 4;
  const units = 16;
  const encoderInput = tf.input({ shape: [inLength] });
  const decoderInput = tf.input({ shape: [outLength] });
  let encoder = tf.layers
    .embedding({ inputDim: 12, outputDim: 8, inputLength: inLength, maskZero: true })
    .apply(encoderInput);
  encoder = tf.layers.lstm({ units, returnSequences: true }).apply(encoder);
  const encoderLast = new LastStep({ name: 'encoderLast' }).apply(encoder);
  let decoder = tf.layers
    .embedding({ inputDim: 10, outputDim: 8, inputLength: outLength, maskZero: true })
    .apply(decoderInput);
  decoder = tf.layers
    .lstm({ units, returnSequences: true })
    .apply(decoder, { initialState: [encoderLast, encoderLast] });
  let attention = tf.layers.dot({ axes: [2, 2] }).apply([decoder, encoder]);
  attention = tf.layers.activation({ activation: 'softmax', name: 'attention' }).apply(attention);
  const context = tf.layers.dot({ axes: [2, 1], name: 'context' }).apply([attention, encoder]);
  const combined = tf.layers.concatenate().apply([context, decoder]);
  let output = tf.layers
    .timeDistributed({ layer: tf.layers.dense({ units, activation: 'tanh' }) })
    .apply(combined);
  output = tf.layers
    .timeDistributed({ layer: tf.layers.dense({ units: 10, activation: 'softmax' }) })
    .apply(output);
  const model = tf.model({ inputs: [encoderInput, decoderInput], outputs: output });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });

  const rand = lcg(33);
  const n = 24;
  const enc = [];
  const dec = [];
  const target = [];
  for (let i = 0; i < n; i++) {
    const digits = Array.from({ length: inLength }, () => 1 + Math.floor(rand() * 11));
    enc.push(digits);
    const out = digits.slice(0, outLength).map((d) => d % 10);
    dec.push([1, ...out.slice(0, outLength - 1)]);
    target.push(out.map((d) => Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0))));
  }
  const xs = [tf.tensor2d(enc), tf.tensor2d(dec)];
  const ys = tf.tensor3d(target);
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 8 });

  const withAttention = tf.model({
    inputs: model.inputs,
    outputs: model.outputs.concat([model.getLayer('attention').output]),
  });
  const [prediction, weights] = withAttention.predict(xs);
  const rowSums = weights.sum(-1).dataSync();
  return {
    losses: history.history.loss,
    shapes: [prediction.shape, weights.shape],
    attentionRowsSumToOne: rowSums.every((s) => Math.abs(s - 1) < 1e-4),
  };
}
