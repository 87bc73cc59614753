// The addition-RNN example's shape: one-hot strings built in tf.buffer, an LSTM encoder, a
// RepeatVector, an LSTM decoder with returnSequences, TimeDistributed(dense), softmax.
import { lcg } from './data.js';

const chars = '0123456789+ ';

function encode(tf, strings, rows) {
  const buf = tf.buffer([strings.length, rows, chars.length]);
  strings.forEach((s, i) =>
    [...s.padEnd(rows)].forEach((c, j) => buf.set(1, i, j, chars.indexOf(c))),
  );
  return buf.toTensor();
}

export async function run(tf) {
  const rand = lcg(9);
  const questions = [];
  const answers = [];
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(rand() * 100);
    const b = Math.floor(rand() * 100);
    questions.push(`${a}+${b}`);
    answers.push(String(a + b));
  }
  const xs = encode(tf, questions, 5);
  const ys = encode(tf, answers, 3);

  for (const kind of ['simpleRNN', 'gru', 'lstm']) {
    const model = tf.sequential();
    model.add(
      tf.layers[kind]({
        units: 16,
        recurrentInitializer: 'glorotNormal',
        inputShape: [5, chars.length],
      }),
    );
    model.add(tf.layers.repeatVector({ n: 3 }));
    model.add(
      tf.layers[kind]({ units: 16, recurrentInitializer: 'glorotNormal', returnSequences: true }),
    );
    model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: chars.length }) }));
    model.add(tf.layers.activation({ activation: 'softmax' }));
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    if (kind !== 'lstm') continue;
    const history = await model.fit(xs, ys, { epochs: 3, batchSize: 16, validationSplit: 0.25 });
    const out = tf.tidy(() => model.predict(xs.slice(0, 4)).argMax(-1));
    return { losses: history.history.loss, shapes: [out.shape], acc: history.history.acc };
  }
  return {};
}
