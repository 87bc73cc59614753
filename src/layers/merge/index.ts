/** Merge layers, as classes and TensorFlow.js-style factories. */
import type { LayerArgs } from '../base/layer.js';
import { Concatenate, type ConcatenateArgs } from './concatenate.js';
import { Dot, type DotArgs } from './dot.js';
import { Add, Average, Maximum, Minimum, Multiply, Subtract } from './elementwise.js';

export { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot };
export type { ConcatenateArgs, DotArgs };

/** `mergeLayers.add()`, `mergeLayers.concatenate({ axis: 1 })` and so on. */
export const mergeLayers = {
  add: (args: LayerArgs = {}) => new Add(args),
  subtract: (args: LayerArgs = {}) => new Subtract(args),
  multiply: (args: LayerArgs = {}) => new Multiply(args),
  average: (args: LayerArgs = {}) => new Average(args),
  maximum: (args: LayerArgs = {}) => new Maximum(args),
  minimum: (args: LayerArgs = {}) => new Minimum(args),
  concatenate: (args: ConcatenateArgs = {}) => new Concatenate(args),
  dot: (args: DotArgs) => new Dot(args),
};
