import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  concat,
  input,
  l2,
  randomNormal,
  reverse,
  tensor,
  type Layer,
  type Tensor,
} from '../../src/index.js';
import {
  Bidirectional,
  GRU,
  LSTM,
  SimpleRNN,
  type GRUArgs,
  type LSTMArgs,
  type MergeMode,
  type RNN,
} from '../../src/layers/recurrent/index.js';
import { resetDeprecationWarnings } from '../../src/layers/base/legacy.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';
import { lstmReference, gruReference, type Matrix } from './recurrent-reference.js';

const seeded = {
  kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
  recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
  biasInitializer: { class_name: 'RandomNormal', config: { seed: 3, mean: 0, stddev: 0.1 } },
};
const x3 = (): Tensor => randomNormal([2, 3, 2], 0, 1, 4);
const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);
const values = (t: Tensor): number[] => Array.from(t.dataSync());

forEachBackend('recurrent layers: conformance', () => {
  const makers: [string, (returnSequences: boolean) => Layer][] = [
    ['SimpleRNN', (r) => new SimpleRNN({ units: 3, returnSequences: r, ...seeded })],
    ['LSTM', (r) => new LSTM({ units: 3, returnSequences: r, ...seeded })],
    ['GRU (resetAfter)', (r) => new GRU({ units: 3, returnSequences: r, ...seeded })],
    ['GRU (resetBefore)', (r) => new GRU({ units: 3, returnSequences: r, resetAfter: false })],
  ];
  for (const [name, make] of makers) {
    for (const returnSequences of [false, true]) {
      test(`${name}, returnSequences=${returnSequences}`, () => {
        checkLayer({
          make: () => make(returnSequences),
          input: x3(),
          expectedOutputShape: returnSequences ? [2, 3, 3] : [2, 3],
          expectedWeights: 3,
          expectedTrainableWeights: 3,
        });
      });
    }
  }
  test('a recurrentRegularizer shows in losses', () => {
    checkLayer({
      make: () => new LSTM({ units: 3, recurrentRegularizer: l2(0.01), ...seeded }),
      input: x3(),
      expectedOutputShape: [2, 3],
      expectedWeights: 3,
      expectedLosses: 1,
    });
  });
  const modes: MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];
  for (const mergeMode of modes) {
    test(`Bidirectional(LSTM), mergeMode=${String(mergeMode)}`, () => {
      const returnSequences = mergeMode !== 'sum';
      const shape = [2, ...(returnSequences ? [3] : []), mergeMode === 'concat' ? 6 : 3];
      checkLayer({
        make: () =>
          new Bidirectional({
            layer: new LSTM({ units: 3, returnSequences, ...seeded }),
            mergeMode,
          }),
        input: x3(),
        expectedOutputShape: mergeMode === null ? [shape, shape] : shape,
        expectedWeights: 6,
      });
    });
  }
});

/** The layer's weights as float64 matrices (bias as a 1-row or 2-row matrix). */
function weightsOf(layer: Layer): Matrix[] {
  return layer.getWeights().map((w) => {
    const v = values(w);
    const cols = w.shape[w.rank - 1] as number;
    return Array.from({ length: v.length / cols }, (_, i) => v.slice(i * cols, (i + 1) * cols));
  });
}

