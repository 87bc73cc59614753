// The fashion-mnist-vae example's shape: a functional encoder with a custom sampling layer
// (ZLayer, given an outputShape in its config), a decoder model, the two composed by applying
// models to symbolic tensors, and a custom loss minimized with optimizer.minimize over
// model.apply.
import { lcg } from './data.js';

export async function run(tf) {
  class ZLayer extends tf.layers.Layer {
    constructor(config) {
      super(config);
    }
    computeOutputShape(inputShape) {
      tf.util.assert(
        inputShape.length === 2 && Array.isArray(inputShape[0]),
        () => `Expected exactly 2 input shapes. But got: ${inputShape}`,
      );
      return inputShape[0];
    }
    call(inputs) {
      const [zMean, zLogVar] = inputs;
      const epsilon = tf.randomNormal([zMean.shape[0], zMean.shape[1]], 0, 1.0);
      return zMean.add(zLogVar.mul(0.5).exp().mul(epsilon));
    }
    static get className() {
      return 'ZLayer';
    }
  }
  tf.serialization.registerClass(ZLayer);

  const originalDim = 16;
  const inputs = tf.input({ shape: [originalDim], name: 'encoder_input' });
  const x = tf.layers.dense({ units: 8, activation: 'relu' }).apply(inputs);
  const zMean = tf.layers.dense({ units: 2, name: 'z_mean' }).apply(x);
  const zLogVar = tf.layers.dense({ units: 2, name: 'z_log_var' }).apply(x);
  const z = new ZLayer({ name: 'z', outputShape: [2] }).apply([zMean, zLogVar]);
  const encoder = tf.model({ inputs, outputs: [zMean, zLogVar, z], name: 'encoder' });

  const latent = tf.input({ shape: [2] });
  let y = tf.layers.dense({ units: 8, activation: 'relu' }).apply(latent);
  y = tf.layers.dense({ units: originalDim, activation: 'sigmoid' }).apply(y);
  const decoder = tf.model({ inputs: latent, outputs: y });

  const encoderOutputs = encoder.apply(encoder.inputs);
  const vae = tf.model({
    inputs: encoder.inputs,
    outputs: [decoder.apply(encoderOutputs[2]), ...encoderOutputs],
    name: 'vae_mlp',
  });

  const vaeLoss = (batch, outputs) =>
    tf.tidy(() => {
      const [decoded, mean, logVar] = outputs;
      const reconstruction = tf.losses.meanSquaredError(batch, decoded).mul(originalDim);
      const kl = logVar.add(1).sub(mean.square()).sub(logVar.exp()).sum(-1).mul(-0.5);
      return reconstruction.add(kl).mean();
    });

  const rand = lcg(6);
  const data = tf.tensor2d(
    Array.from({ length: 32 }, (_, i) =>
      Array.from(
        { length: originalDim },
        (_, j) => ((i + j) % 4 === 0 ? 0.9 : 0.1) + 0.05 * rand(),
      ),
    ),
  );
  const optimizer = tf.train.adam(0.01);
  const losses = [];
  for (let epoch = 0; epoch < 20; epoch++) {
    const cost = optimizer.minimize(() => vaeLoss(data, vae.apply(data, { training: true })), true);
    losses.push(cost.dataSync()[0]);
  }
  const sample = decoder.predict(tf.randomNormal([3, 2]));
  return {
    losses,
    shapes: [sample.shape, encoder.outputs.map((o) => o.shape)],
    decreased: losses[losses.length - 1] < losses[0],
  };
}
