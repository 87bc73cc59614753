import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Activation,
  Bidirectional,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  GRU,
  input,
  LayerNormalization,
  LSTM,
  model,
  randomNormal,
  sequential,
  SimpleRNN,
  tensor,
  variable,
  variableGrads,
  type Layer,
  type RNN,
  type Tensor,
} from '../../src/index.js';
import { getMask, setMask } from '../../src/layers/base/masking.js';
import { sum } from '../../src/ops/reduction.js';
import { forEachBackend } from '../helpers.js';

const seeded = {
  kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
  recurrentInitializer: { class_name: 'Orthogonal', config: { seed: 2 } },
  biasInitializer: { class_name: 'RandomNormal', config: { seed: 3, mean: 0, stddev: 0.1 } },
};
const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);
const values = (t: Tensor): number[] => Array.from(t.dataSync());
const single = (y: Tensor | Tensor[]): Tensor => {
  assert.ok(!Array.isArray(y));
  return y;
};

const STEPS = 5;
const FEATURES = 2;
const LENGTHS = [5, 3, 1];

/** One random sequence per length, [1, length, features] each (fixed seeds). */
function sequences(): number[][][] {
  return LENGTHS.map((n, i) => {
    const v = values(randomNormal([n, FEATURES], 0, 1, 10 + i));
    return Array.from({ length: n }, (_, t) => v.slice(t * FEATURES, (t + 1) * FEATURES));
  });
}

/** The sequences padded with zero vectors to STEPS (at the end or the start), and their mask. */
function padded(seqs: number[][][], at: 'end' | 'start'): { x: Tensor; mask: Tensor } {
  const zero = Array.from({ length: FEATURES }, () => 0);
  const rows = seqs.map((s) => {
    const pad = Array.from({ length: STEPS - s.length }, () => zero);
    return at === 'end' ? [...s, ...pad] : [...pad, ...s];
  });
  const mask = seqs.map((s) =>
    Array.from({ length: STEPS }, (_, t) => (at === 'end' ? t < s.length : t >= STEPS - s.length)),
  );
  const x = tensor(rows);
  const m = tensor(mask, undefined, 'bool');
  setMask(x, m);
  return { x, mask: m };
}

const makers: [string, (extra?: object) => RNN][] = [
  ['SimpleRNN', (extra) => new SimpleRNN({ units: 3, ...seeded, ...extra })],
  ['LSTM', (extra) => new LSTM({ units: 3, ...seeded, ...extra })],
  ['GRU (resetAfter)', (extra) => new GRU({ units: 3, ...seeded, ...extra })],
  ['GRU (resetBefore)', (extra) => new GRU({ units: 3, resetAfter: false, ...seeded, ...extra })],
];

/** Row `i` of a [batch, ...] tensor, as numbers. */
function row(t: Tensor, i: number): number[] {
  const size = t.size / (t.shape[0] as number);
  return values(t).slice(i * size, (i + 1) * size);
}

