/** TensorFlow.js's small shared types: the `Rank` enum and `NamedTensorMap`. */
import type { Tensor } from '../tensor/tensor.js';

/** A tensor's rank by name, as TensorFlow.js spells it (`tf.Rank.R2 === 'R2'`). */
export enum Rank {
  R0 = 'R0',
  R1 = 'R1',
  R2 = 'R2',
  R3 = 'R3',
  R4 = 'R4',
  R5 = 'R5',
  R6 = 'R6',
}

/** Tensors by name, as `variableGrads` returns gradients. */
export type NamedTensorMap = Record<string, Tensor>;
