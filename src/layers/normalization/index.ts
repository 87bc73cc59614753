/** Normalization layers and Embedding, as classes and TensorFlow.js-style factories. */
import { Embedding, type EmbeddingArgs } from '../embedding.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
import { LayerNormalization, type LayerNormalizationArgs } from './layer-normalization.js';

export { BatchNormalization, LayerNormalization, Embedding };
export type { BatchNormalizationArgs, LayerNormalizationArgs, EmbeddingArgs };
export type { AffineArgs } from './util.js';

/** `normalizationLayers.batchNormalization({ momentum: 0.9 })` and so on. */
export const normalizationLayers = {
  batchNormalization: (args: BatchNormalizationArgs = {}) => new BatchNormalization(args),
  layerNormalization: (args: LayerNormalizationArgs = {}) => new LayerNormalization(args),
  embedding: (args: EmbeddingArgs) => new Embedding(args),
};