forEachBackend('masking: recurrent layers', () => {
  for (const [name, make] of makers) {
    for (const at of ['end', 'start'] as const) {
      test(`${name}: a padded batch (padding at the ${at}) gives each sample's unpadded result exactly`, () => {
        const seqs = sequences();
        const { x } = padded(seqs, at);
        const rnn = make({ returnState: true });
        const [y, ...states] = list(rnn.apply(x));
        seqs.forEach((s, i) => {
          const [yi, ...statesI] = list(rnn.apply(tensor([s])));
          assert.deepEqual(row(y!, i), values(yi!), `sample ${i} output`);
          states.forEach((st, j) =>
            assert.deepEqual(row(st, i), values(statesI[j]!), `sample ${i} state ${j}`),
          );
        });
      });
    }

    test(`${name}: returnSequences repeats the previous output on masked steps`, () => {
      const seqs = sequences();
      const rnn = make({ returnSequences: true });
      for (const at of ['end', 'start'] as const) {
        const { x, mask } = padded(seqs, at);
        const y = single(rnn.apply(x));
        assert.deepEqual([...y.shape], [3, STEPS, 3]);
        assert.equal(getMask(y), mask, 'the output mask is the input mask');
        seqs.forEach((s, i) => {
          const alone = values(single(rnn.apply(tensor([s]))));
          const got = row(y, i);
          const offset = at === 'end' ? 0 : STEPS - s.length;
          for (let t = 0; t < STEPS; t++) {
            const k = t - offset; // index in the unpadded sequence
            const want =
              k < 0
                ? [0, 0, 0] // before the first real step: zeros
                : alone.slice(Math.min(k, s.length - 1) * 3, Math.min(k, s.length - 1) * 3 + 3);
            assert.deepEqual(got.slice(t * 3, t * 3 + 3), want, `${at}: sample ${i} step ${t}`);
          }
        });
      }
    });
  }

  test('goBackwards reverses the mask too: padded equals unpadded; the output mask is passed on unreversed, as Keras 3 does', () => {
    const seqs = sequences();
    const { x, mask } = padded(seqs, 'end');
    const last = new LSTM({ units: 3, goBackwards: true, ...seeded });
    const y = single(last.apply(x));
    seqs.forEach((s, i) => assert.deepEqual(row(y, i), values(single(last.apply(tensor([s]))))));
    const seq = new GRU({ units: 3, goBackwards: true, returnSequences: true, ...seeded });
    const ys = single(seq.apply(x));
    const rows = mask.arraySync() as boolean[][];
    assert.deepEqual(getMask(ys)?.arraySync(), rows);
    // In processing order the padding comes first: zeros until the sample's last real step.
    seqs.forEach((s, i) => {
      const alone = values(single(seq.apply(tensor([s]))));
      const got = row(ys, i);
      const pad = STEPS - s.length;
      assert.deepEqual(got.slice(0, pad * 3), Array<number>(pad * 3).fill(0));
      assert.deepEqual(got.slice(pad * 3), alone);
    });
  });

  test('Bidirectional passes the mask to both directions', () => {
    const seqs = sequences();
    const { x, mask } = padded(seqs, 'end');
    const bi = new Bidirectional({ layer: new LSTM({ units: 3, ...seeded }) });
    const y = single(bi.apply(x));
    seqs.forEach((s, i) => assert.deepEqual(row(y, i), values(single(bi.apply(tensor([s]))))));
    assert.equal(getMask(y), null, 'no mask without returnSequences');
    const biSeq = new Bidirectional({
      layer: new GRU({ units: 2, returnSequences: true, ...seeded }),
      mergeMode: null,
    });
    const [yf, yb] = list(biSeq.apply(x));
    assert.equal(getMask(yf!), mask);
    assert.equal(getMask(yb!), mask);
  });

  test('the output mask: none without returnSequences; [mask, null, ...] with returnState', () => {
    const { x, mask } = padded(sequences(), 'end');
    assert.equal(getMask(single(new SimpleRNN({ units: 2 }).apply(x))), null);
    const [y, h, c] = list(
      new LSTM({ units: 2, returnSequences: true, returnState: true }).apply(x),
    );
    assert.equal(getMask(y!), mask);
    assert.equal(getMask(h!), null);
    assert.equal(getMask(c!), null);
  });

  test('no gradient reaches masked timesteps', () => {
    const seqs = sequences();
    const { x: data, mask } = padded(seqs, 'end');
    const x = variable(data, { name: 'masking_grad_input' });
    setMask(x, mask);
    const rnn = new LSTM({ units: 3, ...seeded });
    const { grads } = variableGrads(() => sum(single(rnn.apply(x))), [x]);
    const g = grads[x.name]!.arraySync() as number[][][];
    seqs.forEach((s, i) =>
      g[i]!.forEach((step, t) => {
        const zero = step.every((v) => v === 0);
        assert.equal(zero, t >= s.length, `sample ${i} step ${t}`);
      }),
    );
  });

  test('a mask of the wrong shape is refused', () => {
    const x = randomNormal([2, 3, 2], 0, 1, 1);
    assert.throws(() => setMask(x, tensor([1, 0])), /bool tensor/);
    setMask(x, tensor([[true, false]], undefined, 'bool').tile([2, 1]));
    assert.throws(() => new LSTM({ units: 2 }).apply(x), /expected a bool mask of shape \[2,3\]/);
  });
});

forEachBackend('masking: Embedding and propagation', () => {
  test('Embedding(maskZero) masks index 0; without maskZero there is no mask', () => {
    const ids = tensor(
      [
        [3, 1, 0, 0],
        [0, 2, 5, 1],
      ],
      undefined,
      'int32',
    );
    const y = single(new Embedding({ inputDim: 6, outputDim: 2, maskZero: true }).apply(ids));
    assert.deepEqual(getMask(y)?.arraySync(), [
      [true, true, false, false],
      [false, true, true, true],
    ]);
    assert.equal(getMask(single(new Embedding({ inputDim: 6, outputDim: 2 }).apply(ids))), null);
  });

  test('elementwise layers pass the mask on; others drop it', () => {
    const ids = tensor([[1, 2, 0]], undefined, 'int32');
    const emb = single(new Embedding({ inputDim: 4, outputDim: 3, maskZero: true }).apply(ids));
    const mask = getMask(emb);
    assert.ok(mask !== null);
    const passing: Layer[] = [
      new Dense({ units: 2 }),
      new Activation({ activation: 'relu' }),
      new Dropout({ rate: 0.5 }),
      new LayerNormalization(),
    ];
    for (const l of passing) {
      assert.equal(l.supportsMasking, true, l.className);
      assert.equal(getMask(single(l.apply(emb, { training: true }))), mask, l.className);
    }
    assert.equal(getMask(single(new Flatten().apply(emb))), null);
    assert.equal(getMask(single(new GlobalAveragePooling1D().apply(emb))), null);
  });
});

