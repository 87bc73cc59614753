// The translation example's shape: a seq2seq LSTM whose encoder returns its states
// (returnState), a decoder started from them (initialState), then inference models built from
// the trained layers: an encoder model to the states, a decoder model taking states as inputs
// and returning new ones, driven step by step over one-hot characters in tf.buffer.
import { lcg } from './data.js';

export async function run(tf) {
  const inTokens = 6;
  const outTokens = 5;
  const inLength = 5;
  const outLength = 4;
  const units = 12;
  const encoderInputs = tf.layers.input({ shape: [null, inTokens], name: 'encoderInputs' });
  const encoder = tf.layers.lstm({ units, returnState: true, name: 'encoderLstm' });
  const [, stateH, stateC] = encoder.apply(encoderInputs);
  const decoderInputs = tf.layers.input({ shape: [null, outTokens], name: 'decoderInputs' });
  const decoderLstm = tf.layers.lstm({
    units,
    returnSequences: true,
    returnState: true,
    name: 'decoderLstm',
  });
  const [decoderOutputs] = decoderLstm.apply([decoderInputs, stateH, stateC]);
  const decoderDense = tf.layers.dense({
    units: outTokens,
    activation: 'softmax',
    name: 'decoderDense',
  });
  const model = tf.model({
    inputs: [encoderInputs, decoderInputs],
    outputs: decoderDense.apply(decoderOutputs),
  });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });

  const rand = lcg(44);
  const n = 20;
  const encBuf = tf.buffer([n, inLength, inTokens]);
  const decBuf = tf.buffer([n, outLength, outTokens]);
  const tgtBuf = tf.buffer([n, outLength, outTokens]);
  for (let i = 0; i < n; i++) {
    const seq = Array.from({ length: inLength }, () => Math.floor(rand() * inTokens));
    seq.forEach((c, t) => encBuf.set(1, i, t, c));
    const out = seq.slice(0, outLength).map((c) => c % outTokens);
    out.forEach((c, t) => {
      tgtBuf.set(1, i, t, c);
      decBuf.set(1, i, t, t === 0 ? 0 : out[t - 1]);
    });
  }
  const history = await model.fit([encBuf.toTensor(), decBuf.toTensor()], tgtBuf.toTensor(), {
    batchSize: 5,
    epochs: 4,
    validationSplit: 0.2,
  });

  const encoderModel = tf.model({ inputs: encoderInputs, outputs: [stateH, stateC] });
  const stateInputH = tf.layers.input({ shape: [units], name: 'decoderStateInputHidden' });
  const stateInputC = tf.layers.input({ shape: [units], name: 'decoderStateInputCell' });
  let [stepOutputs, h, c] = decoderLstm.apply([decoderInputs, stateInputH, stateInputC]);
  stepOutputs = decoderDense.apply(stepOutputs);
  const decoderModel = tf.model({
    inputs: [decoderInputs, stateInputH, stateInputC],
    outputs: [stepOutputs, h, c],
  });

  let states = encoderModel.predict(encBuf.toTensor().slice([0, 0, 0], [1, inLength, inTokens]));
  let target = tf.buffer([1, 1, outTokens]);
  target.set(1, 0, 0, 0);
  const decoded = [];
  for (let t = 0; t < outLength; t++) {
    const [tokens, nextH, nextC] = decoderModel.predict([target.toTensor(), ...states]);
    const index = tokens.argMax(-1).dataSync()[0];
    decoded.push(index);
    target = tf.buffer([1, 1, outTokens]);
    target.set(1, 0, 0, index);
    states = [nextH, nextC];
  }
  return {
    losses: history.history.loss,
    shapes: [states[0].shape, states[1].shape],
    decodedLength: decoded.length,
    validTokens: decoded.every((d) => d >= 0 && d < outTokens),
  };
}