forEachBackend('recurrent layers: values', () => {
  test('SimpleRNN on hand values (ones kernels), with and without an initial state', () => {
    const xs = [
      [0.1, 0.2],
      [0.3, -0.1],
      [0.05, 0.0],
    ];
    const args = { units: 2, kernelInitializer: 'ones', recurrentInitializer: 'ones' };
    const expected = (h0: number): number[][] => {
      const out: number[][] = [];
      let h = h0;
      for (const [a, b] of xs) {
        h = Math.tanh(a! + b! + 2 * h); // x . ones + h . ones over 2 units
        out.push([h, h]);
      }
      return out;
    };
    const rnn = new SimpleRNN({ ...args, returnSequences: true });
    assertClose(rnn.apply(tensor([xs])), [expected(0)], { atol: 1e-6 });
    const withState = new SimpleRNN({ ...args, returnState: true });
    const [y, h] = list(withState.apply([tensor([xs]), tensor([[0.5, 0.5]])]));
    assertClose(y!, [expected(0.5)[2]!], { atol: 1e-6 });
    assertClose(h!, [expected(0.5)[2]!], { atol: 1e-6 });
  });

  test('LSTM matches a float64 reference of the Keras equations; forget bias starts at 1', () => {
    const lstm = new LSTM({ units: 3, returnSequences: true, ...seeded });
    const x = x3();
    const y = lstm.apply(x);
    const [kernel, recurrent, bias] = weightsOf(lstm) as [Matrix, Matrix, Matrix];
    assertClose(y, lstmReference(x.arraySync() as number[][][], kernel, recurrent, bias[0]!), {
      atol: 1e-5,
    });
    const plain = new LSTM({ units: 2 });
    plain.apply(x);
    assert.deepEqual(values(plain.getWeights()[2]!), [0, 0, 1, 1, 0, 0, 0, 0]);
    const noForget = new LSTM({ units: 2, unitForgetBias: false });
    noForget.apply(x);
    assert.deepEqual(values(noForget.getWeights()[2]!), [0, 0, 0, 0, 0, 0, 0, 0]);
  });

  for (const resetAfter of [true, false]) {
    test(`GRU (resetAfter=${resetAfter}) matches a float64 reference`, () => {
      const args: GRUArgs = { units: 3, returnSequences: true, resetAfter, ...seeded };
      const gru = new GRU(args);
      const x = x3();
      const y = gru.apply(x);
      const [kernel, recurrent, bias] = weightsOf(gru) as [Matrix, Matrix, Matrix];
      assert.deepEqual(gru.bias?.shape, resetAfter ? [2, 9] : [9]);
      const ref = gruReference(x.arraySync() as number[][][], kernel, recurrent, bias, resetAfter);
      assertClose(y, ref, { atol: 1e-5 });
    });
  }

  test('goBackwards processes the reversed sequence and returns outputs in that order', () => {
    const x = x3();
    const fwd = new GRU({ units: 3, returnSequences: true, ...seeded });
    const bwd = new GRU({ units: 3, returnSequences: true, goBackwards: true, ...seeded });
    const yb = bwd.apply(x);
    fwd.apply(x);
    fwd.setWeights(bwd.getWeights());
    assertClose(yb, fwd.apply(reverse(x, 1)).arraySync() as number[][][]);
  });

  test('Bidirectional re-aligns the backward sequence in time before merging', () => {
    const x = x3();
    const bi = new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }) });
    const y = bi.apply(x) as Tensor;
    assert.match(bi.forwardLayer.name, /^forward_lstm/);
    assert.match(bi.backwardLayer.name, /^backward_lstm/);
    assert.equal(bi.backwardLayer.goBackwards, true);
    const f = new LSTM({ units: 3, returnSequences: true });
    const b = new LSTM({ units: 3, returnSequences: true });
    f.apply(x);
    b.apply(x);
    const w = bi.getWeights();
    f.setWeights(w.slice(0, 3));
    b.setWeights(w.slice(3));
    const expected = concat([f.apply(x), reverse(b.apply(reverse(x, 1)), 1)], -1);
    assertClose(y, expected.arraySync() as number[][][]);
  });

  test('returnState returns [output, ...states]; Bidirectional appends both directions', () => {
    const x = x3();
    const lstm = new LSTM({ units: 3, returnState: true, returnSequences: true, ...seeded });
    const outs = list(lstm.apply(x));
    assert.deepEqual(
      outs.map((t) => t.shape),
      [
        [2, 3, 3],
        [2, 3],
        [2, 3],
      ],
    );
    const last = values(outs[0]!).filter((_, i) => Math.floor(i / 3) % 3 === 2);
    assert.deepEqual(last, values(outs[1]!));
    const bi = new Bidirectional({ layer: new GRU({ units: 3, returnState: true }) });
    const [y, hf, hb] = list(bi.apply(x));
    assert.deepEqual(
      [y, hf, hb].map((t) => t!.shape),
      [
        [2, 6],
        [2, 3],
        [2, 3],
      ],
    );
    // Initial states: [x, ...forward, ...backward]; feeding the final states back changes y.
    const again = list(bi.apply([x, hf!, hb!]));
    assert.notDeepEqual(values(again[0]!), values(y!));
    const fwd = new GRU({ units: 3 });
    fwd.apply(x);
    fwd.setWeights(bi.getWeights().slice(0, 3));
    assertClose(
      again[0]!.slice([0, 0], [-1, 3]),
      (fwd.apply([x, hf!]) as Tensor).arraySync() as number[][],
      {
        atol: 1e-6,
      },
    );
    assert.throws(() => bi.apply([x, hf!]), /as many forward as backward initial states/);
  });

  test('unknown timesteps: symbolic shapes keep null', () => {
    const seq = input({ shape: [null, 2] });
    const y = new LSTM({ units: 4, returnSequences: true, returnState: true }).apply(seq);
    assert.deepEqual(
      list(y as never).map((s: { shape: unknown }) => s.shape),
      [
        [null, null, 4],
        [null, 4],
        [null, 4],
      ],
    );
    const bi = new Bidirectional({ layer: new SimpleRNN({ units: 2, returnSequences: true }) });
    assert.deepEqual(bi.computeOutputShape([null, null, 5]), [null, null, 4]);
  });

  test('dropout and recurrentDropout change training outputs only; masks follow the seed', () => {
    const x = randomNormal([4, 5, 6], 0, 1, 9);
    const args: LSTMArgs = { units: 3, dropout: 0.5, recurrentDropout: 0.3, seed: 7, ...seeded };
    const a = new LSTM(args);
    const plain = new LSTM({ units: 3, ...seeded });
    const inference = values(a.apply(x) as Tensor);
    plain.apply(x);
    plain.setWeights(a.getWeights());
    assert.deepEqual(inference, values(plain.apply(x) as Tensor));
    const trained = values(a.apply(x, { training: true }) as Tensor);
    assert.notDeepEqual(trained, inference);
    const b = new LSTM(args);
    b.apply(x);
    b.setWeights(a.getWeights());
    const fresh = new LSTM(args);
    fresh.apply(x);
    fresh.setWeights(a.getWeights());
    // Same seed, same sequence of masks.
    assert.deepEqual(values(fresh.apply(x, { training: true }) as Tensor), trained);
  });

  test('Keras 1 names map to Keras 2+ names, with a warning', () => {
    resetDeprecationWarnings();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    let rnn: SimpleRNN;
    try {
      rnn = new SimpleRNN({ units: 2, W_regularizer: l2(0.1), U_regularizer: 'l2' });
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /SimpleRNN: 'U_regularizer' is a Keras 1 name/);
    assert.throws(
      () => new LSTM({ units: 2, U_regularizer: 'l2', recurrentRegularizer: 'l1' }),
      /got both the legacy argument 'U_regularizer' and its replacement/,
    );
    rnn.apply(x3());
    assert.equal(rnn.kernel?.regularizer?.className, 'L2');
    assert.equal(rnn.recurrentKernel?.regularizer?.className, 'L2');
    assert.equal(rnn.losses.length, 2);
  });

  test('bad arguments and inputs give clear errors', () => {
    assert.throws(
      () => new LSTM({ units: 0 }),
      /LSTM 'lstm(_\d+)?': Invalid value for argument units: expected a positive integer. Received: units=0/,
    );
    assert.throws(
      () => new GRU({ units: 2, dropout: 1 }),
      /Invalid value for argument dropout: expected a float in \[0, 1\). Received: dropout=1/,
    );
    assert.throws(
      () => new SimpleRNN({ units: 2, recurrentDropout: -0.1 }),
      /argument recurrentDropout/,
    );
    assert.throws(() => new LSTM({ units: 2, stateful: true }), /stateful=true is not supported/);
    assert.throws(
      () => new LSTM({ units: 2, returnSequences: 'yes' as unknown as boolean }),
      /argument returnSequences: expected a boolean/,
    );
    assert.throws(
      () => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'avg' as MergeMode }),
      /Invalid value for argument mergeMode: .* Received: mergeMode="avg"/,
    );
    assert.throws(
      () => new Bidirectional({ layer: { class_name: 'Dense', config: { units: 2 } } }),
      /argument layer: expected a recurrent layer/,
    );
    assert.throws(
      () =>
        new Bidirectional({
          layer: new LSTM({ units: 2 }),
          backwardLayer: new LSTM({ units: 2 }),
        }),
      /goBackwards opposite/,
    );
    const rnn: RNN = new SimpleRNN({ units: 2 });
    assert.throws(
      () => rnn.apply(tensor([[1, 2]])),
      /SimpleRNN 'simple_rnn(_\d+)?': expected an input of rank 3 \[batch, timesteps, features\], received shape \(1, 2\)/,
    );
    rnn.apply(x3());
    assert.throws(() => rnn.apply(randomNormal([2, 3, 4])), /expected 2 input features/);
    assert.throws(() => rnn.apply([x3(), tensor([[1, 2, 3]])]), /initial state must have shape/);
  });
});
