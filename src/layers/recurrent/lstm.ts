import { ones } from '../../ops/creation.js';
import { add, mul } from '../../ops/elementwise.js';
import { matMul } from '../../ops/linalg.js';
import { concat, split } from '../../ops/movement.js';
import { getActivation, serializeActivation, type Activation } from '../../activations/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import type { WeightInitializer } from '../base/layer.js';
import type { LayerWeight } from '../base/weight.js';
import { RNN_ARG_KEYS, type RNNArgs } from './args.js';
import { fusedActivation, RNN, type FusedCell, type GatedRNNArgs, type StepFn } from './base.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue } from '../../validation/options.js';
import { LaminaTypeError } from '../../errors.js';

export interface LSTMArgs extends GatedRNNArgs {
  /** Initialize the forget-gate bias to 1 (Jozefowicz et al.), the rest with biasInitializer. */
  unitForgetBias?: boolean;
}

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997). Gates in Keras order i, f, c, o:
 * z = x_t . kernel + h . recurrent_kernel + bias; c' = f * c + i * act(z_c); h' = o * act(c').
 * States [h, c].
 */
export class LSTM extends RNN {
  static override className = 'LSTM';
  static override readonly argKeys: readonly string[] = [
    ...RNN_ARG_KEYS,
    ...layerArgKeys<Omit<LSTMArgs, keyof RNNArgs>>({
      recurrentActivation: true,
      unitForgetBias: true,
    }),
  ];
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMArgs) {
    super(args);
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
      this.where,
    );
    if (args.unitForgetBias !== undefined && typeof args.unitForgetBias !== 'boolean') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.where}: Invalid value for argument unitForgetBias: expected a boolean. Received: unitForgetBias=${showValue(args.unitForgetBias)}`,
      );
    }
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected get gateCount(): number {
    return 4;
  }
  get stateCount(): number {
    return 2;
  }

  protected override biasWeightInitializer(): WeightInitializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const units = this.units;
    const init = this.biasInitializer;
    return {
      generate: (_shape: readonly number[], dtype?: DType): Tensor =>
        concat(
          [init.generate([units], dtype), ones([units], dtype), init.generate([2 * units], dtype)],
          0,
        ),
    };
  }

  protected fusedCell(): FusedCell | null {
    const activation = fusedActivation(this.activation);
    const recurrentActivation = fusedActivation(this.recurrentActivation);
    if (activation === null || recurrentActivation === null) return null;
    return { cell: 'lstm', activation, recurrentActivation, recurrentBias: null };
  }

  protected makeStep(recurrentMask: Tensor | null): StepFn {
    const recurrentKernel = this.recurrentKernel as LayerWeight;
    const act = this.activation.apply;
    const gate = this.recurrentActivation.apply;
    return (projected, [h, c]) => {
      const prev = recurrentMask === null ? (h as Tensor) : mul(h as Tensor, recurrentMask);
      const z = add(projected, matMul(prev, recurrentKernel));
      const [zi, zf, zc, zo] = split(z, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
      const cNext = add(mul(gate(zf), c as Tensor), mul(gate(zi), act(zc)));
      return [mul(gate(zo), act(cNext)), cNext];
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      unit_forget_bias: this.unitForgetBias,
    };
  }
}
registerLayer(LSTM);
