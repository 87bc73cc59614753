// The polynomial-regression-core example's shape: tf.variable coefficients, a function of
// them, optimizer.minimize in a loop inside tf.tidy, dataSync at the end.
export async function run(tf) {
  const xsArray = Array.from({ length: 40 }, (_, i) => -1 + i / 20);
  const ysArray = xsArray.map((x) => 0.3 * x ** 3 - 0.2 * x ** 2 + 0.5 * x + 0.1);
  const xs = tf.tensor1d(xsArray);
  const ys = tf.tensor1d(ysArray);
  const a = tf.variable(tf.scalar(0.2));
  const b = tf.variable(tf.scalar(-0.4));
  const c = tf.variable(tf.scalar(0.7));
  const d = tf.variable(tf.scalar(0.05));
  const predict = (x) =>
    tf.tidy(() =>
      a
        .mul(x.pow(tf.scalar(3, 'int32')))
        .add(b.mul(x.square()))
        .add(c.mul(x))
        .add(d),
    );
  const loss = (prediction, labels) => prediction.sub(labels).square().mean();
  const optimizer = tf.train.sgd(0.5);
  const losses = [];
  for (let i = 0; i < 75; i++) {
    tf.tidy(() => {
      const cost = optimizer.minimize(() => loss(predict(xs), ys), true);
      losses.push(cost.dataSync()[0]);
    });
    await tf.nextFrame();
  }
  return { losses, coefficients: [a, b, c, d].map((v) => v.dataSync()[0]) };
}
