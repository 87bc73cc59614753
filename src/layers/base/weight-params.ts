/**
 * A weight's initializer, regularizer and constraint, one mechanism for every layer: identifiers
 * are resolved at construction (bad ones fail before any data is seen), the weight is created at
 * build, and the config reports what is on the weight once it exists, so a regularizer attached
 * or removed after building (as Keras 3 allows) is what gets saved.
 */
import {
  getConstraint,
  type Constraint,
  type ConstraintIdentifier,
} from '../../constraints/index.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
} from '../../initializers/index.js';
import {
  getRegularizer,
  type Regularizer,
  type RegularizerIdentifier,
} from '../../regularizers/index.js';
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

/**
 * Each call site spells its layer's options out (`{ initializer: args.kernelInitializer,
 * regularizer: args.kernelRegularizer, constraint: args.kernelConstraint }`), so that a search for
 * `kernelRegularizer` finds who consumes it and a misspelt option cannot compile.
 */
export class WeightParams {
  readonly initializer: Initializer;
  weight: LayerWeight | null = null;
  private readonly regularizer: Regularizer | null;
  private readonly constraint: Constraint | null;

  /** Resolves the identifiers now, so that a bad one fails at construction, naming `where`. */
  constructor(args: WeightParamArgs, defaultInitializer: string, where: string) {
    this.initializer = getInitializer(args.initializer ?? defaultInitializer, where);
    this.regularizer = getRegularizer(args.regularizer, where);
    this.constraint = getConstraint(args.constraint ?? null, where);
  }

  /** Creates the weight on `layer` (with `initializer` instead of the configured one if given). */
  create(
    layer: Layer,
    name: string,
    shape: readonly number[],
    initializer: WeightInitializer = this.initializer,
  ): LayerWeight {
    this.weight = layer.addWeight({
      name,
      shape,
      initializer,
      regularizer: this.regularizer,
      constraint: this.constraint,
    });
    return this.weight;
  }

  /** `{prefix}_initializer`, `{prefix}_regularizer`, `{prefix}_constraint`. */
  config(prefix: string): JsonObject {
    return {
      [`${prefix}_initializer`]: initializerConfig(this.initializer),
      [`${prefix}_regularizer`]: regularizerConfig(
        this.weight !== null ? this.weight.regularizer : this.regularizer,
      ),
      [`${prefix}_constraint`]: constraintConfig(
        this.weight !== null ? this.weight.constraint : this.constraint,
      ),
    };
  }
}
