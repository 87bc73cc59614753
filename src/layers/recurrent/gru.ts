import { getActivation, serializeActivation, type Activation } from '../../activations/index.js';
import { add, mul, sub } from '../../ops/elementwise.js';
import { matMul } from '../../ops/linalg.js';
import { reshape, slice, split } from '../../ops/movement.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import type { LayerWeight } from '../base/weight.js';
import { RNN_ARG_KEYS, type RNNArgs } from './args.js';
import { fusedActivation, RNN, type FusedCell, type GatedRNNArgs, type StepFn } from './base.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue } from '../../validation/options.js';
import { LaminaTypeError } from '../../errors.js';

export interface GRUArgs extends GatedRNNArgs {
  /**
   * Apply the reset gate after the recurrent matrix product (Keras 3 default true, cuDNN
   * convention): the bias is then [2, 3 * units], row 0 for the input, row 1 for the recurrence.
   */
  resetAfter?: boolean;
}

/**
 * Gated recurrent unit (Cho et al. 2014). Gates in Keras order z (update), r (reset), h:
 * h' = z * h + (1 - z) * hh, hh = act(x_h + r * (h . U_h + b_rh)) with resetAfter, or
 * act(x_h + (r * h) . U_h) without.
 */
export class GRU extends RNN {
  static override className = 'GRU';
  static override readonly argKeys: readonly string[] = [
    ...RNN_ARG_KEYS,
    ...layerArgKeys<Omit<GRUArgs, keyof RNNArgs>>({ recurrentActivation: true, resetAfter: true }),
  ];
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super(args);
    this.recurrentActivation = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
      this.where,
    );
    if (args.resetAfter !== undefined && typeof args.resetAfter !== 'boolean') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.where}: Invalid value for argument resetAfter: expected a boolean. Received: resetAfter=${showValue(args.resetAfter)}`,
      );
    }
    this.resetAfter = args.resetAfter ?? true;
  }

  protected get gateCount(): number {
    return 3;
  }
  get stateCount(): number {
    return 1;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  /** Row `i` of the [2, 3 * units] bias (resetAfter). */
  private biasRow(i: number): Tensor {
    return reshape(slice(this.bias as LayerWeight, [i, 0], [1, -1]), [3 * this.units]);
  }

  protected override inputBias(): Tensor | null {
    if (this.bias === null) return null;
    return this.resetAfter ? this.biasRow(0) : this.bias;
  }

  protected fusedCell(): FusedCell | null {
    const activation = fusedActivation(this.activation);
    const recurrentActivation = fusedActivation(this.recurrentActivation);
    if (activation === null || recurrentActivation === null) return null;
    return {
      cell: this.resetAfter ? 'gruResetAfter' : 'gru',
      activation,
      recurrentActivation,
      recurrentBias: this.resetAfter && this.bias !== null ? this.biasRow(1) : null,
    };
  }

  protected makeStep(recurrentMask: Tensor | null): StepFn {
    const u = this.units;
    const kernel = this.recurrentKernel as LayerWeight;
    const act = this.activation.apply;
    const gate = this.recurrentActivation.apply;
    const recurrentBias = this.resetAfter && this.bias !== null ? this.biasRow(1) : null;
    // Without resetAfter, the candidate's recurrent product comes after the reset gate.
    const kernelZR = this.resetAfter ? kernel : slice(kernel, [0, 0], [u, 2 * u]);
    const kernelH = this.resetAfter ? null : slice(kernel, [0, 2 * u], [u, u]);
    return (projected, [hState]) => {
      const h = hState as Tensor;
      const prev = recurrentMask === null ? h : mul(h, recurrentMask);
      const [xz, xr, xh] = split(projected, 3, 1) as [Tensor, Tensor, Tensor];
      let inner = matMul(prev, kernelZR);
      if (recurrentBias !== null) inner = add(inner, recurrentBias);
      const z = gate(add(xz, slice(inner, [0, 0], [-1, u])));
      const r = gate(add(xr, slice(inner, [0, u], [-1, u])));
      const recurrentH = this.resetAfter
        ? mul(r, slice(inner, [0, 2 * u], [-1, u]))
        : matMul(mul(r, prev), kernelH as Tensor);
      const hh = act(add(xh, recurrentH));
      return [add(mul(z, h), mul(sub(1, z), hh))];
    };
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      reset_after: this.resetAfter,
    };
  }
}
registerLayer(GRU);
