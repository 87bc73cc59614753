/**
 * A weight's initializer, regularizer and constraint, one mechanism for every layer: identifiers
 * are resolved at construction (bad ones fail before any data is seen), the weight is created at
 * build, and the config reports what is on the weight once it exists, so a regularizer attached
 * or removed after building (as Keras 3 allows) is what gets saved.
 */
import { getConstraint, type ConstraintIdentifier } from '../../constraints/index.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
} from '../../initializers/index.js';
import { getRegularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { constraintConfig, initializerConfig, regularizerConfig } from './config.js';
import type { Layer, WeightInitializer } from './layer.js';
import type { LayerWeight } from './weight.js';

/** What a layer's weight needs besides its shape: initializer, regularizer and constraint. */
export interface WeightParamArgs {
  initializer?: InitializerIdentifier;
  regularizer?: RegularizerIdentifier;
  constraint?: ConstraintIdentifier | null;
}

export class WeightParams {
  readonly initializer: Initializer;
  weight: LayerWeight | null = null;
  private readonly regularizerId: RegularizerIdentifier;
  private readonly constraintId: ConstraintIdentifier | null;

  constructor(args: WeightParamArgs, defaultInitializer: string, where: string) {
    this.initializer = getInitializer(args.initializer ?? defaultInitializer, where);
    getRegularizer(args.regularizer, where);
    getConstraint(args.constraint ?? null, where);
    this.regularizerId = args.regularizer;
    this.constraintId = args.constraint ?? null;
  }

  /**
   * The settings a layer's options give under one prefix: `kernelInitializer`,
   * `kernelRegularizer` and `kernelConstraint` for 'kernel'.
   */
  static of(args: object, prefix: string, defaultInitializer: string, where: string): WeightParams {
    const a = args as Readonly<Record<string, unknown>>;
    return new WeightParams(
      {
        initializer: a[`${prefix}Initializer`] as InitializerIdentifier | undefined,
        regularizer: a[`${prefix}Regularizer`] as RegularizerIdentifier,
        constraint: a[`${prefix}Constraint`] as ConstraintIdentifier | null | undefined,
      },
      defaultInitializer,
      where,
    );
  }

  /** Creates the weight on `layer` (with `initializer` instead of the configured one if given). */
  create(
    layer: Layer,
    name: string,
    shape: readonly number[],
    where: string,
    initializer: WeightInitializer = this.initializer,
  ): LayerWeight {
    this.weight = layer.addWeight({
      name,
      shape,
      initializer,
      regularizer: getRegularizer(this.regularizerId, where),
      constraint: getConstraint(this.constraintId, where),
    });
    return this.weight;
  }

  /** `{prefix}_initializer`, `{prefix}_regularizer`, `{prefix}_constraint`. */
  config(prefix: string): JsonObject {
    return {
      [`${prefix}_initializer`]: initializerConfig(this.initializer),
      [`${prefix}_regularizer`]: regularizerConfig(
        this.weight !== null ? this.weight.regularizer : getRegularizer(this.regularizerId),
      ),
      [`${prefix}_constraint`]: constraintConfig(
        this.weight !== null ? this.weight.constraint : getConstraint(this.constraintId),
      ),
    };
  }
}
