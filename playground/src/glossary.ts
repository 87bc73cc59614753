/** Plain-language explanations of the page's terms, shown as tooltips. */
export const GLOSSARY = {
  kernel:
    'Kernel regularizer: a penalty on the layer’s weights W, added to the loss. L2 adds factor × Σw², pulling every weight toward 0.',
  bias: 'Bias regularizer: a penalty on the layer’s biases b.',
  activity:
    'Activity regularizer: a penalty on the layer’s outputs z = xW + b for each sample (averaged over the batch), pulling the outputs toward 0 whatever the weights are.',
  penaltyKind:
    'L1: factor × Σ|v| (pushes values to exactly 0). L2: factor × Σv² (shrinks large values most). L1L2: both, each with this factor.',
  factor: 'How strongly the penalty counts against the data loss.',
  dataLoss: 'Data loss: how wrong the predictions are (cross-entropy), without any penalty.',
  penalty:
    'Penalty: the sum of all regularizers’ terms, which training minimizes together with the data loss.',
  loss: 'Loss: data loss + penalty, the number training minimizes (as Keras reports it).',
  saturated:
    'Saturated: outputs of tanh or sigmoid in their flat region (|tanh| > 0.99), where the gradient is nearly 0 and the unit stops learning.',
  dead: 'Dead: units stuck in a flat region for every sample (ReLU at 0, tanh at ±1), so they get no gradient and no longer learn.',
  step: 'Step: one update of the weights from one batch. Epoch: one pass over the training data.',
  accuracy: 'Accuracy on held-out samples (a quarter of the data, never trained on).',
  learningRate: 'Learning rate: how far each step moves the weights.',
  batchSize: 'Batch size: samples per step.',
  init: 'Initial weights: Glorot uniform (scaled to the layer’s size), or small positive (uniform in [0, 0.3]) as in the seed question.',
  optimizer:
    'SGD: plain gradient descent. Adam and RMSprop scale each step by running averages of the gradients.',
  weightsHistogram: 'Histogram of the weights W of this layer: what a kernel penalty acts on.',
  outputsHistogram:
    'Histogram of this layer’s outputs z = xW + b on held-out samples (before the activation): what an activity penalty acts on.',
  advice: 'What Lamina’s diagnose() says about each layer, from its weights and outputs.',
  seed: 'Seed: the same seed gives the same data and initial weights.',
  epochs:
    'Training pauses by itself after this many epochs (0: never), so that both panels can be compared at the same point.',
} as const;
