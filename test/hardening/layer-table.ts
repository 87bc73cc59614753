/**
 * The smallest valid options of every layer factory, for tests that construct each one (with
 * an unknown key added, or a TensorFlow.js key): a factory missing here fails those tests, so a
 * new layer cannot skip the options check.
 */
import { layers as laminaLayers } from '../../src/layers/index.js';
import { layers as tfjsLayers } from '../../src/tfjs/layers.js';

const dense = (): object => laminaLayers.dense({ units: 2 });

export const MINIMAL_ARGS: Readonly<Record<string, () => Record<string, unknown>>> = {
  inputLayer: () => ({ shape: [2] }),
  input: () => ({ shape: [2] }),
  dense: () => ({ units: 2 }),
  activation: () => ({ activation: 'relu' }),
  reLU: () => ({}),
  leakyReLU: () => ({}),
  elu: () => ({}),
  thresholdedReLU: () => ({}),
  softmax: () => ({}),
  prelu: () => ({}),
  activityRegularization: () => ({}),
  dropout: () => ({ rate: 0.5 }),
  spatialDropout1d: () => ({ rate: 0.5 }),
  spatialDropout2d: () => ({ rate: 0.5 }),
  gaussianNoise: () => ({ stddev: 0.1 }),
  gaussianDropout: () => ({ rate: 0.5 }),
  alphaDropout: () => ({ rate: 0.5 }),
  flatten: () => ({}),
  reshape: () => ({ targetShape: [2] }),
  permute: () => ({ dims: [2, 1] }),
  repeatVector: () => ({ n: 2 }),
  timeDistributed: () => ({ layer: dense() }),
  bidirectional: () => ({ layer: laminaLayers.lstm({ units: 2 }) }),
  conv1d: () => ({ filters: 2, kernelSize: 3 }),
  conv2d: () => ({ filters: 2, kernelSize: 3 }),
  depthwiseConv2d: () => ({ kernelSize: 3 }),
  separableConv2d: () => ({ filters: 2, kernelSize: 3 }),
  conv2dTranspose: () => ({ filters: 2, kernelSize: 3 }),
  zeroPadding2d: () => ({}),
  upSampling2d: () => ({}),
  maxPooling1d: () => ({}),
  maxPooling2d: () => ({}),
  averagePooling1d: () => ({}),
  averagePooling2d: () => ({}),
  maxPool1d: () => ({}),
  maxPool2d: () => ({}),
  avgPool1d: () => ({}),
  avgPool2d: () => ({}),
  avgPooling1d: () => ({}),
  avgPooling2d: () => ({}),
  globalAveragePooling1d: () => ({}),
  globalAveragePooling2d: () => ({}),
  globalMaxPooling1d: () => ({}),
  globalMaxPooling2d: () => ({}),
  globalMaxPool1d: () => ({}),
  globalMaxPool2d: () => ({}),
  batchNormalization: () => ({}),
  layerNormalization: () => ({}),
  embedding: () => ({ inputDim: 5, outputDim: 2 }),
  add: () => ({}),
  subtract: () => ({}),
  multiply: () => ({}),
  average: () => ({}),
  maximum: () => ({}),
  minimum: () => ({}),
  concatenate: () => ({}),
  dot: () => ({ axes: 1 }),
  simpleRNN: () => ({ units: 2 }),
  lstm: () => ({ units: 2 }),
  gru: () => ({ units: 2 }),
};

type Factory = (args: Record<string, unknown>) => unknown;

/** The factories of a face (Lamina's `layers` or lamina-nn/tfjs's), classes left out. */
export function factories(face: 'lamina' | 'tfjs'): [string, Factory][] {
  const source = (face === 'lamina' ? laminaLayers : tfjsLayers) as unknown as Record<
    string,
    unknown
  >;
  return (
    Object.entries(source)
      // Capitalised names are the classes (`layers.Dense`, and tf.layers.Layer), not factories.
      .filter(([name, f]) => typeof f === 'function' && /^[a-z]/.test(name))
      .map(([name, f]) => [name, f as Factory])
  );
}
