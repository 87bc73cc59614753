/**
 * TensorFlow.js's small shared types: the `Rank` enum, `NamedTensorMap`, and `Tensor` /
 * `Variable` as generic types (`tf.Tensor<tf.Rank.R2>` in TypeScript written for TensorFlow.js)
 * that are Lamina's classes at run time.
 */
import { Tensor as LaminaTensor, Variable as LaminaVariable } from '../tensor/tensor.js';

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
export type NamedTensorMap = Record<string, LaminaTensor>;

/** Lamina's Tensor; the rank parameter is accepted for TensorFlow.js's typings and not checked. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export type Tensor<R extends Rank = Rank> = LaminaTensor;
export const Tensor = LaminaTensor;
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export type Variable<R extends Rank = Rank> = LaminaVariable;
export const Variable = LaminaVariable;
