/** Keras 3's loss classes: configurable wrappers of the functions in functions.ts. */
import { notEqual } from '../ops/elementwise.js';
import { asFloat } from './loss.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functions.js';
import { Loss, type LossArgs } from './loss.js';
import { LaminaRangeError } from '../errors.js';

export class MeanSquaredError extends Loss {
  readonly className = 'MeanSquaredError';
  constructor(args: LossArgs = {}) {
    super('mean_squared_error', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.meanSquaredError(yTrue, yPred);
  }
}

export class MeanAbsoluteError extends Loss {
  readonly className = 'MeanAbsoluteError';
  constructor(args: LossArgs = {}) {
    super('mean_absolute_error', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.meanAbsoluteError(yTrue, yPred);
  }
}

export class MeanAbsolutePercentageError extends Loss {
  readonly className = 'MeanAbsolutePercentageError';
  constructor(args: LossArgs = {}) {
    super('mean_absolute_percentage_error', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.meanAbsolutePercentageError(yTrue, yPred);
  }
}

export class MeanSquaredLogarithmicError extends Loss {
  readonly className = 'MeanSquaredLogarithmicError';
  constructor(args: LossArgs = {}) {
    super('mean_squared_logarithmic_error', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.meanSquaredLogarithmicError(yTrue, yPred);
  }
}

export class Huber extends Loss {
  readonly className = 'Huber';
  readonly delta: number;
  constructor(args: LossArgs & { delta?: number } = {}) {
    super('huber_loss', args);
    this.delta = args.delta ?? 1;
    if (!(typeof this.delta === 'number' && this.delta >= 0))
      throw new LaminaRangeError(
        'invalid-argument',
        `Huber: delta must be a non-negative number, received ${this.delta}`,
      );
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.huber(yTrue, yPred, this.delta);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), delta: this.delta };
  }
}

export class LogCosh extends Loss {
  readonly className = 'LogCosh';
  constructor(args: LossArgs = {}) {
    super('log_cosh', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.logCosh(yTrue, yPred);
  }
}

export type CrossentropyArgs = LossArgs & F.CrossentropyOptions;

export class BinaryCrossentropy extends Loss {
  readonly className = 'BinaryCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(args: CrossentropyArgs = {}) {
    super('binary_crossentropy', args);
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
    this.axis = args.axis ?? -1;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.binaryCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

export class CategoricalCrossentropy extends Loss {
  readonly className = 'CategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(args: CrossentropyArgs = {}) {
    super('categorical_crossentropy', args);
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
    this.axis = args.axis ?? -1;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.categoricalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

/**
 * Crossentropy against integer labels. Entries labelled `ignoreClass` get loss 0 and are left
 * out of the 'sum_over_batch_size' and 'mean' averages, as Keras's masked losses are.
 */
export class SparseCategoricalCrossentropy extends Loss {
  readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  constructor(args: LossArgs & F.SparseCrossentropyOptions = {}) {
    super('sparse_categorical_crossentropy', args);
    this.fromLogits = args.fromLogits ?? false;
    this.ignoreClass = args.ignoreClass ?? null;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.sparseCategoricalCrossentropy(yTrue, yPred, this);
  }
  protected override computeMask(yTrue: Tensor, yPred: Tensor): Tensor | null {
    if (this.ignoreClass === null) return null;
    const p = asFloat(yPred, this.className, 'yPred');
    return notEqual(F.sparseLabels(yTrue, p, this.className, this.ignoreClass), this.ignoreClass);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), from_logits: this.fromLogits, ignore_class: this.ignoreClass };
  }
}

export class Hinge extends Loss {
  readonly className = 'Hinge';
  constructor(args: LossArgs = {}) {
    super('hinge', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.hinge(yTrue, yPred);
  }
}

export class SquaredHinge extends Loss {
  readonly className = 'SquaredHinge';
  constructor(args: LossArgs = {}) {
    super('squared_hinge', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.squaredHinge(yTrue, yPred);
  }
}

export class CategoricalHinge extends Loss {
  readonly className = 'CategoricalHinge';
  constructor(args: LossArgs = {}) {
    super('categorical_hinge', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.categoricalHinge(yTrue, yPred);
  }
}

export class KLDivergence extends Loss {
  readonly className = 'KLDivergence';
  constructor(args: LossArgs = {}) {
    super('kl_divergence', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.klDivergence(yTrue, yPred);
  }
}

export class Poisson extends Loss {
  readonly className = 'Poisson';
  constructor(args: LossArgs = {}) {
    super('poisson', args);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.poisson(yTrue, yPred);
  }
}

/** -cos(yTrue, yPred) along `axis`: minimizing it aligns the predictions with the targets. */
export class CosineSimilarity extends Loss {
  readonly className = 'CosineSimilarity';
  readonly axis: number;
  constructor(args: LossArgs & { axis?: number } = {}) {
    super('cosine_similarity', args);
    this.axis = args.axis ?? -1;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return F.cosineSimilarity(yTrue, yPred, this.axis);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }
}
