/** Argument checks and the gamma/beta arguments shared by the normalization layers. */
import { getConstraint, type ConstraintIdentifier } from '../../constraints/index.js';
import {
  getInitializer,
  type Initializer,
  type InitializerIdentifier,
} from '../../initializers/index.js';
import { getRegularizer, type RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { constraintConfig, initializerConfig, regularizerConfig } from '../base/config.js';
import type { Layer } from '../base/layer.js';
import type { LayerWeight } from '../base/weight.js';

/** The learned scale (gamma) and offset (beta) of a normalization layer. */
export interface AffineArgs {
  /** Add the learned offset beta. Defaults to true. */
  center?: boolean;
  /** Multiply by the learned scale gamma. Defaults to true. */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
  betaConstraint?: ConstraintIdentifier | null;
  gammaConstraint?: ConstraintIdentifier | null;
}

export function checkBoolean(
  value: unknown,
  arg: string,
  where: string,
  fallback: boolean,
): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(
      `${where}: Invalid value for argument ${arg}: expected a boolean. Received: ${arg}=${String(value)}`,
    );
  }
  return value;
}

/** A finite number in [min, max] (either bound optional). */
export function checkNumber(
  value: unknown,
  arg: string,
  where: string,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min === -Infinity && max === Infinity
        ? 'a finite number'
        : max === Infinity
          ? `a number >= ${min}`
          : `a number in [${min}, ${max}]`;
    throw new RangeError(
      `${where}: Invalid value for argument ${arg}: expected ${range}. Received: ${arg}=${String(value)}`,
    );
  }
  return value;
}

export function checkInteger(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(
      `${where}: Invalid value for argument ${arg}: expected an integer. Received: ${arg}=${String(value)}`,
    );
  }
  return value;
}

/** Resolves gamma/beta arguments at construction, so that bad identifiers fail early. */
export class Affine {
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  gamma: LayerWeight | null = null;
  beta: LayerWeight | null = null;
  private readonly args: AffineArgs;

  constructor(args: AffineArgs, where: string) {
    this.center = checkBoolean(args.center, 'center', where, true);
    this.scale = checkBoolean(args.scale, 'scale', where, true);
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros', where);
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones', where);
    getRegularizer(args.betaRegularizer, where);
    getRegularizer(args.gammaRegularizer, where);
    getConstraint(args.betaConstraint ?? null, where);
    getConstraint(args.gammaConstraint ?? null, where);
    this.args = args;
  }

  addGamma(layer: Layer, shape: readonly number[], where: string): LayerWeight {
    this.gamma = layer.addWeight({
      name: 'gamma',
      shape,
      initializer: this.gammaInitializer,
      regularizer: getRegularizer(this.args.gammaRegularizer, where),
      constraint: getConstraint(this.args.gammaConstraint ?? null, where),
    });
    return this.gamma;
  }

  addBeta(layer: Layer, shape: readonly number[], where: string): LayerWeight {
    this.beta = layer.addWeight({
      name: 'beta',
      shape,
      initializer: this.betaInitializer,
      regularizer: getRegularizer(this.args.betaRegularizer, where),
      constraint: getConstraint(this.args.betaConstraint ?? null, where),
    });
    return this.beta;
  }

  /** Keras config entries; regularizers and constraints are read from the weights once built. */
  config(): JsonObject {
    return {
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerConfig(this.betaInitializer),
      gamma_initializer: initializerConfig(this.gammaInitializer),
      beta_regularizer: regularizerConfig(
        this.beta !== null ? this.beta.regularizer : getRegularizer(this.args.betaRegularizer),
      ),
      gamma_regularizer: regularizerConfig(
        this.gamma !== null ? this.gamma.regularizer : getRegularizer(this.args.gammaRegularizer),
      ),
      beta_constraint: constraintConfig(
        this.beta !== null ? this.beta.constraint : getConstraint(this.args.betaConstraint ?? null),
      ),
      gamma_constraint: constraintConfig(
        this.gamma !== null
          ? this.gamma.constraint
          : getConstraint(this.args.gammaConstraint ?? null),
      ),
    };
  }
}
