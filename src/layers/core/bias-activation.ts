/** What ends Dense and the convolutions: the bias, then the activation, fused where it can be. */
import { fusableActivation, type Activation } from '../../activations/index.js';
import { add } from '../../ops/elementwise.js';
import { biasActivation } from '../../ops/fused.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * activation(y + bias) for Dense and convolution layers, bias along the last axis: one fused
 * pass for a linear or relu activation (the common case, and a pass over the layer's whole
 * output saved), the separate ops otherwise. Same values either way.
 */
export function addBiasAndActivate(y: Tensor, bias: Tensor | null, activation: Activation): Tensor {
  const kind = bias === null ? null : fusableActivation(activation);
  if (bias !== null && kind !== null) return biasActivation(y, bias, kind);
  return activation.apply(bias === null ? y : add(y, bias));
}
