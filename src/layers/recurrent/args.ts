/** Arguments of the recurrent layers, their Keras 1 aliases and small checks. */
import type { ActivationIdentifier } from '../../activations/index.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import { layerArgKeys } from '../base/arg-keys.js';
import type { LayerArgs } from '../base/layer.js';
import { LEGACY_WEIGHT_ARGS } from '../core/dense.js';

export interface RNNArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  recurrentRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier | null;
  recurrentConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
  /** Fraction of the input features dropped in training (one mask per call, all timesteps). */
  dropout?: number;
  /** Fraction of the state units dropped in training (one mask per call, all timesteps). */
  recurrentDropout?: number;
  /** Seed of the dropout masks. */
  seed?: number | null;
  /** Return the whole output sequence [batch, timesteps, units] instead of the last output. */
  returnSequences?: boolean;
  /** Return [output, ...finalStates] instead of the output alone. */
  returnState?: boolean;
  /** Process the sequence from the last timestep; with returnSequences the output is reversed. */
  goBackwards?: boolean;
  /**
   * With a mask and returnSequences: masked steps output zeros (true) or repeat the previous
   * output (false, the default). Bidirectional sets it to returnSequences, as Keras does.
   */
  zeroOutputForMask?: boolean;
  /** Not supported: true throws. */
  stateful?: boolean;
  /** Accepted for Keras compatibility; the loop is always unrolled over the eager timesteps. */
  unroll?: boolean;
  /** @deprecated Keras 1 name of kernelRegularizer. */
  W_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of recurrentRegularizer. */
  U_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of biasRegularizer. */
  b_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of recurrentConstraint. */
  U_constraint?: ConstraintIdentifier | null;
  /** @deprecated Keras 1 name of dropout. */
  dropout_W?: number;
  /** @deprecated Keras 1 name of recurrentDropout. */
  dropout_U?: number;
}

/** The constructor options of every recurrent layer beyond LayerArgs. */
export const RNN_ARG_KEYS = layerArgKeys<RNNArgs>({
  units: true,
  zeroOutputForMask: true,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  recurrentInitializer: true,
  biasInitializer: true,
  kernelRegularizer: true,
  recurrentRegularizer: true,
  biasRegularizer: true,
  kernelConstraint: true,
  recurrentConstraint: true,
  biasConstraint: true,
  dropout: true,
  recurrentDropout: true,
  seed: true,
  returnSequences: true,
  returnState: true,
  goBackwards: true,
  stateful: true,
  unroll: true,
  W_regularizer: true,
  U_regularizer: true,
  b_regularizer: true,
  U_constraint: true,
  dropout_W: true,
  dropout_U: true,
});

/** RNN arguments of the gated layers (LSTM, GRU). */
export interface GatedRNNArgs extends RNNArgs {
  recurrentActivation?: ActivationIdentifier;
}

/** Keras 1 names of recurrent layers, mapped with a one-time warning. */
export const LEGACY_RNN_ARGS: Readonly<Record<string, string>> = {
  ...LEGACY_WEIGHT_ARGS,
  U_regularizer: 'recurrentRegularizer',
  U_constraint: 'recurrentConstraint',
  dropout_W: 'dropout',
  dropout_U: 'recurrentDropout',
};
