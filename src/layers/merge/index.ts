/** Merge layers, as classes and TensorFlow.js-style factories. */
import type { LayerArgs } from '../base/layer.js';
import { Concatenate, type ConcatenateArgs } from './concatenate.js';
import { Dot, type DotArgs } from './dot.js';
import { Add, Average, Maximum, Minimum, Multiply, Subtract } from './elementwise.js';

export { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot };
export type { ConcatenateArgs, DotArgs };

/** `mergeLayers.add()`, `mergeLayers.concatenate({ axis: 1 })` and so on. */
export const mergeLayers = {
  /**
   * Sums its inputs (same shapes).
   * @example
   * ```ts
   * layers.add().apply([tensor([[1, 2]]), tensor([[3, 4]])]); // [[4, 6]]
   * ```
   */
  add: (args: LayerArgs = {}) => new Add(args),
  /**
   * Subtracts the second input from the first.
   * @example
   * ```ts
   * layers.subtract().apply([tensor([[5, 2]]), tensor([[3, 4]])]); // [[2, -2]]
   * ```
   */
  subtract: (args: LayerArgs = {}) => new Subtract(args),
  /**
   * Multiplies its inputs elementwise.
   * @example
   * ```ts
   * layers.multiply().apply([tensor([[1, 2]]), tensor([[3, 4]])]); // [[3, 8]]
   * ```
   */
  multiply: (args: LayerArgs = {}) => new Multiply(args),
  /**
   * Averages its inputs.
   * @example
   * ```ts
   * layers.average().apply([tensor([[1, 2]]), tensor([[3, 4]])]); // [[2, 3]]
   * ```
   */
  average: (args: LayerArgs = {}) => new Average(args),
  /**
   * Elementwise maximum of its inputs.
   * @example
   * ```ts
   * layers.maximum().apply([tensor([[1, 5]]), tensor([[3, 4]])]); // [[3, 5]]
   * ```
   */
  maximum: (args: LayerArgs = {}) => new Maximum(args),
  /**
   * Elementwise minimum of its inputs.
   * @example
   * ```ts
   * layers.minimum().apply([tensor([[1, 5]]), tensor([[3, 4]])]); // [[1, 4]]
   * ```
   */
  minimum: (args: LayerArgs = {}) => new Minimum(args),
  /**
   * Concatenates its inputs along an axis (the last by default).
   * @example
   * ```ts
   * layers.concatenate().apply([ones([2, 3]), ones([2, 1])]); // shape [2, 4]
   * ```
   */
  concatenate: (args: ConcatenateArgs = {}) => new Concatenate(args),
  /**
   * Dot product of two inputs along the given axes (optionally of L2-normalized inputs).
   * @example
   * ```ts
   * layers.dot({ axes: 1 }).apply([tensor([[1, 2]]), tensor([[3, 4]])]); // [[11]]
   * ```
   */
  dot: (args: DotArgs) => new Dot(args),
};
