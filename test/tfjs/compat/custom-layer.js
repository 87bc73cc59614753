// The custom-layer example's shape: a layer class with a static className getter, masking
// support set in the constructor, computeOutputShape, call with invokeCallHook, registered for
// serialization, inside a convnet.
export function makeAntirectifier(tf) {
  class Antirectifier extends tf.layers.Layer {
    constructor() {
      super({});
      this.supportsMasking = true;
    }
    computeOutputShape(inputShape) {
      return [inputShape[0], inputShape[1], inputShape[2], 2 * inputShape[3]];
    }
    call(inputs, kwargs) {
      let input = inputs;
      if (Array.isArray(input)) input = input[0];
      this.invokeCallHook(inputs, kwargs);
      const shape = input.shape;
      const flat = input.reshape([shape[0], shape[1] * shape[2] * shape[3]]);
      const centered = tf.sub(flat, flat.mean(1).expandDims(1));
      const pos = centered.relu().reshape(shape);
      const neg = centered.neg().relu().reshape(shape);
      return tf.concat([pos, neg], 3);
    }
    static get className() {
      return 'Antirectifier';
    }
  }
  tf.serialization.registerClass(Antirectifier);
  return Antirectifier;
}

export async function run(tf) {
  const Antirectifier = makeAntirectifier(tf);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }),
      new Antirectifier(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(
    Array.from({ length: 8 * 36 }, (_, i) => Math.sin(i)),
    [8, 6, 6, 1],
  );
  const y = tf.tensor2d(Array.from({ length: 8 }, (_, i) => (i % 2 ? [0, 1] : [1, 0])));
  const history = await model.fit(x, y, { epochs: 3, batchSize: 4 });
  const restored = await tf.models.modelFromJSON(JSON.parse(model.toJSON()));
  return {
    losses: history.history.loss,
    shapes: [
      model.layers[1].computeOutputShape([null, 4, 4, 2]),
      restored.layers[1].getClassName(),
    ],
  };
}
