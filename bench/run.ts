/**
 * `npm run bench`: Lamina and TensorFlow.js (pure-JS `cpu` backend) measured in the same run on
 * the same seeded data, single thread. Prints GFLOPS for square matmuls and steps/s for a
 * 784-512-256-10 MLP training step (batch 128) written as a hand loop, with the Lamina/peer ratio.
 */
import * as tf from '@tensorflow/tfjs';
import * as lm from '../src/index.js';
import { table, time } from './util.js';

const quick = process.argv.includes('--quick');

function matmulRows(): string[][] {
  const rows: string[][] = [['matmul n x n x n', 'lamina js GFLOPS', 'tfjs cpu GFLOPS', 'ratio']];
  for (const n of quick ? [256] : [256, 512, 1024]) {
    const flops = 2 * n * n * n;
    const a = lm.randomNormal([n, n], 0, 1, 1);
    const b = lm.randomNormal([n, n], 0, 1, 2);
    const runs = n >= 1024 ? 3 : 5;
    const ours = time(() => void lm.matMul(a, b).dataSync(), { runs });
    const ta = tf.tensor(a.dataSync(), [n, n]);
    const tb = tf.tensor(b.dataSync(), [n, n]);
    const peer = time(
      () => {
        const c = tf.matMul(ta, tb);
        c.dataSync();
        c.dispose();
      },
      { runs: n >= 1024 ? 1 : 3, warmup: 1 },
    );
    const g1 = flops / ours.medianMs / 1e6;
    const g2 = flops / peer.medianMs / 1e6;
    rows.push([String(n), g1.toFixed(2), g2.toFixed(2), `${(g1 / g2).toFixed(1)}x`]);
  }
  return rows;
}

const sizes = [784, 512, 256, 10];
const batch = 128;

function laminaMlpStepsPerSecond(): number {
  const x = lm.randomNormal([batch, 784], 0, 1, 3);
  const labels = lm.oneHot(
    lm.tensor(
      Int32Array.from({ length: batch }, (_, i) => i % 10),
      [batch],
    ),
    10,
  );
  const weights = sizes
    .slice(1)
    .map((units, i) =>
      lm.variable(lm.randomNormal([sizes[i] as number, units], 0, 0.05, 10 + i), { name: `w${i}` }),
    );
  const biases = sizes
    .slice(1)
    .map((units, i) => lm.variable(lm.zeros([units]), { name: `b${i}` }));
  const step = (): void => {
    const { grads } = lm.variableGrads(() => {
      let h: lm.Tensor = x;
      weights.forEach((w, i) => {
        h = lm.matMul(h, w).add(biases[i] as lm.Variable);
        if (i < weights.length - 1) h = h.relu();
      });
      return lm.logSoftmax(h).mul(labels).sum(-1).mean().neg();
    });
    for (const v of [...weights, ...biases])
      v.assign(v.sub((grads[v.name] as lm.Tensor).mul(0.01)));
    void (weights[0] as lm.Variable).dataSync()[0];
  };
  const t = time(step, { warmup: 2, runs: quick ? 3 : 10 });
  return 1000 / t.medianMs;
}

function tfjsMlpStepsPerSecond(): number {
  const x = tf.randomNormal([batch, 784], 0, 1, 'float32', 3);
  const labels = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % 10),
        'int32',
      ),
      10,
    )
    .toFloat();
  const weights = sizes
    .slice(1)
    .map((units, i) =>
      tf.variable(tf.randomNormal([sizes[i] as number, units], 0, 0.05, 'float32', 10 + i)),
    );
  const biases = sizes.slice(1).map((units) => tf.variable(tf.zeros([units])));
  const optimizer = tf.train.sgd(0.01);
  const step = (): void => {
    tf.tidy(() => {
      optimizer.minimize(() => {
        let h: tf.Tensor = x;
        weights.forEach((w, i) => {
          h = tf.add(tf.matMul(h, w), biases[i] as tf.Variable);
          if (i < weights.length - 1) h = tf.relu(h);
        });
        return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(h), labels), -1)));
      });
    });
    (weights[0] as tf.Variable).dataSync();
  };
  const t = time(step, { warmup: 1, runs: quick ? 2 : 3 });
  return 1000 / t.medianMs;
}

async function main(): Promise<void> {
  tf.env().set('IS_TEST', true); // silences the hint to install tfjs-node
  await tf.setBackend('cpu');
  console.log(
    `Lamina benchmark (node ${process.version}, backend ${lm.getBackend()}, single thread)\n`,
  );
  console.log(table(matmulRows()));
  const ours = laminaMlpStepsPerSecond();
  const peer = tfjsMlpStepsPerSecond();
  console.log('');
  console.log(
    table([
      [
        'MLP 784-512-256-10, batch 128, train step',
        'lamina js steps/s',
        'tfjs cpu steps/s',
        'ratio',
      ],
      ['hand-written loop, SGD', ours.toFixed(2), peer.toFixed(2), `${(ours / peer).toFixed(1)}x`],
    ]),
  );
}

await main();
