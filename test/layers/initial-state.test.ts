/**
 * Recurrent layers started from given states (`apply(x, { initialState })`, Keras's
 * `initial_state`): eager and functional, values against TensorFlow.js with the same weights,
 * gradients into the states, seq2seq models and their configs; and unknown call options refused.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  input,
  layers,
  model,
  modelFromJSON,
  randomNormal,
  sum,
  tensor,
  valueAndGrads,
  type JsonObject,
  type SymbolicTensor,
  type Tensor,
} from '../../src/index.js';
import { Bidirectional, GRU, LSTM, SimpleRNN, type RNN } from '../../src/layers/recurrent/index.js';
import { loadModel, type ModelArtifacts } from '../../src/saving/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

const seeded = {
  kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
  recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
  biasInitializer: { class_name: 'RandomNormal', config: { seed: 3, mean: 0, stddev: 0.1 } },
};
const x = (): Tensor => randomNormal([2, 3, 2], 0, 1, 4);
const state = (seed: number): Tensor => randomNormal([2, 3], 0, 0.5, seed);
const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);
const toTf = (t: Tensor): tf.Tensor => tf.tensor(t.dataSync(), [...t.shape]);
const nested = (t: tf.Tensor): number[][] => t.arraySync() as number[][];

/** The TensorFlow.js twin of `layer` (same class, units and weights). */
function tfTwin(layer: RNN): tf.layers.Layer {
  // TensorFlow.js's gates default to hardSigmoid; Keras's (and Lamina's) to sigmoid.
  const common = { units: layer.units, returnState: true, recurrentActivation: 'sigmoid' as const };
  const twin =
    layer instanceof LSTM
      ? tf.layers.lstm(common)
      : layer instanceof GRU
        ? tf.layers.gru(common)
        : tf.layers.simpleRNN({ units: layer.units, returnState: true });
  twin.apply(tf.zeros([2, 3, 2]));
  twin.setWeights(layer.getWeights().map(toTf));
  return twin;
}

describe('initial states against TensorFlow.js', () => {
  before(async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
  });

  forEachBackend('recurrent initialState', () => {
    const makers: [string, () => RNN, number][] = [
      ['LSTM', () => new LSTM({ units: 3, returnState: true, ...seeded }), 2],
      ['GRU', () => new GRU({ units: 3, returnState: true, resetAfter: false, ...seeded }), 1],
      ['SimpleRNN', () => new SimpleRNN({ units: 3, returnState: true, ...seeded }), 1],
    ];
    for (const [name, make, count] of makers) {
      test(`${name}: apply(x, { initialState }) equals TensorFlow.js's and differs from zeros`, () => {
        const layer = make();
        const states = [state(5), state(6)].slice(0, count);
        const ours = list(layer.apply(x(), { initialState: states }));
        const fromZeros = list(layer.apply(x()));
        const theirs = tfTwin(layer).apply(toTf(x()), {
          initialState: states.map(toTf),
        }) as tf.Tensor[];
        assert.equal(ours.length, 1 + count);
        ours.forEach((t, i) => assertClose(t, nested(theirs[i] as tf.Tensor), { atol: 1e-5 }));
        const moved = Math.max(
          ...Array.from(ours[0]!.dataSync()).map((v, i) =>
            Math.abs(v - fromZeros[0]!.dataSync()[i]!),
          ),
        );
        assert.ok(moved > 0.05, `the initial state changed the output by only ${moved}`);
        // The same as passing the states after the sequence.
        const asList = list(layer.apply([x(), ...states]));
        ours.forEach((t, i) => assertClose(t, asList[i]!.arraySync() as number[][]));
      });
    }

    test('gradients flow into the initial states (LSTM, finite differences)', () => {
      const layer = new LSTM({ units: 3, ...seeded });
      layer.apply(x());
      checkGrad((h, c) => layer.apply(x(), { initialState: [h!, c!] }), [state(7), state(8)]);
      const { grads } = valueAndGrads((h: Tensor) =>
        sum(layer.apply(x(), { initialState: [h, state(8)] })),
      )([state(7)]);
      assert.ok(Math.max(...Array.from(grads[0]!.dataSync()).map(Math.abs)) > 1e-3);
    });

    test('Bidirectional takes the forward then the backward states', () => {
      const bi = new Bidirectional({
        layer: new LSTM({ units: 3, returnState: true, ...seeded }),
      });
      const states = [state(1), state(2), state(3), state(4)];
      const out = list(bi.apply(x(), { initialState: states }));
      const fwd = list(bi.forwardLayer.apply([x(), state(1), state(2)]));
      const bwd = list(bi.backwardLayer.apply([x(), state(3), state(4)]));
      assert.equal(out.length, 5);
      assertClose(out[1]!, fwd[1]!.arraySync() as number[][]);
      assertClose(out[4]!, bwd[2]!.arraySync() as number[][]);
      const y = out[0]!.arraySync() as number[][];
      const zero = list(bi.apply(x()))[0]!.arraySync() as number[][];
      assert.notDeepEqual(y, zero);
    });
  });
});