forEachBackend('masking: global pooling', () => {
  const x = (): Tensor =>
    tensor([
      [
        [1, -2],
        [3, 4],
        [8, 8],
      ],
      [
        [5, 6],
        [-7, -9],
        [2, 2],
      ],
    ]);
  const mask = tensor(
    [
      [true, true, false],
      [false, true, false],
    ],
    undefined,
    'bool',
  );

  test('GlobalAveragePooling1D averages the unmasked steps', () => {
    const a = x();
    setMask(a, mask);
    assert.deepEqual(single(new GlobalAveragePooling1D().apply(a)).arraySync(), [
      [2, 1],
      [-7, -9],
    ]);
    assert.deepEqual(single(new GlobalAveragePooling1D({ keepdims: true }).apply(a)).arraySync(), [
      [[2, 1]],
      [[-7, -9]],
    ]);
    // Unmasked input: the plain mean, as before.
    assert.deepEqual(
      single(new GlobalAveragePooling1D().apply(x())).arraySync(),
      [
        [4, 10 / 3],
        [0, -1 / 3],
      ].map((r) => r.map(Math.fround)),
    );
  });

  test('GlobalMaxPooling1D takes the max over every step, masked or not, as Keras 3 does', () => {
    const a = x();
    setMask(a, mask);
    assert.deepEqual(single(new GlobalMaxPooling1D().apply(a)).arraySync(), [
      [8, 8],
      [5, 6],
    ]);
    assert.deepEqual(single(new GlobalMaxPooling1D().apply(x())).arraySync(), [
      [8, 8],
      [5, 6],
    ]);
  });

  test('after Embedding(maskZero): the mean over the real tokens only', () => {
    const emb = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const pool = new GlobalAveragePooling1D();
    const full = single(pool.apply(single(emb.apply(tensor([[0, 4, 2, 0]], undefined, 'int32')))));
    const short = single(pool.apply(single(emb.apply(tensor([[4, 2]], undefined, 'int32')))));
    assert.deepEqual(values(full), values(short));
  });
});

forEachBackend('masking: models', () => {
  const ids = (rows: number[][]): Tensor => tensor(rows, undefined, 'int32');

  test('Sequential Embedding(maskZero) -> LSTM -> Dense trains, and padding does not change predictions', async () => {
    const m = sequential({
      layers: [
        input({ shape: [null], dtype: 'int32' }) as never,
        new Embedding({
          inputDim: 6,
          outputDim: 4,
          maskZero: true,
          embeddingsInitializer: { class_name: 'RandomUniform', config: { seed: 5 } },
        }),
        new LSTM({ units: 4, ...seeded }),
        new Dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'ones' }),
      ],
    });
    m.compile({ optimizer: { class_name: 'Adam', config: { learning_rate: 0.05 } }, loss: 'bce' });
    // Label: whether token 5 occurs; sequences of varying length, padded at the end.
    const x = ids([
      [1, 5, 2, 0, 0],
      [3, 4, 0, 0, 0],
      [5, 0, 0, 0, 0],
      [2, 3, 1, 4, 0],
      [4, 4, 5, 1, 2],
      [1, 1, 2, 0, 0],
    ]);
    const y = tensor([[1], [0], [1], [0], [1], [0]]);
    const h = await m.fit(x, y, { epochs: 15, batchSize: 6, verbose: 0, shuffle: false });
    const losses = h.history.loss as number[];
    assert.ok(losses[losses.length - 1]! < losses[0]!, `loss decreases: ${losses.join(', ')}`);

    const unpadded = single(m.predict(ids([[1, 5, 2]])) as Tensor);
    const atEnd = single(m.predict(ids([[1, 5, 2, 0, 0]])) as Tensor);
    const atStart = single(m.predict(ids([[0, 0, 1, 5, 2]])) as Tensor);
    const inBatch = single(m.predict(x) as Tensor);
    assert.deepEqual(values(atEnd), values(unpadded));
    assert.deepEqual(values(atStart), values(unpadded));
    assert.deepEqual(row(inBatch, 0), values(unpadded));
  });

  test('a functional model propagates masks through its nodes', () => {
    const inp = input({ shape: [null], dtype: 'int32' });
    const e = new Embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(inp);
    const s = new GRU({ units: 3, returnSequences: true, ...seeded }).apply(e);
    const out = new Dense({ units: 2 }).apply(new GlobalAveragePooling1D().apply(s));
    const f = model({ inputs: inp, outputs: out });
    const a = single(f.predict(ids([[2, 3, 0, 0]])) as Tensor);
    const b = single(f.predict(ids([[2, 3]])) as Tensor);
    assert.deepEqual(values(a), values(b));
  });
});
