import { add, mul } from '../../ops/elementwise.js';
import { matMul } from '../../ops/linalg.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import type { LayerWeight } from '../base/weight.js';
import { RNN_ARG_KEYS } from './args.js';
import { fusedActivation, RNN, type FusedCell, type RNNArgs, type StepFn } from './base.js';

export type SimpleRNNArgs = RNNArgs;

/** Fully connected recurrence: h_t = activation(x_t . kernel + h_{t-1} . recurrent_kernel + b). */
export class SimpleRNN extends RNN {
  static override className = 'SimpleRNN';
  static override readonly argKeys: readonly string[] = RNN_ARG_KEYS;

  constructor(args: SimpleRNNArgs) {
    super(args);
  }

  protected get gateCount(): number {
    return 1;
  }
  get stateCount(): number {
    return 1;
  }

  protected fusedCell(): FusedCell | null {
    const activation = fusedActivation(this.activation);
    if (activation === null) return null;
    return { cell: 'simple', activation, recurrentActivation: 'linear', recurrentBias: null };
  }

  protected makeStep(recurrentMask: Tensor | null): StepFn {
    const recurrentKernel = this.recurrentKernel as LayerWeight;
    return (projected, [h]) => {
      const prev = recurrentMask === null ? (h as Tensor) : mul(h as Tensor, recurrentMask);
      return [this.activation.apply(add(projected, matMul(prev, recurrentKernel)))];
    };
  }
}
registerLayer(SimpleRNN);
