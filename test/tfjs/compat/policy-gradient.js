// The cart-pole example's shape: a policy network's logits through predict inside
// tf.variableGrads, actions drawn with tf.multinomial, a sigmoid cross-entropy loss, gradients
// averaged over games and applied with optimizer.applyGradients({ name: gradient }).
import { lcg } from './data.js';

export async function run(tf) {
  const policy = tf.sequential();
  policy.add(tf.layers.dense({ units: 8, activation: 'elu', inputShape: [4] }));
  policy.add(tf.layers.dense({ units: 1 }));
  const optimizer = tf.train.adam(0.05);
  const rand = lcg(8);
  const states = Array.from({ length: 16 }, () => Array.from({ length: 4 }, () => rand() * 2 - 1));
  const rewards = states.map((s) => (s[0] + s[2] > 0 ? 1 : -1));

  const initial = policy.getWeights()[0].dataSync().slice();
  const losses = [];
  for (let iteration = 0; iteration < 6; iteration++) {
    const allGradients = [];
    for (let game = 0; game < 2; game++) {
      const inputs = tf.tensor2d(states);
      const actions = tf.tidy(() => {
        const logits = policy.predict(inputs);
        const left = tf.sigmoid(logits);
        return tf.multinomial(
          tf.concat([left, tf.sub(1, left)], 1),
          1,
          game + 10 * iteration,
          true,
        );
      });
      const chosen = tf.sub(1, actions.toFloat());
      const f = () =>
        tf.tidy(() => {
          const logits = policy.predict(inputs);
          const advantage = tf.tensor2d(rewards, [16, 1]);
          return tf.losses.sigmoidCrossEntropy(chosen, logits, advantage).asScalar();
        });
      const { grads } = tf.variableGrads(f);
      // The weighted loss can sit near zero; its unweighted size is what compares across runs.
      losses.push(tf.losses.sigmoidCrossEntropy(chosen, policy.predict(inputs)).dataSync()[0]);
      allGradients.push(grads);
    }
    const mean = {};
    for (const name of Object.keys(allGradients[0])) {
      mean[name] = tf.mean(tf.stack(allGradients.map((g) => g[name])), 0);
    }
    optimizer.applyGradients(mean);
    tf.dispose(allGradients);
  }
  const names = Object.keys(tf.variableGrads(() => policy.predict(tf.zeros([1, 4])).sum()).grads);
  return {
    losses,
    variables: names.length,
    // Gradients reached the weights through predict: the first kernel moved.
    moved: policy
      .getWeights()[0]
      .dataSync()
      .some((v, i) => v !== initial[i]),
    shapes: [policy.predict(tf.zeros([3, 4])).shape],
  };
}
