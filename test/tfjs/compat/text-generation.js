// The lstm-text-generation example's shape: one-hot character windows, stacked LSTMs (the
// first with returnSequences), a softmax head, RMSprop, fit with onBatchEnd/onEpochEnd, then
// sampling the next character with a temperature through tf.multinomial.
export async function run(tf) {
  const text = 'the quick brown fox jumps over the lazy dog and the cat naps in the sun. '.repeat(
    3,
  );
  const chars = [...new Set(text)].sort();
  const window = 8;
  const starts = Array.from({ length: 48 }, (_, i) => (i * 3) % (text.length - window - 1));
  const xs = tf.buffer([starts.length, window, chars.length]);
  const ys = tf.buffer([starts.length, chars.length]);
  starts.forEach((s, i) => {
    for (let t = 0; t < window; t++) xs.set(1, i, t, chars.indexOf(text[s + t]));
    ys.set(1, i, chars.indexOf(text[s + window]));
  });

  const model = tf.sequential();
  model.add(
    tf.layers.lstm({ units: 16, returnSequences: true, inputShape: [window, chars.length] }),
  );
  model.add(tf.layers.lstm({ units: 16 }));
  model.add(tf.layers.dense({ units: chars.length, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.rmsprop(0.02), loss: 'categoricalCrossentropy' });
  let batches = 0;
  const history = await model.fit(xs.toTensor(), ys.toTensor(), {
    epochs: 3,
    batchSize: 16,
    callbacks: {
      onBatchEnd: async () => {
        batches++;
      },
      onEpochEnd: async () => {
        await tf.nextFrame();
      },
    },
  });

  const sampled = [];
  let seed = text.slice(0, window);
  for (let i = 0; i < 10; i++) {
    const input = tf.buffer([1, window, chars.length]);
    [...seed].forEach((ch, t) => input.set(1, 0, t, chars.indexOf(ch)));
    const probs = model.predict(input.toTensor()).squeeze();
    const logits = tf.div(tf.log(probs), 0.75);
    const next = tf.multinomial(logits, 1, i).dataSync()[0];
    sampled.push(next);
    seed = seed.slice(1) + chars[next];
  }
  return {
    losses: history.history.loss,
    batches,
    sampledInVocabulary: sampled.every((s) => s >= 0 && s < chars.length),
  };
}
