/** Argument checks and the gamma/beta arguments shared by the normalization layers. */
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Layer } from '../base/layer.js';
import type { LayerWeight } from '../base/weight.js';
import { WeightParams } from '../base/weight-params.js';
import { checkBoolean } from '../base/args.js';
import { optionKeys } from '../../validation/options.js';
import { showValue } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

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
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected ${range}. Received: ${arg}=${showValue(value)}`,
    );
  }
  return value;
}

export function checkInteger(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected an integer. Received: ${arg}=${showValue(value)}`,
    );
  }
  return value;
}

/** The gamma/beta options, as a list checked against AffineArgs. */
export const AFFINE_ARG_KEYS = optionKeys<AffineArgs>({
  center: true,
  scale: true,
  betaInitializer: true,
  gammaInitializer: true,
  betaRegularizer: true,
  gammaRegularizer: true,
  betaConstraint: true,
  gammaConstraint: true,
});

/** Resolves gamma/beta arguments at construction, so that bad identifiers fail early. */
export class Affine {
  readonly center: boolean;
  readonly scale: boolean;
  private readonly gammaParams: WeightParams;
  private readonly betaParams: WeightParams;

  constructor(args: AffineArgs, where: string) {
    this.center = checkBoolean(args.center, 'center', where, true);
    this.scale = checkBoolean(args.scale, 'scale', where, true);
    this.betaParams = new WeightParams(
      {
        initializer: args.betaInitializer,
        regularizer: args.betaRegularizer,
        constraint: args.betaConstraint,
      },
      'zeros',
      where,
    );
    this.gammaParams = new WeightParams(
      {
        initializer: args.gammaInitializer,
        regularizer: args.gammaRegularizer,
        constraint: args.gammaConstraint,
      },
      'ones',
      where,
    );
  }

  get gamma(): LayerWeight | null {
    return this.gammaParams.weight;
  }

  get beta(): LayerWeight | null {
    return this.betaParams.weight;
  }

  addGamma(layer: Layer, shape: readonly number[]): LayerWeight {
    return this.gammaParams.create(layer, 'gamma', shape);
  }

  addBeta(layer: Layer, shape: readonly number[]): LayerWeight {
    return this.betaParams.create(layer, 'beta', shape);
  }

  /** Keras config entries; regularizers and constraints are read from the weights once built. */
  config(): JsonObject {
    return {
      center: this.center,
      scale: this.scale,
      ...this.betaParams.config('beta'),
      ...this.gammaParams.config('gamma'),
    };
  }
}