/** An LSTM encoder-decoder: the decoder starts from the encoder's final states. */
function seq2seq(): { m: ReturnType<typeof model>; decoder: LSTM } {
  const encoderIn = input({ shape: [4, 2], name: 'encoder_in' });
  const decoderIn = input({ shape: [3, 2], name: 'decoder_in' });
  const encoder = new LSTM({ units: 3, returnState: true, name: 'encoder', ...seeded });
  const [, h, c] = encoder.apply(encoderIn) as unknown as SymbolicTensor[];
  const decoder = new LSTM({
    units: 3,
    returnSequences: true,
    name: 'decoder',
    kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 11 } },
  });
  const y = decoder.apply(decoderIn, { initialState: [h!, c!] }) as SymbolicTensor;
  const out = layers.dense({ units: 1, name: 'out' }).apply(y) as SymbolicTensor;
  return { m: model({ inputs: [encoderIn, decoderIn], outputs: out }), decoder };
}

forEachBackend('functional seq2seq with initialState', () => {
  const encoderX = randomNormal([2, 4, 2], 0, 1, 21);
  const decoderX = randomNormal([2, 3, 2], 0, 1, 22);

  test('the decoder sees the encoder: the model equals the eager composition', () => {
    const { m, decoder } = seq2seq();
    const [, h, c] = list(m.getLayer('encoder').apply(encoderX));
    const eager = m.getLayer('out').apply(decoder.apply(decoderX, { initialState: [h!, c!] }));
    const fromZeros = m.getLayer('out').apply(decoder.apply(decoderX));
    const predicted = m.predict([encoderX, decoderX]) as Tensor;
    assertClose(predicted, (eager as Tensor).arraySync() as number[][][], { atol: 1e-6 });
    assert.notDeepEqual(predicted.arraySync(), (fromZeros as Tensor).arraySync());
    // The node records the states after the sequence.
    assert.equal(decoder.inboundNodes[0]!.inputs.length, 3);
    assert.equal(decoder.inboundNodes[0]!.initialStateCount, 2);
  });

  test('toJSON writes initial_state in the kwargs and modelFromJSON restores it', () => {
    const { m } = seq2seq();
    const json = m.toJSON(undefined, false) as JsonObject;
    const config = json.config as JsonObject;
    const decoderEntry = (config.layers as JsonObject[]).find((l) => l.name === 'decoder')!;
    const node = (decoderEntry.inbound_nodes as JsonObject[])[0]!;
    assert.equal((node.args as unknown[]).length, 1);
    const states = (node.kwargs as JsonObject).initial_state as JsonObject[];
    assert.deepEqual(
      states.map((s) => (s.config as JsonObject).keras_history),
      [
        ['encoder', 0, 1],
        ['encoder', 0, 2],
      ],
    );
    const loaded = modelFromJSON(JSON.stringify(json));
    loaded.setWeights(m.getWeights());
    assertClose(
      loaded.predict([encoderX, decoderX]) as Tensor,
      (m.predict([encoderX, decoderX]) as Tensor).arraySync() as number[][][],
      { atol: 1e-6 },
    );
    assert.equal(loaded.getLayer('decoder').inboundNodes[0]!.initialStateCount, 2);
  });

  test('Bidirectional and GRU (a single state tensor) in a graph, through toJSON', () => {
    const seq = input({ shape: [4, 2] });
    const outs = new Bidirectional({
      layer: new LSTM({ units: 3, returnState: true, ...seeded }),
      name: 'bi_encoder',
    }).apply(seq) as unknown as SymbolicTensor[];
    const states = outs.slice(1);
    assert.equal(states.length, 4);
    const bi = new Bidirectional({
      layer: new LSTM({ units: 3, ...seeded }),
      name: 'bi_decoder',
    }).apply(seq, { initialState: states }) as SymbolicTensor;
    const gru = new GRU({ units: 6, name: 'gru_decoder', ...seeded }).apply(seq, {
      initialState: bi,
    }) as SymbolicTensor;
    const m = model({ inputs: seq, outputs: gru });
    const loaded = modelFromJSON(m.toJSON() as string);
    loaded.setWeights(m.getWeights());
    const want = m.predict(encoderX) as Tensor;
    assertClose(loaded.predict(encoderX) as Tensor, want.arraySync() as number[][], { atol: 1e-6 });
    assert.equal(loaded.getLayer('bi_decoder').inboundNodes[0]!.initialStateCount, 4);
    assert.equal(loaded.getLayer('gru_decoder').inboundNodes[0]!.initialStateCount, 1);
  });

  test('the TensorFlow.js form lists the states after the sequence and loads back', async () => {
    const { m } = seq2seq();
    let saved: JsonObject | null = null;
    await m.save({
      save: (artifacts) => {
        saved = artifacts.modelTopology as JsonObject;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      },
    });
    const topology = saved as unknown as JsonObject;
    const config = topology.config as JsonObject;
    const decoderEntry = (config.layers as JsonObject[]).find((l) => l.name === 'decoder')!;
    const refs = (decoderEntry.inbound_nodes as unknown[][][])[0]!.map((r) => r.slice(0, 3));
    assert.deepEqual(refs, [
      ['decoder_in', 0, 0],
      ['encoder', 0, 1],
      ['encoder', 0, 2],
    ]);
    const loaded = modelFromJSON(topology);
    loaded.setWeights(m.getWeights());
    assertClose(
      loaded.predict([encoderX, decoderX]) as Tensor,
      (m.predict([encoderX, decoderX]) as Tensor).arraySync() as number[][][],
      { atol: 1e-6 },
    );
  });
});

