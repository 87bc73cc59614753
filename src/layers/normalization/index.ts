/** Normalization layers and Embedding, as classes and TensorFlow.js-style factories. */
import { Embedding, type EmbeddingArgs } from '../embedding.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
import { LayerNormalization, type LayerNormalizationArgs } from './layer-normalization.js';

export { BatchNormalization, LayerNormalization, Embedding };
export type { BatchNormalizationArgs, LayerNormalizationArgs, EmbeddingArgs };
export type { AffineArgs } from './util.js';

/** `normalizationLayers.batchNormalization({ momentum: 0.9 })` and so on. */
export const normalizationLayers = {
  /**
   * Normalizes with the batch's statistics in training and moving averages in inference.
   * @example
   * ```ts
   * const layer = layers.batchNormalization();
   * layer.apply(tensor([[1], [3]]), { training: true }); // shape [2, 1]
   * ```
   */
  batchNormalization: (args: BatchNormalizationArgs = {}) => new BatchNormalization(args),
  /**
   * Normalizes each sample over its last axis (or `axis`), then scales and shifts.
   * @example
   * ```ts
   * layers.layerNormalization({ epsilon: 0 }).apply(tensor([[1, 3]])); // [[-1, 1]]
   * ```
   */
  layerNormalization: (args: LayerNormalizationArgs = {}) => new LayerNormalization(args),
  /**
   * Maps integer ids to learned vectors: `[batch, steps]` to `[batch, steps, outputDim]`.
   * @example
   * ```ts
   * layers.embedding({ inputDim: 10, outputDim: 4 }).apply(tensor([[1, 2, 3]], [1, 3], 'int32')); // shape [1, 3, 4]
   * ```
   */
  embedding: (args: EmbeddingArgs) => new Embedding(args),
};
