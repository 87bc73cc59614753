import type { Regularizer } from '../../regularizers/regularizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Variable } from '../../tensor/tensor.js';

/** What a weight needs of a constraint: a projection applied after each optimizer update. */
export interface WeightConstraint {
  readonly className: string;
  apply(w: Tensor): Tensor;
}

/**
 * A layer's weight. The regularizer lives here, on the variable, as in Keras 3: attach or remove
 * one at any time (`layer.kernel.regularizer = l2(1e-4)`), before or after building or loading.
 */
export class LayerWeight extends Variable {
  regularizer: Regularizer | null;
  constraint: WeightConstraint | null;
  /** The name inside its layer ('kernel'); `name` is the full path ('dense_1/kernel'). */
  readonly shortName: string;

  constructor(
    value: Tensor,
    options: {
      name: string;
      shortName: string;
      trainable: boolean;
      regularizer: Regularizer | null;
      constraint: WeightConstraint | null;
    },
  ) {
    super(value, { name: options.name, trainable: options.trainable });
    this.shortName = options.shortName;
    this.regularizer = options.regularizer;
    this.constraint = options.constraint;
  }
}