describe('call options are checked', () => {
  test('a misspelt option is refused with the nearest valid key', () => {
    const lstm = new LSTM({ units: 3 });
    assert.throws(
      () => lstm.apply(x(), { initalState: [state(1), state(2)] } as never),
      /LSTM '.*'\.apply: unknown option 'initalState' \(did you mean 'initialState'\?\); valid options: training, mask, initialState/,
    );
    assert.throws(
      () => layers.dense({ units: 2 }).apply(tensor([[1, 2]]), { trainig: true } as never),
      /unknown option 'trainig' \(did you mean 'training'\?\); valid options: training, mask$/,
    );
  });

  test('training must be a boolean', () => {
    assert.throws(
      () => layers.dropout({ rate: 0.5 }).apply(tensor([[1, 2]]), { training: 'true' } as never),
      /Dropout '.*'\.apply: options.training must be a boolean \(or absent\), received "true"/,
    );
    assert.throws(
      () => layers.dense({ units: 1 }).apply(tensor([[1]]), null as never),
      /options must be an object such as \{ training: true \}, received null/,
    );
  });

  test('layers without states refuse initialState; states must match the inputs', () => {
    assert.throws(
      () => layers.dense({ units: 2 }).apply(tensor([[1, 2]]), { initialState: tensor([[1]]) }),
      /Dense '.*'\.apply: unknown option 'initialState'; valid options: training, mask/,
    );
    const lstm = new LSTM({ units: 3 });
    const symbolic = input({ shape: [3, 2] });
    assert.throws(
      () => lstm.apply(symbolic, { initialState: [state(1), state(2)] }),
      /initialState\[0\] must be a SymbolicTensor \(the inputs are symbolic\), received a Tensor/,
    );
    assert.throws(
      () => lstm.apply(x(), { initialState: [state(1)] }),
      /expected 2 initial state\(s\) after the input, received 1/,
    );
  });
});

describe('seq2seq models between Lamina and TensorFlow.js', () => {
  const info = {
    modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const },
  };
  const encoderX = randomNormal([2, 4, 2], 0, 1, 31);
  const decoderX = randomNormal([2, 3, 2], 0, 1, 32);
  const asTf = (t: Tensor): tf.Tensor => tf.tensor(Array.from(t.dataSync()), [...t.shape]);

  before(async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
  });

  test('tf.loadLayersModel reads a Lamina seq2seq model: same predictions', async () => {
    const { m } = seq2seq();
    let saved: ModelArtifacts | undefined;
    await m.save({ save: (a) => ((saved = a), info) });
    const t = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const want = m.predict([encoderX, decoderX]) as Tensor;
    const got = t.predict([asTf(encoderX), asTf(decoderX)]) as tf.Tensor;
    assertClose(want, got.arraySync() as number[][][], { atol: 1e-5 });
  });

  test('loadModel reads a TensorFlow.js seq2seq model (GRU, one state): same predictions', async () => {
    const encIn = tf.input({ shape: [4, 2] });
    const decIn = tf.input({ shape: [3, 2] });
    const [, h] = tf.layers
      .gru({ units: 3, returnState: true, recurrentActivation: 'sigmoid' })
      .apply(encIn) as tf.SymbolicTensor[];
    const decoder = tf.layers.gru({
      units: 3,
      returnSequences: true,
      recurrentActivation: 'sigmoid',
    });
    const decoded = decoder.apply(decIn, { initialState: [h] }) as tf.SymbolicTensor;
    const t = tf.model({ inputs: [encIn, decIn], outputs: decoded });
    let saved: tf.io.ModelArtifacts | undefined;
    await t.save(tf.io.withSaveHandler(async (a) => ((saved = a), info)));
    const m = await loadModel(saved as ModelArtifacts);
    const want = t.predict([asTf(encoderX), asTf(decoderX)]) as tf.Tensor;
    assertClose(m.predict([encoderX, decoderX]) as Tensor, want.arraySync() as number[][][], {
      atol: 1e-5,
    });
    // The state matters: the decoder alone (from zeros) gives something else.
    const fromZeros = decoder.apply(asTf(decoderX)) as tf.Tensor;
    assert.notDeepEqual(fromZeros.arraySync(), want.arraySync());
  });
});
