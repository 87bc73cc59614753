import type { DType } from '../../tensor/dtype.js';
import type { Layer } from './layer.js';

/** A shape whose dimensions may be unknown (null): the batch dimension, or sequence lengths. */
export type SymbolicShape = readonly (number | null)[];

export function formatSymbolicShape(shape: SymbolicShape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** One application of a layer in a functional graph: which symbolic tensors went in and out. */
export interface LayerNode {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  readonly training: boolean | undefined;
  /**
   * How many of the last `inputs` were given as `initialState` (recorded as Keras's
   * `initial_state` keyword argument when serialized); 0 or absent otherwise.
   */
  readonly initialStateCount?: number;
}

let nextSymbolicId = 0;

/**
 * A placeholder for a tensor in a functional model under construction: a shape (batch unknown),
 * a dtype and the layer application that will produce it. Holds no values.
 */
export class SymbolicTensor {
  readonly id = nextSymbolicId++;
  constructor(
    readonly shape: SymbolicShape,
    readonly dtype: DType,
    readonly name: string,
    /** The layer application producing this tensor (an InputLayer's for model inputs). */
    readonly node: LayerNode,
    readonly outputIndex: number,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get sourceLayer(): Layer {
    return this.node.layer;
  }

  toString(): string {
    return `SymbolicTensor ${this.name} ${this.dtype} ${formatSymbolicShape(this.shape)}`;
  }
}
